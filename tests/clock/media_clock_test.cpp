// AES67 media clock arithmetic: RTP timestamps from PTP time at the stream
// rate, across the 32-bit wrap, and back.
#include "clock/media_clock.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

TEST(MediaClock, RtpTimestampOfAKnownInstant) {
  // 1 700 000 000 s * 48000 = 81 600 000 000 000 samples; mod 2^32.
  EXPECT_EQ(rtp_timestamp(PtpNanos{int64_t{1700000000} * 1000000000}, 48000, 0), 4211310592u);
  EXPECT_EQ(rtp_timestamp(PtpNanos{int64_t{1700000000} * 1000000000}, 48000, 100), 4211310692u);
  // Half a sample period later is still the same sample; a whole one is the next.
  EXPECT_EQ(rtp_timestamp(PtpNanos{int64_t{1700000000} * 1000000000 + 10416}, 48000, 0), 4211310592u);
  EXPECT_EQ(rtp_timestamp(PtpNanos{int64_t{1700000000} * 1000000000 + 20834}, 48000, 0), 4211310593u);
  EXPECT_EQ(rtp_timestamp(PtpNanos{int64_t{1700000000} * 1000000000}, 96000, 0),
            static_cast<uint32_t>(163200000000000ull));
}

TEST(MediaClock, WrapsAndUnwraps) {
  const int64_t before_wrap = (int64_t{1} << 32) - 10;  // samples
  const PtpNanos t = media_sample_time(before_wrap, 48000);
  EXPECT_EQ(media_samples(t, 48000), before_wrap);
  EXPECT_EQ(rtp_timestamp(t, 48000, 0), 0xFFFFFFF6u);
  EXPECT_EQ(rtp_timestamp(media_sample_time(before_wrap + 20, 48000), 48000, 0), 10u);
  // Unwrapping near a reference on either side of the wrap.
  EXPECT_EQ(unwrap_rtp(10u, 0, before_wrap), before_wrap + 20);
  EXPECT_EQ(unwrap_rtp(0xFFFFFFF6u, 0, before_wrap + 20), before_wrap);
  EXPECT_EQ(unwrap_rtp(4211310692u, 100, int64_t{81600000000000} + 5), int64_t{81600000000000});
}

}  // namespace
}  // namespace ac
