// Deadline accounting and the overrun policy.
#include <gtest/gtest.h>

#include <chrono>

#include "core/audio_buffer.h"
#include "graph/compiler.h"
#include "graph/deadline_report.h"
#include "graph/engine.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"
#include "graph/parallel_executor.h"
#include "render_helpers.h"
#include "rt_guard.h"

namespace ac {
namespace {

// Burns 2 ms of CPU per call: far past any budget of a 1.33 ms block, so
// it overruns on every call however loaded the machine is.
std::atomic<int> g_burner_calls{0};
class BurnerNode final : public Node {
 public:
  BurnerNode() : Node({}) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override {
    g_burner_calls.fetch_add(1);
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2);
    while (std::chrono::steady_clock::now() < until) {
    }
    for (FrameCount i = 0; i < ctx.frames; ++i) ctx.out(0).channel(0)[i] = -ctx.in(0).channel(0)[i];
  }
};

NodeRegistry registry() {
  return test::test_registry([](NodeRegistry& r) {
    NodeType t;
    t.name = "burner";
    t.layout = [](const NodeOptions&) -> Expected<NodeLayout> { return NodeLayout{{{"in", 1}}, {{"out", 1}}, {}}; };
    t.create = [](const NodeOptions&, const NodeLayout&) -> Expected<std::unique_ptr<Node>> {
      return std::unique_ptr<Node>(std::make_unique<BurnerNode>());
    };
    r.add(std::move(t));
  });
}

const char* kBurnerGraph = R"(
nodes:
  c: {type: constant, params: {value: 0.5}}
  b: {type: burner, budget: {share: 10%, after: 5, bypass: pass}}
  g: {type: gain, params: {smoothing: 0}}
  o: {type: output, channels: 1}
connections:
  - c.out -> b.in
  - b.out -> g.in
  - g.out -> o.in
)";

void check_overrun_policy(Executor& executor) {
  const NodeRegistry r = registry();
  const Graph g = test::load_or_fail(kBurnerGraph, r);
  auto plan = compile(g, CompileOptions{true, executor.threads()});
  ASSERT_TRUE(plan) << plan.error().to_string();
  Plan& p = **plan;
  AudioBuffer out(1, 64);
  HostIo host;
  host.output = out.view();
  g_burner_calls = 0;
  test::reset_rt_violations();
  int64_t t = 0;
  auto block = [&] {
    executor.run(p, SampleTime{t}, 64, &host);
    t += 64;
  };
  for (int i = 0; i < 5; ++i) block();
  EXPECT_EQ(g_burner_calls.load(), 5);
  EXPECT_EQ(out.channel(0)[0], -0.5f);  // the burner still ran in block 5
  EXPECT_EQ(bypassed_nodes(p), std::vector<std::string>{"b"});
  for (int i = 0; i < 20; ++i) block();
  EXPECT_EQ(g_burner_calls.load(), 5) << "a bypassed node must not run";
  EXPECT_EQ(out.channel(0)[10], 0.5f) << "bypass passes the input through";
  const auto report = read_deadline_report(p);
  EXPECT_EQ(report.blocks, 25u);
  EXPECT_GE(report.misses, 5u);
  EXPECT_GE(report.nodes[1].misses, 5u) << "the burner was the slowest step in the blocks it overran";
  EXPECT_TRUE(report.nodes[1].bypassed);
  EXPECT_EQ(test::rt_violations().total(), 0u) << test::rt_violations().first;

  // Asked back, it runs again, and is bypassed again after 5 more overruns.
  ASSERT_TRUE(restore_node(p, "b"));
  EXPECT_TRUE(bypassed_nodes(p).empty());
  for (int i = 0; i < 8; ++i) block();
  EXPECT_EQ(g_burner_calls.load(), 10);
  EXPECT_EQ(bypassed_nodes(p), std::vector<std::string>{"b"});
  EXPECT_FALSE(restore_node(p, "nope"));
}

TEST(OverrunPolicy, SerialExecutorBypassesAfterNBlocksInARow) {
  SerialExecutor serial;
  check_overrun_policy(serial);
}

TEST(OverrunPolicy, ParallelExecutorBypassesAfterNBlocksInARow) {
  ParallelExecutor parallel(ParallelExecutorOptions{2, 0, 2000});
  check_overrun_policy(parallel);
}

