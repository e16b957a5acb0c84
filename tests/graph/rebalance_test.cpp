// Rebalancing a parallel engine by measured node costs: one node far
// costlier than the rest gets a thread (nearly) to itself once its cost is
// known, and the output is bit-identical to a run that never rebalanced.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/audio_buffer.h"
#include "core/audio_section.h"
#include "graph/engine.h"
#include "graph/executor.h"
#include "graph/parallel_executor.h"
#include "render_helpers.h"
#include "rt_guard.h"

namespace ac {
namespace {

// Passes its input through after spinning for 100 µs: the costly node.
class SlowNode final : public Node {
 public:
  SlowNode() : Node({}) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
    while (std::chrono::steady_clock::now() < until) {
    }
    for (FrameCount i = 0; i < ctx.frames; ++i) ctx.out(0).channel(0)[i] = ctx.in(0).channel(0)[i];
  }
};

// Passes its input through, and once (in its 40th block) stalls for 20 ms,
// as a thread preempted on a busy machine does: a cheap node whose mean
// cost is 200 µs per block over 100 blocks.
class HiccupNode final : public Node {
 public:
  HiccupNode() : Node({}) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override {
    if (++calls_ == 40) {
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
      while (std::chrono::steady_clock::now() < until) {
      }
    }
    for (FrameCount i = 0; i < ctx.frames; ++i) ctx.out(0).channel(0)[i] = ctx.in(0).channel(0)[i];
  }

