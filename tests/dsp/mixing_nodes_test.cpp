// Gain, mixer, pan, delay and meter against values computed from their
// definitions.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "dsp/meter.h"
#include "graph/compiler.h"
#include "graph/executor.h"
#include "render_helpers.h"

namespace ac {
namespace {

TEST(Gain, ScalesByTheDecibelValue) {
  const auto out = test::render_yaml(
      "nodes:\n  c: {type: constant, params: {value: 0.8}}\n  g: {type: gain, params: {gain: -6, smoothing: 0}}\n"
      "  o: {type: output, channels: 1}\nconnections:\n  - c.out -> g.in\n  - g.out -> o.in\n",
      16);
  EXPECT_FLOAT_EQ(out[0][5], 0.8f * std::pow(10.0f, -6.0f / 20.0f));
}

TEST(Gain, SmoothingGlidesInsteadOfJumping) {
  // 0 dB -> -20 dB with 10 ms smoothing: the change starts at the event
  // frame and completes 480 frames later, monotonically.
  const auto out = test::render_yaml(
      "nodes:\n  c: {type: constant, params: {value: 1}}\n  g: {type: gain, params: {smoothing: 10}}\n"
      "  o: {type: output, channels: 1}\nconnections:\n  - c.out -> g.in\n  - g.out -> o.in\n"
      "events:\n  - {at: 100, set: g.gain, value: -20}\n",
      1000);
  EXPECT_EQ(out[0][99], 1.0f);
  EXPECT_LT(out[0][100], 1.0f);
  EXPECT_GT(out[0][100], 0.99f);
  for (size_t i = 101; i < 580; ++i) ASSERT_LT(out[0][i], out[0][i - 1]) << i;
  EXPECT_NEAR(out[0][579], 0.1f, 1e-6f);
  EXPECT_NEAR(out[0][900], 0.1f, 1e-6f);
}

TEST(Mixer, SumsInputsWithTheirGains) {
  const auto out = test::render_yaml(R"(
nodes:
  a: {type: constant, params: {value: 0.5}}
  b: {type: constant, params: {value: 0.25}}
  c: {type: constant, params: {value: -1}}
  m: {type: mixer, params: {inputs: 3, gain0: 0, gain1: -6.0205999, gain2: -120, level: 6.0205999}}
  o: {type: output, channels: 1}
connections:
  - a.out -> m.in0
  - b.out -> m.in1
  - c.out -> m.in2
  - m.out -> o.in
)",
                                     8);
  EXPECT_NEAR(out[0][3], 2.0 * (0.5 + 0.125), 1e-6);
}

TEST(Pan, ConstantPowerLaw) {
  for (double pan : {-1.0, -0.5, 0.0, 0.3, 1.0}) {
    const auto out = test::render_yaml(
        "nodes:\n  c: {type: constant, params: {value: 1}}\n  p: {type: pan, params: {pan: " + std::to_string(pan) +
            "}}\n  o: {type: output, channels: 2}\nconnections:\n  - c.out -> p.in\n  - p.out -> o.in\n",
        8);
    const double theta = (pan + 1.0) * std::numbers::pi / 4.0;
    EXPECT_NEAR(out[0][4], std::cos(theta), 1e-6) << pan;
    EXPECT_NEAR(out[1][4], std::sin(theta), 1e-6) << pan;
    EXPECT_NEAR(out[0][4] * out[0][4] + out[1][4] * out[1][4], 1.0, 1e-6) << pan;
  }
  const auto centre = test::render_yaml(
      "nodes:\n  c: {type: constant, params: {value: 1}}\n  p: {type: pan}\n  o: {type: output, channels: 2}\n"
      "connections:\n  - c.out -> p.in\n  - p.out -> o.in\n",
      4);
  EXPECT_NEAR(20.0 * std::log10(centre[0][0]), -3.0103, 1e-3);
}

TEST(Delay, WholeFramesAreExact) {
  const auto out = test::render_yaml(R"(
nodes:
  imp: {type: constant}
  d: {type: delay, params: {time: 10ms}}
  o: {type: output, channels: 1}
connections:
  - imp.out -> d.in
  - d.out -> o.in
events:
  - {at: 100, set: imp.value, value: 1}
  - {at: 101, set: imp.value, value: 0}
)",
                                     2000);
  for (size_t i = 0; i < out[0].size(); ++i) ASSERT_EQ(out[0][i], i == 580 ? 1.0f : 0.0f) << i;
}

TEST(Delay, FractionalDelayShiftsASineByAFractionOfAFrame) {
  // 10.5 frames of a 440 Hz sine equals the sine evaluated 10.5 frames
  // earlier, to within the cubic interpolator's error at this frequency.
  const double fs = 48000.0, f = 440.0, frames = 10.5;
  const auto out = test::render_yaml(
      "nodes:\n  s: {type: sine, params: {frequency: 440}}\n  d: {type: delay, params: {time: " +
          std::to_string(frames * 1000.0 / fs) +
          "}}\n  o: {type: output, channels: 1}\nconnections:\n  - s.out -> d.in\n  - d.out -> o.in\n",
      4800);
  for (size_t n = 100; n < out[0].size(); ++n) {
    const double want = std::sin(2.0 * std::numbers::pi * f * (static_cast<double>(n) - frames) / fs);
    ASSERT_NEAR(out[0][n], want, 2e-5) << n;
  }
}

TEST(Meter, ReportsPeakAndRmsOffTheAudioThread) {
  const NodeRegistry r = test::test_registry();
  const Graph g = test::load_or_fail(
      "nodes:\n  s: {type: sine, params: {frequency: 1000, level: -6.0205999}}\n  m: {type: meter}\n"
      "connections:\n  - s.out -> m.in\n",
      r);
  auto plan = compile(g);
  ASSERT_TRUE(plan);
  auto* meter = dynamic_cast<MeterNode*>((*plan)->nodes[1].get());
  ASSERT_NE(meter, nullptr);
  for (int64_t t = 0; t < 48000; t += 64) run_block(**plan, SampleTime{t}, 64, nullptr);
  const auto& readings = meter->poll();
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_NEAR(readings[0].peak, 0.5, 1e-4);
  EXPECT_NEAR(readings[0].rms, 0.5 / std::sqrt(2.0), 1e-4);
  EXPECT_EQ(meter->dropped(), 0u);
  // Nothing new since the last poll: the window is empty, the totals stay.
  const auto& again = meter->poll();
  EXPECT_EQ(again[0].peak, 0.0f);
  EXPECT_NEAR(again[0].peak_total, 0.5, 1e-4);
}

}  // namespace
}  // namespace ac