// Through the engine, as `run` asks it: a bypassed node is restored and
// runs again; a node that runs is left alone; an unknown id is an error.
TEST(OverrunPolicy, TheEngineRestoresABypassedNode) {
  const NodeRegistry r = registry();
  auto engine = Engine::create(test::load_or_fail(kBurnerGraph, r), EngineOptions{});
  ASSERT_TRUE(engine) << engine.error().to_string();
  Engine& e = **engine;
  AudioBuffer out(1, 64);
  HostIo host;
  host.output = out.view();
  g_burner_calls = 0;
  int64_t t = 0;
  auto block = [&] {
    Plan* p = e.begin_block(SampleTime{t}, 64);
    run_block(*p, SampleTime{t}, 64, &host);
    t += 64;
  };
  for (int i = 0; i < 10; ++i) block();
  EXPECT_EQ(bypassed_nodes(e.published_plan()), std::vector<std::string>{"b"});
  auto running = e.restore("g");
  ASSERT_TRUE(running);
  EXPECT_EQ(*running, "node 'g' is running");
  auto restored = e.restore("b");
  ASSERT_TRUE(restored);
  EXPECT_EQ(*restored, "node 'b' restored: it runs again");
  EXPECT_TRUE(bypassed_nodes(e.published_plan()).empty());
  block();
  EXPECT_EQ(g_burner_calls.load(), 6) << "five calls before the bypass, one after the restore";
  EXPECT_EQ(out.channel(0)[0], -0.5f);
  auto unknown = e.restore("nope");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("no node 'nope'"), std::string::npos);
  EXPECT_EQ(e.swaps(), 0u) << "restoring a bypassed node needs no new Plan";
}

TEST(OverrunPolicy, SilenceInsteadOfPassThrough) {
  const NodeRegistry r = registry();
  std::string yaml = kBurnerGraph;
  yaml.replace(yaml.find("bypass: pass"), 12, "bypass: silence");
  const auto out = test::render_graph(test::load_or_fail(yaml, r), 64 * 8, 64);  // bypassed from block 5
  EXPECT_EQ(out[0][64 * 7 + 5], 0.0f);
}

TEST(OverrunPolicy, BudgetErrorsNameTheirPlace) {
  const NodeRegistry r = registry();
  auto bad = load_graph_text("nodes:\n  b: {type: burner, budget: {share: 150%}}\n", "b.yaml", r);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().where.line, 2u);
  EXPECT_EQ(bad.error().where.column, 37u);
  EXPECT_NE(bad.error().message.find("(0, 1] or (0%, 100%]"), std::string::npos);
  auto typo = load_graph_text("nodes:\n  b: {type: burner, budget: {aftr: 3}}\n", "b.yaml", r);
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("did you mean 'after'?"), std::string::npos);
}

TEST(DeadlineAccounting, ReportsLoadCostsAndTheCriticalPath) {
  const NodeRegistry r = test::test_registry();
  const Graph g = test::load_or_fail(R"(
nodes:
  s: {type: saw}
  f1: {type: biquad}
  f2: {type: biquad}
  side: {type: gain}
  m: {type: mixer, params: {inputs: 2}}
  o: {type: output, channels: 1}
connections:
  - s.out -> f1.in
  - f1.out -> f2.in
  - f2.out -> m.in0
  - s.out -> side.in
  - side.out -> m.in1
  - m.out -> o.in
)",
                                     r);
  auto plan = compile(g);
  ASSERT_TRUE(plan);
  AudioBuffer out(1, 64);
  HostIo host;
  host.output = out.view();
  for (int i = 0; i < 200; ++i) run_block(**plan, SampleTime{i * 64}, 64, &host);
  const auto report = read_deadline_report(**plan);
  EXPECT_EQ(report.blocks, 200u);
  EXPECT_GT(report.load_mean, 0.0);
  EXPECT_GE(report.load_max, report.load_mean);
  for (const auto& n : report.nodes) EXPECT_GT(n.mean_us_per_block, 0.0) << n.id;
  // Both filters are on the costliest chain; the cheap side gain is not.
  const auto& path = report.critical_path;
  EXPECT_EQ(path.front(), "s");
  EXPECT_EQ(path.back(), "o");
  EXPECT_NE(std::find(path.begin(), path.end(), "f1"), path.end());
  EXPECT_NE(std::find(path.begin(), path.end(), "f2"), path.end());
  EXPECT_EQ(std::find(path.begin(), path.end(), "side"), path.end());
  EXPECT_GT(report.critical_path_us, 0.0);
}

}  // namespace
}  // namespace ac
