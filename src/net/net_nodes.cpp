#include "net/net_nodes.h"

#include "net/aes67_rx_node.h"
#include "net/aes67_tx_node.h"

namespace ac {

void register_net_nodes(NodeRegistry& r) {
  r.add(aes67_tx_node_type());
  r.add(aes67_rx_node_type());
}

}  // namespace ac
