#include "dsp/builtin_nodes.h"

namespace ac {

void register_dsp_nodes(NodeRegistry& r) {
  r.add(constant_node_type());
  r.add(sine_node_type());
  r.add(saw_node_type());
  r.add(square_node_type());
  r.add(noise_node_type());
  r.add(gain_node_type());
  r.add(mixer_node_type());
  r.add(pan_node_type());
  r.add(biquad_node_type());
  r.add(delay_node_type());
  r.add(meter_node_type());
  r.add(file_player_node_type());
  r.add(file_recorder_node_type());
}

}  // namespace ac
