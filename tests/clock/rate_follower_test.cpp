// The rate follower against a simulated network sender: packets of 48
// frames sent by a clock `ppm` off ours, arriving with up to 2 ms of
// random jitter. The loop must learn the sender's clock, hold the fill at
// its target, and play the sender's sine clean (no step, the level kept).
#include "clock/rate_follower.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

namespace ac {
namespace {

// A sine counted in the sender's samples: frame n is sin(2 pi f n / 48000).
class SineSource final : public RateFollower::Source {
 public:
  void pull(float* const* channels, uint32_t frames) noexcept override {
    for (uint32_t i = 0; i < frames; ++i, ++taken) {
      const auto v =
          static_cast<float>(0.5 * std::sin(2.0 * std::numbers::pi * 997.0 * static_cast<double>(taken) / 48000.0));
      channels[0][i] = v;
      channels[1][i] = -v;
    }
  }
  uint64_t taken = 0;
};

struct FollowedRun {
  double learnt_ppm = 0.0;
  double fill_low = 1e9, fill_high = -1e9;  // frames, after the first 20 s
  double fill_mean[2] = {0.0, 0.0};         // over the first and the second half of that
  double worst_step = 0.0;                  // largest sample-to-sample change, after 20 s
  double rms = 0.0;                         // after 20 s
};

FollowedRun follow(double ppm, double seconds, uint32_t block) {
  RateFollowerOptions o;
  o.channels = 2;
  o.max_block = block;
  auto f = RateFollower::create(o);
  EXPECT_TRUE(f) << f.error().message;
  SineSource source;
  std::mt19937 random(7);
  std::uniform_real_distribution<double> jitter(0.0, 0.002);
  const double target = 240.0;  // 5 ms
  const double sender_rate = 48000.0 * (1.0 + ppm * 1e-6);
  // Packet k leaves at k * 48 / sender_rate and arrives up to 2 ms later;
  // the stream starts with the target's worth already there.
  std::vector<float> l(block), r(block);
  float* out[2] = {l.data(), r.data()};
  FollowedRun run;
  double sum = 0.0, last = 0.0;
  uint64_t counted = 0, arrived = 0, next_packet = 0;
  double next_arrival = jitter(random);
  const auto blocks = static_cast<uint64_t>(seconds * 48000.0 / block);
  for (uint64_t b = 0; b < blocks; ++b) {
    const double now = static_cast<double>(b * block) / 48000.0;
    while (next_arrival <= now) {  // arrivals are reordered by jitter; what counts is the newest
      arrived = std::max(arrived, (next_packet + 1) * 48);
      ++next_packet;
      next_arrival = static_cast<double>(next_packet * 48) / sender_rate + jitter(random);
    }
    const double fill = static_cast<double>(arrived) + target - static_cast<double>(source.taken);
    f.value()->process(out, block, fill - target, source);
    if (now < 20.0) {
      last = l[block - 1];
      continue;
    }
    run.fill_low = std::min(run.fill_low, fill);
    run.fill_high = std::max(run.fill_high, fill);
    run.fill_mean[now < 20.0 + (seconds - 20.0) / 2 ? 0 : 1] += fill * 2.0 * block / ((seconds - 20.0) * 48000.0);
    for (uint32_t i = 0; i < block; ++i) {
      run.worst_step = std::max(run.worst_step, std::abs(static_cast<double>(l[i]) - last));
      last = l[i];
      sum += static_cast<double>(l[i]) * l[i];
      ++counted;
    }
  }
  run.learnt_ppm = f.value()->sender_ppm();
  run.rms = std::sqrt(sum / static_cast<double>(counted));
  return run;
}

TEST(RateFollower, LearnsTheSendersClockAndHoldsTheFill) {
  for (const double ppm : {-300.0, 0.0, 80.0, 500.0}) {
    SCOPED_TRACE(ppm);
    const FollowedRun run = follow(ppm, 60.0, 64);
    EXPECT_NEAR(run.learnt_ppm, ppm, 3.0);
    // Jitter moves the newest arrival by up to 2 ms (96 frames), a packet
    // is 48 and a chunk pulled 16: the fill is held within that, and its
    // mean does not move (no drift).
    EXPECT_LT(run.fill_high - run.fill_low, 96.0 + 48.0 + 16.0 + 24.0);
    EXPECT_NEAR(run.fill_mean[0], run.fill_mean[1], 3.0);
    // A 997 Hz sine at 0.5 moves at most 2 pi 997 / 48000 * 0.5 = 0.0653
    // per sample: no step beyond that (a dropped or doubled frame would
    // be a step), and the level is the sender's (0.5 / sqrt 2).
    EXPECT_LT(run.worst_step, 0.0653 * 1.01);
    EXPECT_NEAR(run.rms, 0.5 / std::sqrt(2.0), 0.001);
  }
}

TEST(RateFollower, AnyBlockSizeAndAConvertedRate) {
  for (const uint32_t block : {16u, 48u, 256u}) {
    SCOPED_TRACE(block);
    const FollowedRun run = follow(200.0, 40.0, block);
    EXPECT_NEAR(run.learnt_ppm, 200.0, 3.0);
  }
  RateFollowerOptions o;
  o.input_rate = 96000.0;
  EXPECT_TRUE(RateFollower::create(o));
  o.input_rate = 1e6;
  EXPECT_FALSE(RateFollower::create(o));
}

}  // namespace
}  // namespace ac
