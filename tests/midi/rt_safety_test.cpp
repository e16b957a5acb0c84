// The midi layer's node types under the real-time guard, with event lists
// filled to capacity: a note event on every frame from two sources merged
// into one port, so a 1024-frame block carries a full EventBuffer.
#include <gtest/gtest.h>

#include "guarded_run.h"
#include "midi/midi_nodes.h"
#include "render_helpers.h"

namespace ac {
namespace {

std::string dense_graph(const std::string& dir) {
  return "nodes:\n"
         "  a:   {type: notes, params: {pattern: \"60, 61, 62\", interval: 2, length: 1}}\n"
         "  b:   {type: notes, params: {pattern: \"70\", interval: 3, length: 1, offset: 1}}\n"
         "  log: {type: event_log, params: {path: " +
         dir + "/rt.log}}\nconnections:\n  - a.midi -> log.midi\n  - b.midi -> log.midi\n";
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

}  // namespace
}  // namespace ac
