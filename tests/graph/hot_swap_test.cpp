// Hot swap: edits while audio plays. A path no edit touches is
// bit-identical to a run without edits; a path that changes crossfades with
// no step larger than the signal's own; old Plans are all reclaimed; the
// audio side never allocates or locks.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/audio_buffer.h"
#include "core/audio_section.h"
#include "graph/engine.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"
#include "graph/parallel_executor.h"
#include "render_helpers.h"
#include "rt_guard.h"
#include "test_nodes.h"

namespace ac {
namespace {

const char* kBase = R"(
nodes:
  s1: {type: sine, params: {frequency: 440}}
  s2: {type: sine, params: {frequency: 660}}
  o:  {type: output, channels: 2}
connections:
  - s1.out -> o.in[0]
  - s2.out -> o.in[1]
)";

const char* kWithGain = R"(
nodes:
  s1: {type: sine, params: {frequency: 440}}
  s2: {type: sine, params: {frequency: 660}}
  g:  {type: gain, params: {gain: -6}}
  o:  {type: output, channels: 2}
connections:
  - s1.out -> o.in[0]
  - s2.out -> g.in
  - g.out -> o.in[1]
)";

const char* kRetyped = R"(
nodes:
  s1: {type: sine, params: {frequency: 440}}
  s2: {type: saw, params: {frequency: 220, level: -6}}
  o:  {type: output, channels: 2}
connections:
  - s1.out -> o.in[0]
  - s2.out -> o.in[1]
)";

const char* kOther = R"(
nodes:
  s1: {type: sine, params: {frequency: 440}}
  n:  {type: noise, params: {color: pink, level: -20}}
  f:  {type: biquad, params: {frequency: 800}}
  o:  {type: output, channels: 2}
connections:
  - s1.out -> o.in[0]
  - n.out -> f.in
  - f.out -> o.in[1]
)";

struct Run {
  test::Channels out;
  uint64_t swaps = 0;
  uint64_t reclaimed = 0;
  test::RtViolations violations;
};

// Plays `blocks` blocks; before block b, applies edits[b] if present.
Run play(const std::vector<std::pair<int, const char*>>& edits, int blocks, Executor& executor) {
  const NodeRegistry r = test::test_registry();
  EngineOptions opts;
  opts.threads = executor.threads();
  auto engine = Engine::create(test::load_or_fail(kBase, r), opts);
  EXPECT_TRUE(engine) << (engine ? "" : engine.error().to_string());
  if (!engine) return {};
  Engine& e = **engine;
  constexpr FrameCount kBlock = 64;
  AudioBuffer out(2, kBlock);
  HostIo host;
  host.output = out.view();
  Run run;
  run.out.assign(2, std::vector<float>(static_cast<size_t>(blocks) * kBlock));
  uint64_t violations = 0;
  for (int b = 0; b < blocks; ++b) {
    for (const auto& [at, yaml] : edits) {
      if (at == b) {
        EXPECT_TRUE(e.replace(test::load_or_fail(yaml, r)));
      }
    }
    e.maintain();
    out.clear();
    test::reset_rt_violations();
    {
      AudioSection audio;  // what a driver's callback does: pick the Plan, run it
      Plan* plan = e.plan_for_block(SampleTime{int64_t{b} * kBlock});
      executor.run(*plan, SampleTime{int64_t{b} * kBlock}, kBlock, &host);
    }
    const auto v = test::rt_violations();
    violations += v.total();
    if (v.total() && run.violations.first.empty()) run.violations = v;
    for (uint32_t c = 0; c < 2; ++c)
      std::copy(out.channel(c), out.channel(c) + kBlock, run.out[c].begin() + int64_t{b} * kBlock);
  }
  e.maintain();
  run.swaps = e.swaps();
  run.reclaimed = e.plans_reclaimed();
  run.violations.allocations = violations;
  return run;
}

double max_step(const std::vector<float>& x) {
  double m = 0;
  for (size_t i = 1; i < x.size(); ++i) m = std::max(m, static_cast<double>(std::fabs(x[i] - x[i - 1])));
  return m;
}

