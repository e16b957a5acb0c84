// The audio thread is sacred: no allocation, free or lock while a block
// runs. The guard (tests/support/rt_guard.cpp) counts any that happen inside
// an AudioSection. This file proves the guard catches offenders, then runs
// every registered node type — with events, ramps, a feedback cycle and an
// alignment delay — under it. A new node type that is not added to the
// graph below fails AllNodeTypesAreCovered.
#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "dsp/sound_file.h"
#include "graph/compiler.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"
#include "guarded_run.h"
#include "render_helpers.h"
#include "rt_guard.h"
#include "test_nodes.h"

namespace ac {
namespace {

std::vector<int>* g_escape = nullptr;  // so the allocation cannot be elided

class AllocatingNode final : public Node {
 public:
  AllocatingNode() : Node({}) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override {
    delete g_escape;
    g_escape = new std::vector<int>(ctx.frames, 1);
    ctx.out(0).channel(0)[0] = static_cast<float>(g_escape->size());
  }
};

std::mutex g_mutex;
class LockingNode final : public Node {
 public:
  LockingNode() : Node({}) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override {
    std::lock_guard<std::mutex> lock(g_mutex);
    ctx.out(0).channel(0)[0] = 1.0f;
  }
};

template <typename N>
void add_bad_node(NodeRegistry& r, const char* name) {
  NodeType t;
  t.name = name;
  t.summary = "test: breaks the audio-thread rules";
  t.layout = [](const NodeOptions&) -> Expected<NodeLayout> { return NodeLayout{{}, {{"out", 1}}, {}}; };
  t.create = [](const NodeOptions&, const NodeLayout&) -> Expected<std::unique_ptr<Node>> {
    return std::unique_ptr<Node>(std::make_unique<N>());
  };
  r.add(std::move(t));
}

NodeRegistry guard_registry() {
  return test::test_registry([](NodeRegistry& r) {
    test::add_latent_node(r);
    add_bad_node<AllocatingNode>(r, "allocating");
    add_bad_node<LockingNode>(r, "locking");
  });
}

test::RtViolations run_guarded(const std::string& yaml, int blocks, uint32_t block_size = 64) {
  return test::run_guarded(yaml, guard_registry(), blocks, block_size);
}

TEST(RtGuard, CatchesAnAllocatingNode) {
  const auto v = run_guarded("nodes:\n  a: {type: allocating}\n", 10);
  EXPECT_GE(v.allocations, 10u);
  EXPECT_GE(v.frees, 9u);
  EXPECT_NE(v.first.find("inside an audio section"), std::string::npos) << v.first;
  delete g_escape;
  g_escape = nullptr;
}

TEST(RtGuard, CatchesALockingNode) {
  if (!test::rt_guard_watches_locks()) GTEST_SKIP() << "TSan build: TSan owns pthread_mutex_lock";
  const auto v = run_guarded("nodes:\n  l: {type: locking}\n", 10);
  EXPECT_GE(v.locks, 10u) << v.first;
}

TEST(RtGuard, AllowsAllocationOutsideTheAudioSection) {
  test::reset_rt_violations();
  auto* p = new std::vector<int>(100);
  delete p;
  EXPECT_EQ(test::rt_violations().total(), 0u);
}

// Every node type, wired so each one runs: sources into processors into a
// feedback loop, sinks, host endpoints, a latent path that forces alignment
// delays, and events that set and ramp every automatable parameter.
std::string every_node_graph(const std::string& dir, const std::string& player_file) {
  return R"(
tempo: 120
nodes:
  in:     {type: input, channels: 2}
  k:      {type: constant, params: {value: 0.1}}
  s:      {type: sine, params: {frequency: 330}}
  saw:    {type: saw, params: {frequency: 110}}
  sq:     {type: square, params: {frequency: 55}}
  wn:     {type: noise}
  pn:     {type: noise, params: {color: pink}}
  play:   {type: file_player, params: {path: )" +
         player_file + R"(, loop: on}}
  lat:    {type: latent, params: {frames: 100}}
  mix:    {type: mixer, params: {inputs: 7}}
  f:      {type: biquad, params: {shape: peaking, gain: 3}}
  g:      {type: gain}
  d:      {type: delay, params: {time: 20ms}}
  fb:     {type: gain, params: {gain: -9, smoothing: 0}}
  sum:    {type: mixer, params: {inputs: 2}}
  p:      {type: pan}
  m:      {type: meter, params: {channels: 2}}
  rec:    {type: file_recorder, params: {path: )" +
         dir + R"(/rt.wav}}
  out:    {type: output, channels: 2}
connections:
  - k.out -> mix.in0
  - s.out -> mix.in1
  - saw.out -> lat.in
  - lat.out -> mix.in2
  - sq.out -> mix.in3
  - wn.out -> mix.in4
  - pn.out -> mix.in5
  - play.out -> mix.in6
  - in.out[0] -> mix.in6
  - mix.out -> f.in
  - f.out -> g.in
  - g.out -> sum.in0
  - sum.out -> d.in
  - d.out -> fb.in
  - fb.out -> sum.in1
  - sum.out -> p.in
  - p.out -> m.in
  - p.out -> rec.in
  - p.out -> out.in
events:
  - {at: 100, set: k.value, value: 0.2}
  - {at: 200, ramp: s.frequency, to: 880, over: 3000 samples}
  - {at: 300, ramp: s.level, to: -6, over: 100ms}
  - {at: 64, ramp: saw.frequency, to: 5000, over: 1s}
  - {at: 65, ramp: saw.level, to: -3, over: 1 beats}
  - {at: 77, ramp: sq.frequency, to: 220, over: 999 samples}
  - {at: 78, set: sq.level, value: -8}
  - {at: 500, ramp: wn.level, to: -30, over: 0.2s}
  - {at: 501, ramp: pn.level, to: -20, over: 0.2s}
  - {at: 502, ramp: play.level, to: -1, over: 0.2s}
  - {at: 1000, ramp: mix.gain0, to: -6, over: 700 samples}
  - {at: 1001, set: mix.gain6, value: -3}
  - {at: 1002, ramp: mix.level, to: -1, over: 2000 samples}
  - {at: 1100, ramp: f.frequency, to: 4000, over: 5000 samples}
  - {at: 1101, ramp: f.q, to: 3, over: 5000 samples}
  - {at: 1102, ramp: f.gain, to: -6, over: 5000 samples}
  - {at: 1200, set: g.gain, value: -4}
  - {at: 1300, ramp: d.time, to: 35ms, over: 4000 samples}
  - {at: 1400, ramp: fb.gain, to: -12, over: 100 samples}
  - {at: 1500, ramp: sum.gain1, to: -2, over: 100 samples}
  - {at: 1600, ramp: p.pan, to: 0.7, over: 3000 samples}
)";
}

TEST(RtSafety, AllNodeTypesAreCovered) {
  test::TempDir tmp;
  const std::string wav = tmp.path("loop.wav");
  const std::string yaml = every_node_graph(tmp.dir(), wav);
  test::expect_all_types_covered(yaml, guard_registry(), {"allocating", "locking"});
}

TEST(RtSafety, EveryNodeTypeRunsWithoutAllocatingOrLocking) {
  test::TempDir tmp;
  const std::string wav = tmp.path("loop.wav");
  {
    auto w = SoundFileWriter::create(wav, SoundFileSpec{FileFormat::wav, SampleEncoding::pcm16, 1, 48000});
    ASSERT_TRUE(w);
    std::vector<float> x(1000, 0.125f);
    ASSERT_TRUE((*w)->write_interleaved(x.data(), 1000));
  }
  for (uint32_t block : {64u, 256u}) {
    const auto v = run_guarded(every_node_graph(tmp.dir(), wav), 2000, block);
    EXPECT_EQ(v.total(), 0u) << "block " << block << ": " << v.allocations << " allocations, " << v.frees << " frees, "
                             << v.locks << " locks; first: " << v.first;
  }
}

}  // namespace
}  // namespace ac
