// ClockMap: wall-clock instants to samples, with an anchor that moves only
// when the blocks drift from it by more than the tolerance, read without
// locks while the audio thread moves it.
#include "core/clock_map.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace ac {
namespace {

TEST(ClockMap, NothingBeforeTheFirstBlockThenTheSampleAtAnInstant) {
  ClockMap map(48000.0);
  EXPECT_FALSE(map.sample_at(RealtimeNanos{5}));
  map.update(SampleTime{480000}, RealtimeNanos{1'000'000'000});
  EXPECT_EQ(map.sample_at(RealtimeNanos{1'000'000'000}), SampleTime{480000});
  // 10 ms later is 480 samples later; 10 ms earlier, 480 earlier.
  EXPECT_EQ(map.sample_at(RealtimeNanos{1'010'000'000}), SampleTime{480480});
  EXPECT_EQ(map.sample_at(RealtimeNanos{990'000'000}), SampleTime{479520});
  // Rounded to the nearest sample: 10.4 us is half a sample.
  EXPECT_EQ(map.sample_at(RealtimeNanos{1'000'010'000}), SampleTime{480000});
  EXPECT_EQ(map.sample_at(RealtimeNanos{1'000'011'000}), SampleTime{480001});
}

TEST(ClockMap, TheAnchorStaysWithinToleranceAndMovesBeyondIt) {
  ClockMap map(48000.0, 0.02);
  map.update(SampleTime{0}, RealtimeNanos{0});
  // A block 5 ms late against the anchor's prediction: within 20 ms, so
  // schedules stay on the first anchor.
  map.update(SampleTime{48000}, RealtimeNanos{1'005'000'000});
  EXPECT_EQ(map.sample_at(RealtimeNanos{2'000'000'000}), SampleTime{96000});
  // 50 ms off (an xrun): the anchor moves to the new block.
  map.update(SampleTime{96000}, RealtimeNanos{2'050'000'000});
  EXPECT_EQ(map.sample_at(RealtimeNanos{2'050'000'000}), SampleTime{96000});
  EXPECT_EQ(map.sample_at(RealtimeNanos{3'050'000'000}), SampleTime{144000});
}

// The writer alternates between two anchors a whole second of drift apart,
// so every update moves the anchor; a reader that mixed one anchor's
// sample with the other's time would see a sample neither mapping gives.
TEST(ClockMap, AReaderNeverSeesHalfAnAnchor) {
  ClockMap map(48000.0, 0.001);
  map.update(SampleTime{0}, RealtimeNanos{0});
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 200000; ++i) {
      // Mapping A: sample 0 at 0 ns. Mapping B: sample 48000 at 0 ns.
      map.update(SampleTime{(i % 2) ? 48000 : 0}, RealtimeNanos{0});
    }
    done.store(true);
  });
  uint64_t reads = 0, torn = 0;
  while (!done.load() || reads < 1000) {
    const auto s = map.sample_at(RealtimeNanos{500'000'000});  // half a second: 24000 or 72000
    ASSERT_TRUE(s);
    if (s->value != 24000 && s->value != 72000) ++torn;
    if (++reads > 50'000'000) break;  // bounded
  }
  writer.join();
  EXPECT_EQ(torn, 0u);
  EXPECT_GE(reads, 1000u);
}

}  // namespace
}  // namespace ac
