// The wasm node under the real-time guard: audio, parameter events and UMP
// events in and out of the plug-in's memory, and the compiled call itself,
// neither allocate nor lock (plug-ins in C and in C++ with the SDK's layer).
#include <gtest/gtest.h>

#include "guarded_run.h"
#include "midi/midi_nodes.h"
#include "plugin/plugin_nodes.h"
#include "plugin_test_support.h"

namespace ac {
namespace {

std::string graph() {
  return "nodes:\n"
         "  s:   {type: sine, params: {frequency: 440}}\n"
         "  n:   {type: notes, params: {pattern: \"60, 64, 67\", interval: 3, length: 2}}\n"
         "  syn: {type: wasm, params: {file: " +
         test::example_plugin("synth") +
         "}}\n"
         "  eq:  {type: wasm, params: {file: " +
         test::example_plugin("eq") +
         ", mid_gain: 6}}\n"
         "  rev: {type: wasm, params: {file: " +
         test::example_plugin("reverb") +
         "}}\n"
         "  ring: {type: wasm, params: {file: " +
         test::example_plugin("ring") +
         ", frequency: 300}}\n"
         "  m:   {type: midi_map, params: {target: eq.mid_freq, source: velocity, min: 200, max: 4000}}\n"
         "  out: {type: output, channels: 2}\n"
         "connections:\n"
         "  - n.midi -> syn.events\n  - n.midi -> m.midi\n  - n.midi -> ring.events\n  - s.out -> ring.in\n"
         "  - syn.out[0,0] -> eq.in\n  - eq.out -> rev.in\n  - rev.out -> out.in\n";
}

TEST(PluginRtSafety, AllPluginNodeTypesAreCovered) {
  NodeRegistry r;
  register_plugin_nodes(r);
  test::expect_all_types_covered(graph(), r);
}

TEST(PluginRtSafety, WasmNodesRunWithoutAllocatingOrLocking) {
  const NodeRegistry r = test::test_registry([](NodeRegistry& reg) {
    register_midi_nodes(reg);
    register_plugin_nodes(reg);
  });
  test::use_test_cache();
  for (uint32_t block : {64u, 1024u}) {
    test::GuardedOutcome outcome;
    const auto v = test::run_guarded(graph(), r, 200, block, &outcome);
    EXPECT_EQ(v.total(), 0u) << "block " << block << ": " << v.allocations << " allocations, " << v.frees << " frees, "
                             << v.locks << " locks; first: " << v.first;
    // ... while the plug-ins really ran: none faulted, and the chain made sound.
    EXPECT_TRUE(outcome.faults.empty()) << "block " << block << ": " << outcome.faults.front();
    EXPECT_GT(outcome.output_peak, 1e-3f) << "block " << block << ": the output stayed silent";
  }
}

}  // namespace
}  // namespace ac
