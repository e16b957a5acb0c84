#include "graph/time_spec.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

const TimeContext kCtx{48000.0, 120.0, 4};

TEST(TimeSpec, EveryFormConvertsToTheNearestSample) {
  EXPECT_EQ(*parse_time_point("48000", kCtx), 48000);
  EXPECT_EQ(*parse_time_point("1200 samples", kCtx), 1200);
  EXPECT_EQ(*parse_time_point("7smp", kCtx), 7);
  EXPECT_EQ(*parse_time_point("1.5s", kCtx), 72000);
  EXPECT_EQ(*parse_time_point("250ms", kCtx), 12000);
  EXPECT_EQ(*parse_time_point("0.01ms", kCtx), 0);       // 0.48 samples rounds to 0
  EXPECT_EQ(*parse_time_point("3 beats", kCtx), 72000);  // 0.5 s per beat
  EXPECT_EQ(*parse_time_point("2 bars", kCtx), 192000);
  EXPECT_EQ(*parse_time_point("1:1", kCtx), 0);
  EXPECT_EQ(*parse_time_point("2:1", kCtx), 96000);
  EXPECT_EQ(*parse_time_point("1:2:480", kCtx), 36000);  // beat 2 + half a beat
}

TEST(TimeSpec, MusicalTimeNeedsATempo) {
  const TimeContext no_tempo{48000.0, std::nullopt, 4};
  auto t = parse_time_point("2:1", no_tempo);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("tempo"), std::string::npos);
}

TEST(TimeSpec, RejectsMalformedTimes) {
  for (const char* bad : {"", "abc", "1.5", "-3", "5 parsecs", "0:1", "1:5", "1:1:960", "1:1:1:1", "1.5 samples"}) {
    auto t = parse_time_point(bad, kCtx);
    EXPECT_FALSE(t) << bad;
  }
  EXPECT_FALSE(parse_duration("2:1", kCtx));
}

}  // namespace
}  // namespace ac
