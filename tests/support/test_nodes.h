#pragma once
// Node types that exist only for tests.
#include "graph/node_registry.h"

namespace ac::test {

// `latent`: a pure delay of `frames` frames that reports it as latency (like
// a look-ahead limiter), to exercise latency compensation.
void add_latent_node(NodeRegistry& registry);

}  // namespace ac::test
