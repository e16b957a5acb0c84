#pragma once
// The table of node types a graph file may use. Filled at start-up by each
// layer's register_*_nodes(); read-only afterwards.
#include <map>
#include <string>
#include <vector>

#include "graph/node_type.h"

namespace ac {

class NodeRegistry {
 public:
  // [control] Adds a type; a second type with the same name replaces the first.
  void add(NodeType type);

  // [any] nullptr when unknown.
  const NodeType* find(const std::string& name) const;

  // [any] The known name closest to `name` by edit distance, or "" if none is
  // close enough to be a plausible typo.
  std::string closest(const std::string& name) const;

  // [any] All types, sorted by name.
  std::vector<const NodeType*> all() const;

 private:
  std::map<std::string, NodeType> types_;
};

// Registers the graph layer's own node types: the host endpoints `input` and
// `output`.
void register_endpoint_nodes(NodeRegistry& registry);

// The endpoint node types themselves, for drivers that add their own named
// endpoints (`jack.in`, `jack.out`) with extra options: `channels` and
// `extra_options` make the option table.
NodeType host_input_node_type(std::string name, std::string summary, std::vector<ParamSpec> extra_options);
NodeType host_output_node_type(std::string name, std::string summary, std::vector<ParamSpec> extra_options);
// Endpoints of the driver's event streams (`jack.midi.in`, `jack.midi.out`):
// one event port `midi`, and a slot into HostIo's event streams.
NodeType host_event_input_node_type(std::string name, std::string summary, std::vector<ParamSpec> options);
NodeType host_event_output_node_type(std::string name, std::string summary, std::vector<ParamSpec> options);

}  // namespace ac
