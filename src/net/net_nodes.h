#pragma once
// The net layer's node types: `aes67.tx` and `aes67.rx`.
#include "graph/node_registry.h"

namespace ac {

void register_net_nodes(NodeRegistry& registry);

}  // namespace ac
