// The midi layer's node types under the real-time guard, with event lists
// filled to capacity: a note event on every frame from two sources merged
// into one port, so a 1024-frame block carries a full EventBuffer.
#include <gtest/gtest.h>

#include "core/audio_section.h"
#include "graph/engine.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"
#include "guarded_run.h"
#include "midi/midi_nodes.h"
#include "render_helpers.h"

namespace ac {
namespace {

std::string dense_graph(const std::string& dir) {
  return "nodes:\n"
         "  a:   {type: notes, params: {pattern: \"60, 61, 62\", interval: 2, length: 1}}\n"
         "  b:   {type: notes, params: {pattern: \"70\", interval: 3, length: 1, offset: 1}}\n"
         "  f:   {type: midi_filter, params: {kinds: notes, transpose: 12}}\n"
         "  syn: {type: synth, params: {voices: 8, release: 1}}\n"
         "  m:   {type: midi_map, params: {target: syn.level, source: velocity, min: -40, max: 0}}\n"
         "  out: {type: output, channels: 1}\n"
         "  oe:  {type: osc_events}\n"
         "  log: {type: event_log, params: {path: " +
         dir +
         "/rt.log}}\nconnections:\n  - a.midi -> log.midi\n  - b.midi -> log.midi\n  - a.midi -> f.midi\n"
         "  - b.midi -> f.midi\n  - f.midi -> syn.midi\n  - a.midi -> m.midi\n  - syn.out -> out.in\n"
         "  - oe.midi -> syn.midi\n";
}

TEST(MidiRtSafety, AllMidiNodeTypesAreCovered) {
  NodeRegistry r;
  register_midi_nodes(r);
  test::expect_all_types_covered(dense_graph("/tmp"), r);
}

TEST(MidiRtSafety, FullEventListsRunWithoutAllocatingOrLocking) {
  test::TempDir tmp;
  const NodeRegistry r = test::test_registry([](NodeRegistry& reg) { register_midi_nodes(reg); });
  for (uint32_t block : {64u, 1024u}) {
    const auto v = test::run_guarded(dense_graph(tmp.dir()), r, 200, block);
    EXPECT_EQ(v.total(), 0u) << "block " << block << ": " << v.allocations << " allocations, " << v.frees << " frees, "
                             << v.locks << " locks; first: " << v.first;
  }
}

// Parameter changes posted to a running Engine reach their node without
// the audio thread allocating or locking.
TEST(MidiRtSafety, PostedParameterChangesRunWithoutAllocatingOrLocking) {
  const NodeRegistry r = test::test_registry([](NodeRegistry& reg) { register_midi_nodes(reg); });
  auto g = load_graph_text(
      "nodes:\n  k: {type: constant}\n  syn: {type: synth}\n  out: {type: output, channels: 1}\n"
      "connections:\n  - k.out -> out.in\n",
      "rt.yaml", r);
  ASSERT_TRUE(g);
  auto engine = Engine::create(*g, EngineOptions{});
  ASSERT_TRUE(engine);
  std::vector<float> buf(64);
  float* ch[1] = {buf.data()};
  HostIo host;
  host.output = AudioView{ch, 1, 0, 64};
  test::reset_rt_violations();
  for (int64_t b = 0; b < 200; ++b) {
    ASSERT_TRUE((*engine)->set_param("k", "value", static_cast<float>(b % 7) * 0.1f, SampleTime{b * 64 + 70}));
    ASSERT_TRUE((*engine)->set_param("syn", "attack", 1.0f));
    AudioSection section;  // as a driver's callback runs: the block, from begin_block on
    Plan* p = (*engine)->begin_block(SampleTime{b * 64}, 64);
    run_block(*p, SampleTime{b * 64}, 64, &host);
  }
  const auto v = test::rt_violations();
  EXPECT_EQ(v.total(), 0u) << v.first;
  EXPECT_EQ((*engine)->params_dropped(), 0u);
}

}  // namespace
}  // namespace ac
