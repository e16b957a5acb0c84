#include "midi/midi_nodes.h"

#include "midi/osc_events.h"

namespace ac {

void register_midi_nodes(NodeRegistry& registry) {
  registry.add(note_pattern_node_type());
  registry.add(event_log_node_type());
  registry.add(midi_map_node_type());
  registry.add(midi_filter_node_type());
  registry.add(synth_node_type());
  registry.add(osc_events_node_type());
}

}  // namespace ac
