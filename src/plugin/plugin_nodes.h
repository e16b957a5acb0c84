#pragma once
// Node types of the plug-in layer.
#include "graph/node_registry.h"

namespace ac {

NodeType wasm_node_type();  // `wasm`: a WebAssembly plug-in (docs/spec/plugin-abi.md)

void register_plugin_nodes(NodeRegistry& registry);

}  // namespace ac