 private:
  int calls_ = 0;
};

template <typename N>
NodeType pass_through_type(const char* name) {
  NodeType t;
  t.name = name;
  t.layout = [](const NodeOptions&) -> Expected<NodeLayout> { return NodeLayout{{{"in", 1}}, {{"out", 1}}, {}}; };
  t.create = [](const NodeOptions&, const NodeLayout&) -> Expected<std::unique_ptr<Node>> {
    return std::unique_ptr<Node>(std::make_unique<N>());
  };
  return t;
}

NodeRegistry registry() {
  return test::test_registry([](NodeRegistry& r) {
    r.add(pass_through_type<SlowNode>("slow"));
    r.add(pass_through_type<HiccupNode>("hiccup"));
  });
}

// Chain 0: a sine through the slow node. Chains 1..7: a sine through three
// gains (chain 7's middle one a hiccup node). All end in the output. By
// step count the first thread would get chains 0..3; by typical cost,
// chain 0 outweighs the other seven together; by mean cost, the hiccup
// node would outweigh it.
std::string graph_text() {
  std::string nodes =
      "nodes:\n  out: {type: output, channels: 1}\n  s0: {type: sine, params: {frequency: 100}}\n"
      "  slow: {type: slow}\n";
  std::string conns = "connections:\n  - s0.out -> slow.in\n  - slow.out -> out.in\n";
  for (int c = 1; c < 8; ++c) {
    const std::string s = "s" + std::to_string(c);
    nodes += "  " + s + ": {type: sine, params: {frequency: " + std::to_string(100 + 50 * c) + "}}\n";
    std::string prev = s;
    for (int k = 0; k < 3; ++k) {
      const std::string g = "g" + std::to_string(c) + "_" + std::to_string(k);
      if (c == 7 && k == 1)
        nodes += "  " + g + ": {type: hiccup}\n";
      else
        nodes += "  " + g + ": {type: gain, params: {gain: -" + std::to_string(k + 1) + ", smoothing: 0}}\n";
      conns += "  - " + prev + ".out -> " + g + ".in\n";
      prev = g;
    }
    conns += "  - " + prev + ".out -> out.in\n";
  }
  return nodes + conns;
}

// Steps in the list that holds the slow node.
size_t steps_with_slow_node(const Plan& p) {
  for (size_t s = 0; s < p.steps.size(); ++s) {
    if (p.node_ids[p.steps[s].node] != "slow") continue;
    const ThreadListRange& l = p.schedule.lists[p.schedule.step_list[s]];
    return l.end - l.begin;
  }
  return 0;
}

struct Played {
  std::vector<float> out;
  size_t slow_list_before = 0, slow_list_after = 0;
  bool rebalanced = false, again = false;
  uint64_t swaps = 0, reclaimed = 0, violations = 0;
};

// `blocks` blocks; with `rebalance_at` >= 0, asks the engine to rebalance
// before that block (and once more later).
Played play(uint32_t threads, int blocks, int rebalance_at) {
  const NodeRegistry r = registry();
  EngineOptions opts;
  opts.threads = threads;
  auto engine = Engine::create(test::load_or_fail(graph_text(), r), opts);
  EXPECT_TRUE(engine) << (engine ? "" : engine.error().to_string());
  if (!engine) return {};
  Engine& e = **engine;
  std::unique_ptr<Executor> ex;
  if (threads > 1)
    ex = std::make_unique<ParallelExecutor>(ParallelExecutorOptions{threads, 0, 20000});
  else
    ex = std::make_unique<SerialExecutor>();
  constexpr FrameCount kBlock = 64;
  AudioBuffer out(1, kBlock);
  HostIo host;
  host.output = out.view();
  Played p;
  p.out.resize(static_cast<size_t>(blocks) * kBlock);
  for (int b = 0; b < blocks; ++b) {
    if (b == rebalance_at) {
      auto done = e.rebalance(10);
      EXPECT_TRUE(done) << done.error().to_string();
      p.rebalanced = done && *done;
    }
    if (rebalance_at >= 0 && b == rebalance_at + 20) {
      auto done = e.rebalance(10);
      p.again = done && *done;
    }
    e.maintain();
    out.clear();
    test::reset_rt_violations();
    Plan* plan = nullptr;
    {
      AudioSection audio;
      const SampleTime t{int64_t{b} * kBlock};
      plan = e.begin_block(t, kBlock);
      ex->run(*plan, t, kBlock, &host);
    }
    p.violations += test::rt_violations().total();
    if (threads > 1 && b == 0) p.slow_list_before = steps_with_slow_node(*plan);
    if (threads > 1 && b == blocks - 1) p.slow_list_after = steps_with_slow_node(*plan);
    std::copy(out.channel(0), out.channel(0) + kBlock, p.out.begin() + int64_t{b} * kBlock);
  }
  e.maintain();
  p.swaps = e.swaps();
  p.reclaimed = e.plans_reclaimed();
  return p;
}

TEST(Rebalance, ACostlyNodeGetsAThreadToItselfAndTheOutputStaysBitIdentical) {
  const Played serial = play(1, 160, -1);
  const Played parallel = play(2, 160, 100);
  EXPECT_TRUE(parallel.rebalanced);
  EXPECT_FALSE(parallel.again) << "once per Plan";
  // By step count the slow node's thread ran chains 0..3 (14 steps or so);
  // by cost, its own chain and at most the output.
  EXPECT_GE(parallel.slow_list_before, 10u);
  EXPECT_LE(parallel.slow_list_after, 3u);
  EXPECT_EQ(parallel.out, serial.out);
  EXPECT_EQ(parallel.swaps, 1u);
  EXPECT_EQ(parallel.reclaimed, 1u);
  EXPECT_EQ(parallel.violations, 0u);
}

TEST(Rebalance, SerialEnginesAndFreshPlansAreLeftAlone) {
  const Played serial = play(1, 40, 5);
  EXPECT_FALSE(serial.rebalanced);
  EXPECT_EQ(serial.swaps, 0u);
  // Fewer blocks than asked for: nothing measured yet.
  const NodeRegistry r = registry();
  EngineOptions opts;
  opts.threads = 2;
  auto engine = Engine::create(test::load_or_fail(graph_text(), r), opts);
  ASSERT_TRUE(engine);
  auto done = (*engine)->rebalance(10);
  ASSERT_TRUE(done);
  EXPECT_FALSE(*done);
}

}  // namespace
}  // namespace ac
