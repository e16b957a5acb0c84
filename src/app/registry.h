#pragma once
#include "graph/node_registry.h"

namespace ac {

// [control] Every node type this build knows: endpoints and built-in DSP.
// Later layers (plug-ins, network links) add theirs here.
NodeRegistry default_registry();

}  // namespace ac
