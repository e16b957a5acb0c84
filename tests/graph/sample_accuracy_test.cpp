// A parameter change at sample N takes effect exactly at N, for every block
// size from 1 to 4096, and ramps land on the same frames however the blocks
// cut them.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "render_helpers.h"

namespace ac {
namespace {

constexpr int64_t kStepAt = 4999;
constexpr int64_t kRampAt = 7001;
constexpr uint32_t kRampLen = 333;
constexpr int64_t kFrames = 8000;

const char* kGraph = R"(
block_size: 64
nodes:
  c: {type: constant}
  o: {type: output, channels: 1}
connections:
  - c.out -> o.in
events:
  - {at: 4999, set: c.value, value: 1}
  - {at: 7001, ramp: c.value, to: -2, over: 333 samples}
)";

// The expected signal, computed from the event list's definition (a ramp's
// frame k of n reads start + (end - start) * k / n) in double precision.
double reference(int64_t n) {
  if (n < kStepAt) return 0.0;
  if (n < kRampAt) return 1.0;
  const int64_t k = n - kRampAt + 1;
  if (k >= kRampLen) return -2.0;
  return 1.0 + (-3.0) * static_cast<double>(k) / kRampLen;
}

TEST(SampleAccuracy, StepAndRampLandOnTheirFramesForEveryBlockSize) {
  const NodeRegistry r = test::test_registry();
  const Graph g = test::load_or_fail(kGraph, r);
  const auto base = test::render_graph(g, kFrames, 1);
  for (int64_t n = 0; n < kFrames; ++n) ASSERT_NEAR(base[0][static_cast<size_t>(n)], reference(n), 1e-6) << n;
  ASSERT_EQ(base[0][kStepAt - 1], 0.0f);
  ASSERT_EQ(base[0][kStepAt], 1.0f);
  for (uint32_t block = 2; block <= 4096; ++block) {
    const auto out = test::render_graph(g, kFrames, block);
    ASSERT_EQ(out[0], base[0]) << "block size " << block;
  }
}

TEST(SampleAccuracy, GainJumpOnASineIsBitIdenticalAcrossBlockSizes) {
  const char* yaml = R"(
nodes:
  s: {type: sine, params: {frequency: 997}}
  g: {type: gain, params: {smoothing: 0}}
  o: {type: output, channels: 1}
connections:
  - s.out -> g.in
  - g.out -> o.in
events:
  - {at: 1234, set: g.gain, value: -6}
  - {at: 3000, ramp: s.frequency, to: 2000, over: 50ms}
)";
  const NodeRegistry r = test::test_registry();
  const Graph g = test::load_or_fail(yaml, r);
  const auto base = test::render_graph(g, 6000, 64);
  // The jump is exactly at 1234: the ratio to the unscaled sine changes there.
  const auto plain = test::render_yaml(
      "nodes:\n  s: {type: sine, params: {frequency: 997}}\n  o: {type: output, channels: 1}\nconnections:\n  - s.out "
      "-> o.in\n",
      1300);
  EXPECT_EQ(base[0][1233], plain[0][1233]);
  EXPECT_NEAR(base[0][1234], plain[0][1234] * 0.5011872f, 1e-7f);
  for (uint32_t block : {1u, 3u, 100u, 1233u, 1234u, 1235u, 4096u}) {
    EXPECT_EQ(test::render_graph(g, 6000, block)[0], base[0]) << "block " << block;
  }
}

TEST(SampleAccuracy, LateEventsApplyAtTheStartOfTheNextBlock) {
  // Two events inside one frame and one before the first block are all
  // applied in file order.
  const char* yaml = R"(
nodes:
  c: {type: constant}
  o: {type: output, channels: 1}
connections:
  - c.out -> o.in
events:
  - {at: 0, set: c.value, value: 5}
  - {at: 10, set: c.value, value: 1}
  - {at: 10, set: c.value, value: 2}
)";
  const auto out = test::render_yaml(yaml, 20, 4);
  EXPECT_EQ(out[0][0], 5.0f);
  EXPECT_EQ(out[0][9], 5.0f);
  EXPECT_EQ(out[0][10], 2.0f);
}

TEST(Determinism, DemoRendersTheSameBitsEveryTimeAndAtEveryBlockSize) {
  const NodeRegistry r = test::test_registry();
  auto g = test::load_or_fail(test::read_text(std::string(AUDIOCLOUD_SOURCE_DIR) + "/examples/demo.yaml"), r);
  const int64_t frames = 48000 * 4;
  const auto a = test::render_graph(g, frames);
  const auto b = test::render_graph(g, frames);
  ASSERT_EQ(a, b);
  for (uint32_t block : {32u, 128u, 1024u}) EXPECT_EQ(test::render_graph(g, frames, block), a) << "block " << block;
}

}  // namespace
}  // namespace ac
