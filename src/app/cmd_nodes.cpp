// `audiocloud nodes [--json]`: every node type with its options, ports and
// parameters (ranges, units, defaults).
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/registry.h"

namespace ac {
namespace {

std::string default_text(const ParamSpec& p) {
  std::ostringstream o;
  if (p.kind == ParamKind::choice || p.kind == ParamKind::text) {
    if (p.required) return "required";
    return p.default_text.empty() ? "\"\"" : p.default_text;
  }
  o << p.default_value;
  if (!p.unit.empty()) o << " " << p.unit;
  return o.str();
}

nlohmann::json to_json(const ParamSpec& p) {
  nlohmann::json j{{"name", p.name}, {"help", p.help}};
  switch (p.kind) {
    case ParamKind::number:
    case ParamKind::integer:
      j["kind"] = p.kind == ParamKind::number ? "number" : "integer";
      j["min"] = p.min;
      j["max"] = p.max;
      j["default"] = p.default_value;
      j["unit"] = p.unit;
      break;
    case ParamKind::choice:
      j["kind"] = "choice";
      j["choices"] = p.choices;
      j["default"] = p.default_text;
      break;
    case ParamKind::text:
      j["kind"] = "text";
      j["required"] = p.required;
      break;
  }
  return j;
}

}  // namespace

int run_nodes(bool json, const std::string& only) {
  const NodeRegistry registry = default_registry();
  if (!only.empty() && !registry.find(only)) {
    std::string near = registry.closest(only);
    std::cerr << "error: no node type '" << only << "'" << (near.empty() ? "" : " (did you mean '" + near + "'?)")
              << "; `audiocloud nodes` lists them\n";
    return kExitBadInput;
  }
  nlohmann::json all = nlohmann::json::array();
  for (const NodeType* t : registry.all()) {
    if (!only.empty() && t->name != only) continue;
    // Ports and parameters shown for the default options.
    // A required path gets a stand-in: types whose ports follow the file
    // (a player) then fail to lay out, and say so.
    NodeOptions defaults;
    for (const ParamSpec& o : t->options) {
      if (o.kind == ParamKind::number || o.kind == ParamKind::integer)
        defaults.set_number(o.name, o.default_value);
      else
        defaults.set_text(o.name, o.required ? "/nonexistent/example.wav" : o.default_text);
    }
    auto layout = t->layout(defaults);
    const bool needs_file = !layout;
    if (json) {
      nlohmann::json j{{"type", t->name}, {"summary", t->summary}};
      j["options"] = nlohmann::json::array();
      for (const auto& o : t->options) j["options"].push_back(to_json(o));
      if (layout) {
        j["inputs"] = nlohmann::json::array();
        for (const auto& p : layout->inputs) j["inputs"].push_back({{"name", p.name}, {"channels", p.channels}});
        j["outputs"] = nlohmann::json::array();
        for (const auto& p : layout->outputs) j["outputs"].push_back({{"name", p.name}, {"channels", p.channels}});
        j["event_inputs"] = nlohmann::json::array();
        for (const auto& p : layout->event_inputs) j["event_inputs"].push_back({{"name", p.name}});
        j["event_outputs"] = nlohmann::json::array();
        for (const auto& p : layout->event_outputs) j["event_outputs"].push_back({{"name", p.name}});
        j["params"] = nlohmann::json::array();
        for (const auto& p : layout->params) j["params"].push_back(to_json(p));
      }
      all.push_back(j);
      continue;
    }
    std::cout << t->name << " — " << t->summary << "\n";
    for (const auto& o : t->options) {
      std::cout << "    option " << o.name << ": " << o.describe_range() << " (default " << default_text(o) << ") — "
                << o.help << "\n";
    }
    if (needs_file) {
      std::cout << "    ports: depend on the file\n";
    } else if (layout) {
      auto ports = [](const std::vector<PortSpec>& ps) {
        std::string s;
        for (const auto& p : ps) s += (s.empty() ? "" : ", ") + p.name + "[" + std::to_string(p.channels) + "]";
        return s.empty() ? std::string("none") : s;
      };
      std::cout << "    inputs: " << ports(layout->inputs) << "   outputs: " << ports(layout->outputs) << "\n";
      auto events = [](const std::vector<PortSpec>& ps) {
        std::string s;
        for (const auto& p : ps) s += (s.empty() ? "" : ", ") + p.name + " (UMP events)";
        return s.empty() ? std::string("none") : s;
      };
      if (!layout->event_inputs.empty() || !layout->event_outputs.empty()) {
        std::cout << "    event inputs: " << events(layout->event_inputs)
                  << "   event outputs: " << events(layout->event_outputs) << "\n";
      }
      for (const auto& p : layout->params) {
        std::cout << "    param " << p.name << ": " << p.describe_range() << " (default " << default_text(p) << ") — "
                  << p.help << "\n";
      }
    }
    std::cout << "\n";
  }
  if (json) std::cout << all.dump(2) << "\n";
  return 0;
}

}  // namespace ac
