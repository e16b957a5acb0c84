#include "io/dummy_driver.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

namespace ac {
namespace {

TEST(DummyDriver, RunsBlocksInOrderAndItsRateEstimateIsWithin50ppmAfter5s) {
  DummyDriverOptions o;
  o.stop_after_frames = 48000 * 5 + 64 * 10;  // 5 s and a little
  o.realtime_priority = 0;
  DummyDriver d(o);
  // Blocks come in order on the 64-frame grid; after an xrun (a stall of
  // this loaded machine) media time skips the missed blocks, as a card's.
  int64_t expected = 0;
  bool in_order = true;
  uint64_t calls = 0;
  ASSERT_TRUE(d.start([&](SampleTime t, FrameCount frames, HostIo&) {
    in_order = in_order && t.value >= expected && t.value % 64 == 0 && frames == 64;
    expected = t.value + frames;
    ++calls;
  }));
  for (int i = 0; i < 1000 && !d.finished(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(d.finished());
  d.stop();
  EXPECT_TRUE(in_order);
  EXPECT_GE(expected, o.stop_after_frames);
  EXPECT_EQ(calls, d.blocks());
  if (d.xruns() == 0) {
    EXPECT_EQ(calls * 64, static_cast<uint64_t>(o.stop_after_frames));
  }
  // Paced by CLOCK_MONOTONIC, so the true rate is the nominal one.
  const double ppm = (d.estimated_rate() / 48000.0 - 1.0) * 1e6;
  EXPECT_LT(std::fabs(ppm), 50.0) << ppm << " ppm";
}

}  // namespace
}  // namespace ac
