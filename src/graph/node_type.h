#pragma once
// A node type: its name, its creation options, and how to lay out and build
// a node from validated options. Registered in a NodeRegistry by each layer
// that provides nodes (dsp, io, plugin, net ...).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/expected.h"
#include "graph/node.h"
#include "graph/node_options.h"
#include "graph/param_spec.h"

namespace ac {

struct NodeType {
  std::string name;                // as written in graph files: "biquad"
  std::string summary;             // one line for `audiocloud nodes`
  std::vector<ParamSpec> options;  // creation-time; validated before layout()

  // [control] Ports and automatable parameters for these options. Errors (a
  // file that does not open) name the problem; the caller adds the location.
  std::function<Expected<NodeLayout>(const NodeOptions&)> layout;

  // [control] Builds the node; prepare() is called later by the compiler.
  std::function<Expected<std::unique_ptr<Node>>(const NodeOptions&, const NodeLayout&)> create;

  // True for the graph's host endpoints (`input`, `output`).
  bool is_host_input = false;
  bool is_host_output = false;
  // True for endpoints of the driver's event streams: each such node gets a
  // slot (in graph order) into HostIo::event_input / event_output.
  bool is_host_event_input = false;
  bool is_host_event_output = false;
  // True when its nodes take events from outside the graph (Node::inlet()):
  // control surfaces may post to them.
  bool is_event_inlet = false;
};

}  // namespace ac
