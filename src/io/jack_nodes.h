#pragma once
// JACK's node types and how a graph's JACK endpoints become the client's
// ports:
//   jack.in / jack.out            audio ports <port>_1 .. <port>_N
//   jack.midi.in / jack.midi.out  one MIDI port each, named by `port` (or
//                                 the node's id)
// `connect` is a JACK port regular expression (as jack_lsp lists names,
// e.g. "system:playback_.*"). Audio ports connect in order: our channel i to
// the i-th match. A MIDI port connects to every match.
#include "graph/graph.h"
#include "graph/node_registry.h"
#include "io/jack_driver.h"

namespace ac {

void register_jack_nodes(NodeRegistry& registry);

// [control] Port names, counts and autoconnect patterns for the client that
// runs `graph` (its `input`/`output` or `jack.in`/`jack.out` endpoints, and
// its MIDI endpoints in graph order: the Plan's host event slots).
void jack_ports_from_graph(const Graph& graph, JackDriverOptions& options);

// [control] The JACK MIDI port of a host event endpoint: its `port` option,
// or the node's id.
std::string jack_midi_port_name(const GraphNode& endpoint);

}  // namespace ac
