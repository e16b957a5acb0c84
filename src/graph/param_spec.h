#pragma once
// Descriptions of what a node type accepts: creation options, automatable
// parameters and ports. These tables drive validation of graph files (with
// ranges in the error messages), `audiocloud nodes`, and the docs.
#include <cstdint>
#include <string>
#include <vector>

namespace ac {

enum class ParamKind : uint8_t {
  number,   // a real number in [min, max]
  integer,  // a whole number in [min, max]
  choice,   // one of `choices`, given by name
  text,     // free text (a file path)
};

struct ParamSpec {
  std::string name;
  ParamKind kind = ParamKind::number;
  double min = 0.0;
  double max = 1.0;
  double default_value = 0.0;
  std::string unit;                  // "Hz", "dB", "ms", "" ...
  std::vector<std::string> choices;  // kind == choice
  std::string default_text;          // kind == choice or text
  std::string help;                  // one line for `audiocloud nodes`
  bool required = false;             // no default: the graph must set it
  bool is_path = false;              // text: a file path, relative to the graph file
  bool is_param_target = false;      // text: "node.param", a parameter this node drives

  // "20 .. 20000 Hz", "one of lowpass, highpass", "text"
  std::string describe_range() const;
};

inline ParamSpec number_param(std::string name, double min, double max, double def, std::string unit,
                              std::string help) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::number;
  p.min = min;
  p.max = max;
  p.default_value = def;
  p.unit = std::move(unit);
  p.help = std::move(help);
  return p;
}

inline ParamSpec integer_param(std::string name, int64_t min, int64_t max, int64_t def, std::string help) {
  ParamSpec p = number_param(std::move(name), static_cast<double>(min), static_cast<double>(max),
                             static_cast<double>(def), "", std::move(help));
  p.kind = ParamKind::integer;
  return p;
}

inline ParamSpec choice_param(std::string name, std::vector<std::string> choices, std::string def, std::string help) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::choice;
  p.choices = std::move(choices);
  p.default_text = std::move(def);
  p.help = std::move(help);
  return p;
}

inline ParamSpec path_param(std::string name, std::string help) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::text;
  p.help = std::move(help);
  p.required = true;
  p.is_path = true;
  return p;
}

// A path the node can do without ("" when not given).
inline ParamSpec optional_path_param(std::string name, std::string help) {
  ParamSpec p = path_param(std::move(name), std::move(help));
  p.required = false;
  return p;
}

inline ParamSpec text_param(std::string name, std::string help, bool required) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamKind::text;
  p.help = std::move(help);
  p.required = required;
  return p;
}

// A "node.param" option: the parameter of another node this node drives.
inline ParamSpec param_target_option(std::string name, std::string help) {
  ParamSpec p = text_param(std::move(name), std::move(help), true);
  p.is_param_target = true;
  return p;
}

// The `channels` option most node types have.
inline ParamSpec channels_option(uint32_t def) {
  return integer_param("channels", 1, 64, def, "channel count");
}

struct PortSpec {
  std::string name;
  uint32_t channels = 1;
};

// Ports and automatable parameters of one node, once its options are known
// (a mixer's input count decides its ports and per-input gains).
struct NodeLayout {
  std::vector<PortSpec> inputs;
  std::vector<PortSpec> outputs;
  std::vector<ParamSpec> params;  // automatable; a ParamId is an index here
  // Event ports (UMP streams, core/event_buffer.h); `channels` is unused.
  // Their indices are their own: event input 0 is not audio input 0.
  std::vector<PortSpec> event_inputs = {};
  std::vector<PortSpec> event_outputs = {};
};

using ParamId = uint32_t;

}  // namespace ac
