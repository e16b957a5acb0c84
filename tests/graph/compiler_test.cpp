// The compiler's promises: latency compensation aligns parallel paths,
// buffers are reused by liveness, feedback through a delay is exact.
#include "graph/compiler.h"

#include <gtest/gtest.h>

#include <cmath>

#include "graph/plan_report.h"
#include "render_helpers.h"
#include "test_nodes.h"

namespace ac {
namespace {

void add_latent(NodeRegistry& r) {
  test::add_latent_node(r);
}

// An impulse at frame 1000 through three paths of latency 0, 37 and 500
// frames into one mixer: with compensation all three arrive at 1500.
const char* kThreePaths = R"(
block_size: 64
nodes:
  imp:  {type: constant}
  slow: {type: latent, params: {frames: 500}}
  mid:  {type: latent, params: {frames: 37}}
  mix:  {type: mixer, params: {inputs: 3}}
  o:    {type: output, channels: 1}
connections:
  - imp.out -> slow.in
  - imp.out -> mid.in
  - imp.out -> mix.in2
  - slow.out -> mix.in0
  - mid.out -> mix.in1
  - mix.out -> o.in
events:
  - {at: 1000, set: imp.value, value: 1}
  - {at: 1001, set: imp.value, value: 0}
)";

TEST(LatencyCompensation, ParallelPathsArriveOnTheSameSample) {
  const NodeRegistry r = test::test_registry(add_latent);
  const Graph g = test::load_or_fail(kThreePaths, r);
  for (uint32_t block : {1u, 7u, 64u, 256u}) {
    const auto out = test::render_graph(g, 4000, block);
    ASSERT_EQ(out.size(), 1u);
    for (size_t i = 0; i < out[0].size(); ++i) {
      const float want = i == 1500 ? 3.0f : 0.0f;
      ASSERT_EQ(out[0][i], want) << "frame " << i << " block " << block;
    }
  }
  auto plan = compile(g);
  ASSERT_TRUE(plan);
  EXPECT_EQ((*plan)->total_latency, 500u);
  const std::string report = describe_plan(**plan, g);
  EXPECT_NE(report.find("before mix.in1[0]: 463 frames"), std::string::npos) << report;
  EXPECT_NE(report.find("before mix.in2[0]: 500 frames"), std::string::npos) << report;
  EXPECT_NE(report.find("total latency: 500 frames"), std::string::npos) << report;
}

TEST(LatencyCompensation, WithoutLatencyNothingIsInserted) {
  const NodeRegistry r = test::test_registry();
  const Graph g = test::load_or_fail(
      "nodes:\n  a: {type: sine}\n  b: {type: gain}\n  o: {type: output, channels: 1}\n"
      "connections:\n  - a.out -> b.in\n  - b.out -> o.in\n",
      r);
  auto plan = compile(g);
  ASSERT_TRUE(plan);
  EXPECT_TRUE((*plan)->run.delays.empty());
  EXPECT_EQ((*plan)->total_latency, 0u);
}

TEST(BufferReuse, ALongChainNeedsTwoBuffers) {
  std::string yaml = "nodes:\n  src: {type: constant, params: {value: 1}}\n";
  constexpr int kChain = 100;
  for (int i = 0; i < kChain; ++i)
    yaml += "  g" + std::to_string(i) + ": {type: gain, params: {gain: -0.1, smoothing: 0}}\n";
  yaml += "  o: {type: output, channels: 1}\nconnections:\n  - src.out -> g0.in\n";
  for (int i = 0; i + 1 < kChain; ++i)
    yaml += "  - g" + std::to_string(i) + ".out -> g" + std::to_string(i + 1) + ".in\n";
  yaml += "  - g" + std::to_string(kChain - 1) + ".out -> o.in\n";
  const NodeRegistry r = test::test_registry();
  const Graph g = test::load_or_fail(yaml, r);
  auto plan = compile(g);
  ASSERT_TRUE(plan);
  EXPECT_EQ((*plan)->buffers.naive_count, static_cast<uint32_t>(kChain + 1));
  EXPECT_EQ((*plan)->buffers.count, 2u);
  // The reuse is not paid for with wrong samples: 100 x -0.1 dB = -10 dB.
  const auto out = test::render_graph(g, 256);
  float expected = 1.0f;
  const float step = std::pow(10.0f, -0.1f / 20.0f);
  for (int i = 0; i < kChain; ++i) expected *= step;
  EXPECT_EQ(out[0][255], expected);
}

TEST(BufferReuse, FanOutKeepsABufferAliveUntilItsLastReader) {
  // src feeds a and, much later in the order, z: the buffer of src.out must
  // not be handed to anyone in between.
  const char* yaml = R"(
nodes:
  src: {type: constant, params: {value: 0.5}}
  a: {type: gain, params: {gain: -6.0205999, smoothing: 0}}
  b: {type: gain, params: {smoothing: 0}}
  c: {type: gain, params: {smoothing: 0}}
  z: {type: mixer, params: {inputs: 2}}
  o: {type: output, channels: 1}
connections:
  - src.out -> a.in
  - a.out -> b.in
  - b.out -> c.in
  - c.out -> z.in0
  - src.out -> z.in1
  - z.out -> o.in
)";
  const auto out = test::render_yaml(yaml, 64);
  EXPECT_NEAR(out[0][10], 0.75f, 1e-6f);
}

