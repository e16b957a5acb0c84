// The io layer's node types (JACK's named endpoints and MIDI ports) under
// the real-time guard, with driver event streams full of notes.
#include <gtest/gtest.h>

#include "guarded_run.h"
#include "io/alsa_nodes.h"
#include "io/jack_nodes.h"
#include "midi/midi_nodes.h"
#include "render_helpers.h"

namespace ac {
namespace {

const std::string kGraph = R"(
nodes:
  in:    {type: jack.in, channels: 2, params: {port: capture}}
  keys:  {type: jack.midi.in, params: {connect: "system:.*"}}
  keys2: {type: jack.midi.in}
  g:     {type: gain, channels: 2}
  thru:  {type: jack.midi.out}
  out:   {type: jack.out, channels: 2, params: {connect: "system:playback_.*"}}
connections:
  - in.out -> g.in
  - g.out -> out.in
  - keys.midi -> thru.midi
  - keys2.midi -> thru.midi
)";

// ALSA's endpoints, in a graph of their own (a graph has one input and one
// output endpoint).
const std::string kAlsaGraph = R"(
nodes:
  in:  {type: alsa.in, channels: 2, params: {device: "hw:0"}}
  out: {type: alsa.out, channels: 2, params: {device: "hw:0", period: 128, periods: 3}}
connections:
  - in.out -> out.in
)";

NodeRegistry io_registry() {
  return test::test_registry([](NodeRegistry& reg) {
    register_jack_nodes(reg);
    register_alsa_nodes(reg);
  });
}

TEST(IoRtSafety, AllIoNodeTypesAreCovered) {
  NodeRegistry r;
  register_jack_nodes(r);
  register_alsa_nodes(r);
  test::expect_all_types_covered(kGraph + kAlsaGraph, r);
}

TEST(IoRtSafety, JackEndpointsRunWithoutAllocatingOrLocking) {
  const NodeRegistry r = test::test_registry([](NodeRegistry& reg) { register_jack_nodes(reg); });
  for (uint32_t block : {64u, 256u}) {
    const auto v = test::run_guarded(kGraph, r, 500, block);
    EXPECT_EQ(v.total(), 0u) << "block " << block << ": " << v.allocations << " allocations, " << v.frees << " frees, "
                             << v.locks << " locks; first: " << v.first;
  }
}

TEST(JackPorts, GraphEndpointsBecomePortsInSlotOrder) {
  const NodeRegistry r = io_registry();
  const Graph g = test::load_or_fail(kGraph, r);
  JackDriverOptions o;
  jack_ports_from_graph(g, o);
  EXPECT_EQ(o.inputs, 2u);
  EXPECT_EQ(o.outputs, 2u);
  EXPECT_EQ(o.input_prefix, "capture");
  EXPECT_EQ(o.output_prefix, "out");
  EXPECT_EQ(o.connect_outputs, "system:playback_.*");
  ASSERT_EQ(o.midi_inputs.size(), 2u);
  EXPECT_EQ(o.midi_inputs[0].name, "keys");  // default: the node's id
  EXPECT_EQ(o.midi_inputs[0].connect, "system:.*");
  EXPECT_EQ(o.midi_inputs[1].name, "keys2");
  ASSERT_EQ(o.midi_outputs.size(), 1u);
  EXPECT_EQ(o.midi_outputs[0].name, "thru");
}

}  // namespace
}  // namespace ac

namespace ac {
namespace {

TEST(AlsaPorts, GraphEndpointsGiveDevicesAndPeriods) {
  const NodeRegistry r = io_registry();
  const Graph g = test::load_or_fail(kAlsaGraph, r);
  AlsaDriverOptions o;
  alsa_options_from_graph(g, o);
  EXPECT_EQ(o.playback_device, "hw:0");
  EXPECT_EQ(o.capture_device, "hw:0");
  EXPECT_EQ(o.playback_channels, 2u);
  EXPECT_EQ(o.capture_channels, 2u);
  EXPECT_EQ(o.period, 128u);
  EXPECT_EQ(o.periods, 3u);
}

}  // namespace
}  // namespace ac
