#include "io/alsa_nodes.h"

namespace ac {
namespace {

ParamSpec device_option(const char* def) {
  ParamSpec p = text_param("device", "ALSA PCM device: hw:0, plughw:1,0, default ...", false);
  p.default_text = def;
  return p;
}

}  // namespace

void register_alsa_nodes(NodeRegistry& registry) {
  registry.add(host_input_node_type("alsa.in", "ALSA capture (an `input` endpoint with its device)",
                                    {device_option("default")}));
  registry.add(host_output_node_type(
      "alsa.out", "ALSA playback (an `output` endpoint with its device, period and buffer)",
      {device_option("default"), integer_param("period", 0, 65536, 0, "frames per period (0: the graph's block)"),
       integer_param("periods", 2, 64, 2, "periods in the device buffer")}));
}

void alsa_options_from_graph(const Graph& graph, AlsaDriverOptions& o) {
  o.playback_device.clear();
  o.capture_device.clear();
  o.playback_channels = 0;
  o.capture_channels = 0;
  o.sample_rate = graph.sample_rate;
  o.max_block = graph.block_size;
  for (const GraphNode& n : graph.nodes) {
    if (n.type->is_host_output) {
      o.playback_channels = n.layout.inputs.empty() ? 0 : n.layout.inputs[0].channels;
      o.playback_device = n.options.has("device") ? n.options.text("device") : "default";
      if (n.options.has("period")) o.period = n.options.count("period");
      if (n.options.has("periods")) o.periods = n.options.count("periods");
    } else if (n.type->is_host_input) {
      o.capture_channels = n.layout.outputs.empty() ? 0 : n.layout.outputs[0].channels;
      o.capture_device = n.options.has("device") ? n.options.text("device") : "default";
    }
  }
}

}  // namespace ac
