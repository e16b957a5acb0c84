#pragma once
// Node types of the midi layer: event sources, sinks and transforms that
// work on UMP event ports.
#include "graph/node_registry.h"

namespace ac {

NodeType note_pattern_node_type();  // `notes`
NodeType event_log_node_type();     // `event_log`
NodeType midi_map_node_type();      // `midi_map`
NodeType midi_filter_node_type();   // `midi_filter`
NodeType synth_node_type();         // `synth`

void register_midi_nodes(NodeRegistry& registry);

}  // namespace ac
