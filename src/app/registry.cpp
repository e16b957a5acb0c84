#include "app/registry.h"

#include "dsp/builtin_nodes.h"

namespace ac {

NodeRegistry default_registry() {
  NodeRegistry r;
  register_endpoint_nodes(r);
  register_dsp_nodes(r);
  return r;
}

}  // namespace ac
