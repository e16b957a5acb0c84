#pragma once
// The dsp layer's node types. register_dsp_nodes() adds all of them.
#include "graph/node_registry.h"

namespace ac {

// [control] Adds every built-in DSP node type to `registry`.
void register_dsp_nodes(NodeRegistry& registry);

// One factory per node type (each in its own file).
NodeType constant_node_type();
NodeType sine_node_type();
NodeType saw_node_type();
NodeType square_node_type();
NodeType noise_node_type();
NodeType gain_node_type();
NodeType mixer_node_type();
NodeType pan_node_type();
NodeType biquad_node_type();
NodeType delay_node_type();
NodeType meter_node_type();
NodeType file_player_node_type();
NodeType file_recorder_node_type();

}  // namespace ac
