#pragma once
// The creation-time settings of one node, validated against its type's
// option table: a channel count, a file path, a filter shape. Read by the
// node type's layout() and create().
#include <cstdint>
#include <map>
#include <string>

namespace ac {

class NodeOptions {
 public:
  void set_number(const std::string& name, double v) { numbers_[name] = v; }
  void set_text(const std::string& name, std::string v) { texts_[name] = std::move(v); }

  // The validated value; the option must be in the type's table (defaults are
  // filled in before a node type sees the options).
  double number(const std::string& name) const { return numbers_.at(name); }
  uint32_t count(const std::string& name) const { return static_cast<uint32_t>(numbers_.at(name)); }
  const std::string& text(const std::string& name) const { return texts_.at(name); }
  bool has(const std::string& name) const { return numbers_.count(name) || texts_.count(name); }
  bool operator==(const NodeOptions&) const = default;

 private:
  std::map<std::string, double> numbers_;
  std::map<std::string, std::string> texts_;  // choices and text options
};

}  // namespace ac