TEST(Feedback, DelayClosesACycleExactly) {
  // impulse -> sum -> delay(120 frames) -> gain(-6.02 dB) -> back into sum:
  // echoes at 120, 240, 360 ... each half the previous, for any block size
  // up to the delay.
  const char* yaml = R"(
nodes:
  imp: {type: constant}
  sum: {type: mixer, params: {inputs: 2}}
  d:   {type: delay, params: {time: 2.5ms}}
  fb:  {type: gain, params: {gain: -6.0205999, smoothing: 0}}
  o:   {type: output, channels: 1}
connections:
  - imp.out -> sum.in0
  - sum.out -> d.in
  - d.out -> fb.in
  - fb.out -> sum.in1
  - d.out -> o.in
events:
  - {at: 0, set: imp.value, value: 1}
  - {at: 1, set: imp.value, value: 0}
)";
  const NodeRegistry r = test::test_registry();
  const Graph g = test::load_or_fail(yaml, r);
  std::vector<float> first;
  for (uint32_t block : {1u, 16u, 64u, 120u}) {
    const auto out = test::render_graph(g, 1000, block);
    for (size_t i = 0; i < 1000; ++i) {
      if (i > 0 && i % 120 == 0) {
        const double want = std::pow(0.5, static_cast<double>(i / 120 - 1));
        ASSERT_NEAR(out[0][i], want, want * 1e-6) << "frame " << i << " block " << block;
      } else {
        ASSERT_EQ(out[0][i], 0.0f) << "frame " << i << " block " << block;
      }
    }
    if (first.empty()) first = out[0];
    EXPECT_EQ(first, out[0]) << "block " << block << " differs from block 1";
  }
}

}  // namespace
}  // namespace ac

namespace ac {
namespace {

TEST(Parallelism, FromTheGraphMatchesThePlanWithoutBuildingNodes) {
  const NodeRegistry r = test::test_registry();
  const Graph chain = test::load_or_fail(
      "nodes:\n  a: {type: sine}\n  b: {type: gain}\n  c: {type: gain}\nconnections:\n  - a.out -> b.in\n  - b.out -> "
      "c.in\n",
      r);
  EXPECT_DOUBLE_EQ(graph_parallelism(chain), 1.0);
  const Graph fan = test::load_or_fail(
      "nodes:\n  a: {type: sine}\n  b: {type: gain}\n  c: {type: gain}\n  d: {type: gain}\n"
      "connections:\n  - a.out -> b.in\n  - a.out -> c.in\n  - a.out -> d.in\n",
      r);
  EXPECT_DOUBLE_EQ(graph_parallelism(fan), 2.0);  // 4 nodes, longest chain 2
  auto plan = compile(fan, CompileOptions{false, 2});
  ASSERT_TRUE(plan);
  EXPECT_DOUBLE_EQ(plan_parallelism(**plan), graph_parallelism(fan));
}

}  // namespace
}  // namespace ac
