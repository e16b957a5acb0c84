#include "io/jack_nodes.h"

namespace ac {
namespace {

ParamSpec port_option(std::string def, std::string help) {
  ParamSpec p = text_param("port", std::move(help), false);
  p.default_text = std::move(def);
  return p;
}

ParamSpec connect_option() {
  return text_param("connect", "JACK ports to connect to at start (a regular expression, e.g. system:playback_.*)",
                    false);
}

}  // namespace

void register_jack_nodes(NodeRegistry& registry) {
  registry.add(host_input_node_type("jack.in", "JACK capture ports <port>_1..N (an `input` endpoint with names)",
                                    {port_option("in", "port name prefix"), connect_option()}));
  registry.add(host_output_node_type("jack.out", "JACK playback ports <port>_1..N (an `output` endpoint with names)",
                                     {port_option("out", "port name prefix"), connect_option()}));
  registry.add(host_event_input_node_type("jack.midi.in", "a JACK MIDI input port: its events, sample-exact, as UMP",
                                          {port_option("", "port name (default: the node's id)"), connect_option()}));
  registry.add(host_event_output_node_type("jack.midi.out",
                                           "a JACK MIDI output port: UMP events as MIDI 1.0 bytes, sample-exact",
                                           {port_option("", "port name (default: the node's id)"), connect_option()}));
}

void jack_ports_from_graph(const Graph& graph, JackDriverOptions& o) {
  o.inputs = 0;
  o.outputs = 0;
  o.midi_inputs.clear();
  o.midi_outputs.clear();
  for (const GraphNode& n : graph.nodes) {
    const bool named = n.options.has("port");
    if (n.type->is_host_input) {
      o.inputs = n.layout.outputs.empty() ? 0 : n.layout.outputs[0].channels;
      if (named) {
        o.input_prefix = n.options.text("port");
        o.connect_inputs = n.options.text("connect");
      }
    } else if (n.type->is_host_output) {
      o.outputs = n.layout.inputs.empty() ? 0 : n.layout.inputs[0].channels;
      if (named) {
        o.output_prefix = n.options.text("port");
        o.connect_outputs = n.options.text("connect");
      }
    } else if (n.type->is_host_event_input || n.type->is_host_event_output) {
      JackMidiPort p;
      p.name = jack_midi_port_name(n);
      if (n.options.has("connect")) p.connect = n.options.text("connect");
      (n.type->is_host_event_input ? o.midi_inputs : o.midi_outputs).push_back(p);
    }
  }
}

std::string jack_midi_port_name(const GraphNode& n) {
  return n.options.has("port") && !n.options.text("port").empty() ? n.options.text("port") : n.id;
}

}  // namespace ac
