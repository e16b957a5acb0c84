#include "graph/graph.h"

namespace ac {

std::optional<uint32_t> Graph::find_node(const std::string& id) const {
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].id == id) return i;
  }
  return std::nullopt;
}

std::string Graph::channel_name(uint32_t node, uint32_t port, uint32_t channel, bool input) const {
  const GraphNode& n = nodes[node];
  const auto& ports = input ? n.layout.inputs : n.layout.outputs;
  return n.id + "." + ports[port].name + "[" + std::to_string(channel) + "]";
}

std::string Graph::event_port_name(uint32_t node, uint32_t port, bool input) const {
  const GraphNode& n = nodes[node];
  const auto& ports = input ? n.layout.event_inputs : n.layout.event_outputs;
  return n.id + "." + ports[port].name;
}

}  // namespace ac
