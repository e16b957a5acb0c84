#pragma once
// ALSA's node types: `alsa.in` and `alsa.out`, the graph's input and output
// endpoints with the device, period and buffer settings in the graph file
// (the command line overrides them).
#include "graph/graph.h"
#include "graph/node_registry.h"
#include "io/alsa_driver.h"

namespace ac {

void register_alsa_nodes(NodeRegistry& registry);

// [control] Devices, channel counts, period and periods from the graph's
// endpoints (`input`/`output` give channel counts only).
void alsa_options_from_graph(const Graph& graph, AlsaDriverOptions& options);

}  // namespace ac