void check_edits(Executor& executor) {
  const std::vector<std::pair<int, const char*>> edits = {
      {50, kWithGain},  // add a node
      {120, kBase},     // remove it
      {200, kRetyped},  // change a node's type
      {300, kOther},    // replace the whole channel-1 graph
      {301, kBase},     // and again before the last fade ended
  };
  const Run edited = play(edits, 450, executor);
  const Run plain = play({}, 450, executor);
  ASSERT_EQ(edited.out[0].size(), plain.out[0].size());
  // The untouched path: s1 -> o.in[0], bit for bit.
  EXPECT_EQ(edited.out[0], plain.out[0]);
  // The edited path changed, and never jumped. Over the first two edits
  // (adding and removing a gain on a 660 Hz full-scale sine) the signal's
  // own largest step is the sine's, 2 pi 660 / 48000; an abrupt switch to
  // half level would step by up to 0.5.
  EXPECT_NE(edited.out[1], plain.out[1]);
  const double sine_step = 2.0 * std::numbers::pi * 660.0 / 48000.0;
  const std::vector<float> around(edited.out[1].begin() + 40 * 64, edited.out[1].begin() + 200 * 64);
  EXPECT_LE(max_step(around), sine_step * 1.001);
  // Every edit went live, with its crossfade and then the plain Plan; every
  // Plan replaced was reclaimed.
  EXPECT_GE(edited.swaps, 8u);
  EXPECT_EQ(edited.reclaimed, edited.swaps);
  EXPECT_EQ(edited.violations.allocations, 0u) << edited.violations.first;
}

TEST(HotSwap, EditsWithTheSerialExecutor) {
  SerialExecutor serial;
  check_edits(serial);
}

TEST(HotSwap, EditsWithTheParallelExecutor) {
  ParallelExecutor parallel(ParallelExecutorOptions{2, 0, 2000});
  check_edits(parallel);
}

TEST(HotSwap, KeptNodesTakeChangedValuesAndBadGraphsChangeNothing) {
  const NodeRegistry r = test::test_registry();
  auto engine = Engine::create(test::load_or_fail(kBase, r), EngineOptions{});
  ASSERT_TRUE(engine);
  std::string louder = kBase;
  louder.replace(louder.find("frequency: 660"), 14, "frequency: 880");
  ASSERT_TRUE((*engine)->replace(test::load_or_fail(louder, r)));
  Plan* p = (*engine)->plan_for_block(SampleTime{0});
  EXPECT_FLOAT_EQ(p->nodes[1]->param_value(0), 880.0f);  // s2 kept, frequency set at the swap
  auto cyclic = load_graph_text(
      "nodes:\n  a: {type: gain}\n  b: {type: gain}\nconnections:\n  - a.out -> b.in\n  - b.out -> a.in\n", "e.yaml",
      r);
  ASSERT_TRUE(cyclic);
  EXPECT_FALSE((*engine)->replace(*cyclic));
  EXPECT_EQ((*engine)->plan_for_block(SampleTime{64}), p);  // still the same Plan
}

}  // namespace
}  // namespace ac

namespace ac {
namespace {

// An untouched path with latency compensation: s1 reaches o.in[0] through a
// 100-frame latent node and directly (delayed by an alignment delay of 100
// frames). The delay's contents must survive the swaps.
TEST(HotSwap, AlignmentDelaysOnUntouchedPathsCarryOver) {
  const NodeRegistry r = test::test_registry(test::add_latent_node);
  const std::string base = R"(
nodes:
  s1: {type: sine, params: {frequency: 440}}
  lat: {type: latent, params: {frames: 100}}
  m: {type: mixer, params: {inputs: 2}}
  s2: {type: sine, params: {frequency: 660}}
  o: {type: output, channels: 2}
connections:
  - s1.out -> lat.in
  - lat.out -> m.in0
  - s1.out -> m.in1
  - m.out -> o.in[0]
  - s2.out -> o.in[1]
)";
  std::string edited = base;
  edited.replace(edited.find("  - s2.out -> o.in[1]"), 21, "  - s2.out -> g.in\n  - g.out -> o.in[1]");
  edited.replace(edited.find("  o: {type: output"), 0, "  g: {type: gain, params: {gain: -6}}\n");
  auto render = [&](bool edit) -> std::vector<float> {
    auto engine = Engine::create(test::load_or_fail(base, r), EngineOptions{});
    if (!engine) {
      ADD_FAILURE() << engine.error().to_string();
      return {};
    }
    AudioBuffer out(2, 64);
    HostIo host;
    host.output = out.view();
    std::vector<float> left;
    for (int b = 0; b < 100; ++b) {
      if (edit && (b == 20 || b == 60)) {
        EXPECT_TRUE((*engine)->replace(test::load_or_fail(b == 20 ? edited : base, r)));
      }
      (*engine)->maintain();
      out.clear();
      run_block(*(*engine)->plan_for_block(SampleTime{b * 64}), SampleTime{b * 64}, 64, &host);
      left.insert(left.end(), out.channel(0), out.channel(0) + 64);
    }
    (*engine)->maintain();
    // Each edit goes live crossfaded, then as its plain Plan: two swaps each.
    EXPECT_EQ((*engine)->swaps(), edit ? 4u : 0u);
    return left;
  };
  const std::vector<float> edited_run = render(true);
  ASSERT_EQ(edited_run.size(), 6400u);
  EXPECT_EQ(edited_run, render(false));
}

}  // namespace
}  // namespace ac
