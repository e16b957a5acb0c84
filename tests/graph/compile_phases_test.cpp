// The compiler's phases on their own (graph/compile_phases.h): what each
// leaves in the CompileState, checked against values worked out by hand
// from the graph text, not against a compiled Plan.
#include "graph/compile_phases.h"

#include <gtest/gtest.h>

#include "render_helpers.h"
#include "test_nodes.h"

namespace ac {
namespace {

NodeRegistry registry() {
  return test::test_registry([](NodeRegistry& r) { test::add_latent_node(r); });
}

// Runs the phases up to and including `last` on `graph`.
struct Phases {
  Phases(const Graph& g, const CompileOptions& o = {}) : graph(g), options(o), state(graph, options, plan) {
    plan.config.sample_rate = graph.sample_rate;
    plan.config.max_block = graph.block_size;
  }
  Expected<void> through(Expected<void> (*last)(CompileState&)) {
    for (auto phase : {build_nodes, split_cycles, order_vertices}) {
      if (auto ok = phase(state); !ok || phase == last) return ok;
    }
    return {};
  }
  Graph graph;
  CompileOptions options;
  Plan plan;
  CompileState state;
};

TEST(CompilePhases, BuildNodesFindsTheEndpointsAndRefusesASecondOutput) {
  const NodeRegistry r = registry();
  Phases ok(
      test::load_or_fail("nodes:\n  s: {type: sine}\n  o: {type: output, channels: 1}\nconnections:\n"
                         "  - s.out -> o.in\n",
                         r));
  ASSERT_TRUE(ok.through(build_nodes));
  EXPECT_EQ(ok.plan.host_output_node, 1u);
  EXPECT_EQ(ok.plan.host_output_channels, 1u);
  EXPECT_EQ(ok.plan.host_input_node, kNoIndex);
  Phases two(test::load_or_fail("nodes:\n  a: {type: output, channels: 1}\n  b: {type: output, channels: 1}\n", r));
  auto refused = two.through(build_nodes);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("at most one 'output' node; 'a' is the first"), std::string::npos);
  EXPECT_EQ(refused.error().where.line, 3u);
}

TEST(CompilePhases, ADelayInACycleIsSplitAndOrderedAroundIt) {
  // g -> d -> g: the delay closes the cycle, so it runs as a read half
  // (before g) and a write half (after g).
  const NodeRegistry r = registry();
  Phases p(
      test::load_or_fail("nodes:\n  g: {type: gain}\n  d: {type: delay, params: {time: 100}}\nconnections:\n"
                         "  - g.out -> d.in\n  - d.out -> g.in\n",
                         r));
  ASSERT_TRUE(p.through(order_vertices));
  const CompileState& s = p.state;
  ASSERT_EQ(s.vertices.size(), 3u);
  EXPECT_FALSE(s.split[0]);
  EXPECT_TRUE(s.split[1]);
  const uint32_t read = s.step_of_vertex[s.read_half[1]], gain = s.step_of_vertex[s.whole[0]],
                 write = s.step_of_vertex[s.write_half[1]];
  EXPECT_LT(read, gain);
  EXPECT_LT(gain, write);
}

TEST(CompilePhases, ACycleWithoutADelayNamesTheWireThatClosesIt) {
  const NodeRegistry r = registry();
  Phases p(
      test::load_or_fail("nodes:\n  a: {type: gain}\n  b: {type: gain}\nconnections:\n  - a.out -> b.in\n"
                         "  - b.out -> a.in\n",
                         r));
  auto refused = p.through(order_vertices);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("cycle without a delay: a -> b -> a"), std::string::npos);
  EXPECT_EQ(refused.error().where.line, 6u);  // "b.out -> a.in"
}

TEST(CompilePhases, LatencyCompensationDelaysTheShorterPathByTheDifference) {
  // src -> slow (300) -> mix.in0 and src -> mid (40) -> mix.in1 and
  // src -> mix.in2: the mixer's inputs are at 300, so the connections
  // from mid and src need 260 and 300 frames.
  const NodeRegistry r = registry();
  Phases p(test::load_or_fail(R"(
nodes:
  src:  {type: constant}
  slow: {type: latent, params: {frames: 300}}
  mid:  {type: latent, params: {frames: 40}}
  mix:  {type: mixer, params: {inputs: 3}}
connections:
  - src.out -> slow.in
  - src.out -> mid.in
  - slow.out -> mix.in0
  - mid.out -> mix.in1
  - src.out -> mix.in2
)",
                              r));
  ASSERT_TRUE(p.through(order_vertices));
  compensate_latency(p.state);
  const std::vector<FrameCount> want = {0, 0, 0, 260, 300};
  EXPECT_EQ(p.state.connection_delay, want);
  EXPECT_EQ(p.plan.output_latency[3], 300u);
  EXPECT_EQ(p.plan.total_latency, 300u);  // no output node: the largest
}

TEST(CompilePhases, ASerialChainReusesTwoBuffers) {
  // Each gain's input is free once it ran: a chain of any length needs
  // its source's buffer and one more, alternating.
  const NodeRegistry r = registry();
  std::string text = "nodes:\n  s: {type: sine}\n";
  std::string conns = "connections:\n";
  std::string prev = "s";
  for (int i = 0; i < 10; ++i) {
    const std::string id = "g" + std::to_string(i);
    text += "  " + id + ": {type: gain}\n";
    conns += "  - " + prev + ".out -> " + id + ".in\n";
    prev = id;
  }
  Phases p(test::load_or_fail(text + conns, r));
  ASSERT_TRUE(p.through(order_vertices));
  compensate_latency(p.state);
  find_dependencies(p.state);
  schedule_steps(p.state);
  assign_buffers(p.state);
  EXPECT_EQ(p.plan.buffers.count, 2u);
  EXPECT_EQ(p.plan.buffers.naive_count, 11u);
  for (size_t step = 1; step < p.plan.steps.size(); ++step) {
    const PlanInputChannel& in = p.plan.input_channels[p.plan.steps[step].first_input_channel];
    EXPECT_EQ(in.mode, PlanInputChannel::Mode::alias);
    EXPECT_NE(in.buffer, p.state.out_channel_buffers[step][0]) << "a step never writes what it reads";
  }
}

TEST(CompilePhases, NodeCostsAreRelativeToTheMedianKnownOne) {
  EXPECT_EQ(relative_node_costs({2.0, 0.0, 8.0, 4.0}, 5), (std::vector<double>{0.5, 1.0, 2.0, 1.0, 1.0}));
  EXPECT_EQ(relative_node_costs({}, 2), (std::vector<double>{1.0, 1.0}));
}

}  // namespace
}  // namespace ac
