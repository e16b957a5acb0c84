// The clock bridge between two simulated domains: a writer at exactly 48 kHz
// and a reader whose crystal runs 100 ppm fast, with jittery callbacks, for
// 60 s of audio. The truth is known: a 1 kHz sine written at the writer's
// true sample times must come out as the same sine at the reader's true
// sample times, delayed by a constant. The output is measured against that
// sine (a least-squares fit per 0.1 s), independently of the bridge's own
// bookkeeping: the residual is its THD+N, the fitted phase its latency.
#include "clock/clock_bridge.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "core/audio_section.h"
#include "rt_guard.h"

namespace ac {
namespace {

constexpr double kRate = 48000.0;
constexpr double kTone = 1000.0;
constexpr double kAmplitude = 0.5;

struct Domain {
  double ppm = 0.0;  // how fast its crystal runs against the reference
  uint32_t block = 64;
  double delay = 0.0;   // mean callback delay after the block's end (s)
  double jitter = 0.0;  // Gaussian callback jitter (s, sigma)
  double true_rate() const { return kRate * (1.0 + ppm * 1e-6); }
};

struct BridgeRun {
  std::vector<float> out;  // reader's channel 0
  ClockBridgeStatus status;
  double locked_at = -1.0;  // seconds of reader output when the bridge said locked
  uint64_t violations = 0;
};

// Runs writer and reader callbacks in the order of their (jittered) times.
// `stall_at`: a reader callback around that time comes `stall` seconds late.
// `writer_skip_at`: around that time the writer's driver skips 10 blocks
// (their frames are lost, as after a real-time driver's xrun) and says so.
BridgeRun simulate(const Domain& writer, const Domain& reader, double seconds, unsigned seed, double stall_at = -1.0,
                   double stall = 0.0, double writer_skip_at = -1.0) {
  ClockBridgeOptions o;
  o.channels = 2;
  o.writer_block = writer.block;
  o.reader_block = reader.block;
  auto bridge = ClockBridge::create(o);
  EXPECT_TRUE(bridge) << bridge.error().to_string();
  BridgeRun run;
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  auto jittered = [&](const Domain& d) { return std::clamp(noise(rng), -4.0, 4.0) * d.jitter + d.delay; };
  std::vector<float> in0(writer.block), in1(writer.block), out0(reader.block), out1(reader.block);
  const float* in[2] = {in0.data(), in1.data()};
  float* out[2] = {out0.data(), out1.data()};
  uint64_t wk = 0, rk = 0, skipped_blocks = 0;
  double tw = (writer.block) / writer.true_rate() + jittered(writer);
  double tr = (reader.block) / reader.true_rate() + jittered(reader);
  const auto reader_blocks = static_cast<uint64_t>(seconds * reader.true_rate() / reader.block);
  test::reset_rt_violations();
  while (rk < reader_blocks) {
    if (tw <= tr) {
      for (uint32_t i = 0; i < writer.block; ++i) {
        const double n = static_cast<double>(wk * writer.block + i);
        // Written at the writer's true sample times.
        const double t = n / writer.true_rate();
        in0[i] = static_cast<float>(kAmplitude * std::sin(2.0 * std::numbers::pi * kTone * t));
        in1[i] = -in0[i];
      }
      uint64_t skipped = 0;
      if (writer_skip_at >= 0 && tw >= writer_skip_at && skipped_blocks == 0) {
        skipped_blocks = 10;
        wk += skipped_blocks;
        skipped = skipped_blocks * writer.block;
        tw += static_cast<double>(skipped) / writer.true_rate();
        for (uint32_t i = 0; i < writer.block; ++i) {
          const double t = static_cast<double>(wk * writer.block + i) / writer.true_rate();
          in0[i] = static_cast<float>(kAmplitude * std::sin(2.0 * std::numbers::pi * kTone * t));
          in1[i] = -in0[i];
        }
      }
      {
        AudioSection section;
        (*bridge)->write(in, writer.block, tw, skipped);
      }
      ++wk;
      tw = static_cast<double>(wk + 1) * writer.block / writer.true_rate() + jittered(writer);
    } else {
      {
        AudioSection section;
        (*bridge)->read(out, reader.block, tr);
      }
      run.out.insert(run.out.end(), out0.begin(), out0.end());
      for (uint32_t i = 0; i < reader.block; ++i) EXPECT_EQ(out1[i], -out0[i]);
      if (run.locked_at < 0 && (*bridge)->status().locked)
        run.locked_at = static_cast<double>(run.out.size()) / reader.true_rate();
      ++rk;
      tr = static_cast<double>(rk + 1) * reader.block / reader.true_rate() + jittered(reader);
      if (stall_at >= 0 && tr >= stall_at && tr < stall_at + reader.block / kRate) tr += stall;
    }
  }
  run.violations = test::rt_violations().total();
  run.status = (*bridge)->status();
  return run;
}

struct Segment {
  double start = 0.0;    // seconds
  double thdn_db = 0.0;  // residual / signal
  double latency = 0.0;  // seconds, unwrapped
};

// Solves the normal equations m x = r (Gaussian elimination, partial
// pivoting) for a small least-squares fit.
template <size_t N>
std::array<double, N> solve(std::array<std::array<double, N>, N> m, std::array<double, N> r) {
  for (size_t c = 0; c < N; ++c) {
    size_t p = c;
    for (size_t i = c + 1; i < N; ++i)
      if (std::fabs(m[i][c]) > std::fabs(m[p][c])) p = i;
    std::swap(m[c], m[p]);
    std::swap(r[c], r[p]);
    for (size_t i = c + 1; i < N; ++i) {
      const double f = m[i][c] / m[c][c];
      for (size_t j = c; j < N; ++j) m[i][j] -= f * m[c][j];
      r[i] -= f * r[c];
    }
  }
  std::array<double, N> x{};
  for (size_t c = N; c-- > 0;) {
    double v = r[c];
    for (size_t j = c + 1; j < N; ++j) v -= m[c][j] * x[j];
    x[c] = v / m[c][c];
  }
  return x;
}

// Per segment, a least-squares fit of the tone at its nominal frequency in
// the reader's samples, with a first-order phase drift term (so a frequency
// error of a fraction of a ppm — which a THD+N analyser's notch would
// remove too — is not counted as noise), and DC. The residual is THD+N;
// the phase at the segment's centre says how late the tone is.
std::vector<Segment> analyse(const std::vector<float>& y, const Domain& reader, size_t segment) {
  const double w = 2.0 * std::numbers::pi * kTone / reader.true_rate();
  std::vector<Segment> out;
  double previous = 0.0;
  for (size_t s = 0; s + segment <= y.size(); s += segment) {
    const double mid = static_cast<double>(s) + 0.5 * static_cast<double>(segment);
    auto basis = [&](size_t i) {
      const double u = static_cast<double>(i) - mid;
      const double si = std::sin(w * static_cast<double>(i)), ci = std::cos(w * static_cast<double>(i));
      return std::array<double, 5>{si, ci, 1.0, u * 1e-3 * ci, u * 1e-3 * si};
    };
    std::array<std::array<double, 5>, 5> m{};
    std::array<double, 5> r{};
    for (size_t i = s; i < s + segment; ++i) {
      const auto b = basis(i);
      for (size_t j = 0; j < 5; ++j) {
        r[j] += y[i] * b[j];
        for (size_t k = 0; k < 5; ++k) m[j][k] += b[j] * b[k];
      }
    }
    const auto coef = solve<5>(m, r);
    double residual = 0, signal = 0;
    for (size_t i = s; i < s + segment; ++i) {
      const auto b = basis(i);
      double fit = 0;
      for (size_t j = 0; j < 5; ++j) fit += coef[j] * b[j];
      residual += (y[i] - fit) * (y[i] - fit);
      signal += (coef[0] * b[0] + coef[1] * b[1]) * (coef[0] * b[0] + coef[1] * b[1]);
    }
    // y = R sin(w i + phi) = A sin(2 pi f (t_i - L)) with t_i = i / rate.
    double latency = -std::atan2(coef[1], coef[0]) / (2.0 * std::numbers::pi * kTone);
    const double period = 1.0 / kTone;
    if (!out.empty()) latency += std::round((previous - latency) / period) * period;
    previous = latency;
    out.push_back({static_cast<double>(s) / reader.true_rate(), 10.0 * std::log10(residual / signal), latency});
  }
  return out;
}

void expect_clean_crossing(const Domain& writer, const Domain& reader, unsigned seed) {
  const BridgeRun run = simulate(writer, reader, 60.0, seed);
  EXPECT_EQ(run.violations, 0u) << "the bridge allocated or locked inside an audio section";
  EXPECT_EQ(run.status.underruns, 0u);
  EXPECT_EQ(run.status.overruns, 0u);
  EXPECT_EQ(run.status.resyncs, 0u);
  ASSERT_GT(run.locked_at, 0.0) << "never locked";
  EXPECT_LT(run.locked_at, 20.0);
  // The ratio the loop holds is the two domains' real ratio.
  const double truth = reader.true_rate() / writer.true_rate();
  EXPECT_NEAR(run.status.ratio, truth, 2e-6) << "ratio " << run.status.ratio << " vs " << truth;
  const auto segments = analyse(run.out, reader, 4800);
  double worst = -300.0, lo = 1e9, hi = -1e9;
  for (const Segment& s : segments) {
    if (s.start < run.locked_at) continue;
    worst = std::max(worst, s.thdn_db);
    lo = std::min(lo, s.latency);
    hi = std::max(hi, s.latency);
  }
  const double drift_samples = (hi - lo) * kRate;
  std::printf(
      "%+.0f ppm -> %+.0f ppm: locked after %.1f s, ratio %.7f (truth %.7f), worst THD+N %.1f dB, "
      "held latency %.1f frames, its drift after lock %.4f samples (from the tone's phase)\n",
      writer.ppm, reader.ppm, run.locked_at, run.status.ratio, truth, worst, run.status.latency_frames, drift_samples);
  EXPECT_LT(worst, -90.0);
  EXPECT_LT(drift_samples, 1.0);
}

TEST(ClockBridge, CarriesASineIntoADomain100ppmFastFor60sContinuously) {
  expect_clean_crossing({0.0, 64, 300e-6, 30e-6}, {100.0, 64, 500e-6, 30e-6}, 1);
}

TEST(ClockBridge, CarriesASineIntoASlowerDomainWithOtherBlockSizes) {
  expect_clean_crossing({0.0, 128, 300e-6, 50e-6}, {-100.0, 48, 200e-6, 20e-6}, 2);
}

TEST(ClockBridge, RidesThroughALateReaderCallback) {
  // One reader callback 20 ms late (a preempted audio thread whose device
  // buffer covered it): the FIFO holds what the writer wrote meanwhile, and
  // the stream goes on without a resync.
  const Domain writer{0.0, 64, 300e-6, 20e-6}, reader{50.0, 64, 300e-6, 20e-6};
  const BridgeRun run = simulate(writer, reader, 20.0, 3, 12.0, 0.020);
  EXPECT_EQ(run.violations, 0u);
  EXPECT_EQ(run.status.resyncs, 0u);
  EXPECT_EQ(run.status.underruns, 0u);
  EXPECT_EQ(run.status.overruns, 0u);
}

TEST(ClockBridge, StartsOverAfterAStallLongerThanItsFifoAndLocksAgain) {
  // 200 ms without a reader callback: the writer overruns the FIFO, the
  // reader finds the latency far off target, discards and starts over once,
  // and the loop locks again on the real ratio.
  const Domain writer{0.0, 64, 300e-6, 20e-6}, reader{50.0, 64, 300e-6, 20e-6};
  const BridgeRun run = simulate(writer, reader, 30.0, 4, 5.0, 0.200);
  EXPECT_EQ(run.violations, 0u);
  EXPECT_GE(run.status.overruns, 1u);
  EXPECT_EQ(run.status.resyncs, 1u);
  EXPECT_EQ(run.status.underruns, 0u);
  EXPECT_TRUE(run.status.locked);
  EXPECT_NEAR(run.status.ratio, reader.true_rate() / writer.true_rate(), 5e-6);
}

TEST(ClockBridge, StartsOverOnceWhenTheWriterSkipsBlocks) {
  // The writer's driver lost 10 blocks (13 ms): the latency the bridge
  // holds fell by that much, so it starts over once at its target and
  // locks again, instead of slewing the pitch for seconds.
  const Domain writer{0.0, 64, 300e-6, 20e-6}, reader{30.0, 64, 300e-6, 20e-6};
  const BridgeRun run = simulate(writer, reader, 30.0, 5, -1.0, 0.0, 5.0);
  EXPECT_EQ(run.violations, 0u);
  EXPECT_EQ(run.status.resyncs + run.status.underruns, 1u);
  EXPECT_EQ(run.status.overruns, 0u);
  EXPECT_TRUE(run.status.locked);
  EXPECT_NEAR(run.status.latency_error, 0.0, 2.0);
  EXPECT_NEAR(run.status.ratio, reader.true_rate() / writer.true_rate(), 5e-6);
}

TEST(ClockBridge, RefusesImpossibleOptions) {
  ClockBridgeOptions o;
  o.target_latency = 10.0;
  auto b = ClockBridge::create(o);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("below"), std::string::npos) << b.error().message;
  o = {};
  o.channels = 0;
  EXPECT_FALSE(ClockBridge::create(o));
  o = {};
  o.filter_length = 200;
  EXPECT_FALSE(ClockBridge::create(o));
}

}  // namespace
}  // namespace ac
