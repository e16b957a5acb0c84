#pragma once
// Small shared pieces for declaring built-in node types.
#include <memory>

#include "graph/node_type.h"

namespace ac {

inline ParamSpec level_param(double def_db) {
  return number_param("level", -120, 24, def_db, "dB", "output level (-120 dB is silence)");
}

inline ParamSpec frequency_param(double def, double min = 0.0) {
  return number_param("frequency", min, 24000, def, "Hz", "frequency");
}

// A create() for node classes constructed from (options, layout).
template <typename N>
Expected<std::unique_ptr<Node>> make_node(const NodeOptions& o, const NodeLayout& l) {
  return std::unique_ptr<Node>(std::make_unique<N>(o, l));
}

}  // namespace ac
