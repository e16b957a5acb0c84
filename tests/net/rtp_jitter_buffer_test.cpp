// The jitter buffer on its own: packets by timestamp, reads across packet
// edges, and a stream that runs past the 32-bit timestamp's wrap (2^32 is
// no multiple of a 48-frame packet: after 24.8 hours at 48 kHz the grid
// would no longer fit).
#include "net/rtp_jitter_buffer.h"

#include <gtest/gtest.h>

#include <vector>

namespace ac {
namespace {

std::vector<float> packet(float value) {
  return std::vector<float>(48 * 2, value);
}

TEST(JitterBuffer, ReadsAcrossPacketEdgesAndCountsWhatIsMissing) {
  rtp::JitterBuffer b(48, 2, 64);
  ASSERT_EQ(b.put(1000, packet(1.0f).data()), rtp::JitterBuffer::Put::stored);
  ASSERT_EQ(b.put(1096, packet(3.0f).data()), rtp::JitterBuffer::Put::stored);  // 1048 is missing
  std::vector<float> l(100), r(100);
  float* out[2] = {l.data(), r.data()};
  EXPECT_EQ(b.read(1024, 100, out), 48u);
  EXPECT_EQ(l[0], 1.0f);
  EXPECT_EQ(l[23], 1.0f);
  EXPECT_EQ(l[24], 0.0f);
  EXPECT_EQ(l[72], 3.0f);
  EXPECT_EQ(b.put(1048, packet(2.0f).data()), rtp::JitterBuffer::Put::late);
  EXPECT_EQ(b.put(1000, packet(1.0f).data()), rtp::JitterBuffer::Put::duplicate);
  EXPECT_EQ(b.put(1001, packet(1.0f).data()), rtp::JitterBuffer::Put::misaligned);
}

// The least headroom is the earliest a packet's first frame came before the
// play head reached it; a late packet makes it negative by its lateness.
TEST(JitterBuffer, TellsTheLeastHeadroomOfTheRun) {
  rtp::JitterBuffer b(48, 2, 64);
  std::vector<float> l(48), r(48);
  float* out[2] = {l.data(), r.data()};
  ASSERT_EQ(b.put(960, packet(1.0f).data()), rtp::JitterBuffer::Put::stored);
  EXPECT_FALSE(b.least_headroom());  // nothing played yet: nothing to measure against
  (void)b.read(480, 48, out);        // the play head is at 528
  ASSERT_EQ(b.put(1008, packet(1.0f).data()), rtp::JitterBuffer::Put::stored);
  EXPECT_EQ(b.least_headroom(), 1008 - 528);
  ASSERT_EQ(b.put(1104, packet(1.0f).data()), rtp::JitterBuffer::Put::stored);
  EXPECT_EQ(b.least_headroom(), 1008 - 528);  // a later packet came earlier still
  (void)b.read(1000, 48, out);                // the play head is at 1048
  ASSERT_EQ(b.put(1056, packet(1.0f).data()), rtp::JitterBuffer::Put::stored);
  EXPECT_EQ(b.least_headroom(), 8);
  (void)b.read(1200, 48, out);  // the play head is at 1248: 1152 is late by 96 frames
  EXPECT_EQ(b.put(1152, packet(1.0f).data()), rtp::JitterBuffer::Put::late);
  EXPECT_EQ(b.least_headroom(), -96);
  b.reset();
  EXPECT_FALSE(b.least_headroom());
}

TEST(JitterBuffer, AStreamRunsOnPastTheTimestampsWrap) {
  rtp::JitterBuffer b(48, 2, 64);
  std::vector<float> l(48), r(48);
  float* out[2] = {l.data(), r.data()};
  // The first packet at 0; the stream is then played on to 2^32 and past
  // it (in steps, each less than 2^31 frames: a stream moves on gradually).
  ASSERT_EQ(b.put(0, packet(1.0f).data()), rtp::JitterBuffer::Put::stored);
  for (const uint64_t k : {1ull, 20'000'000ull, 40'000'000ull, 60'000'000ull, 80'000'000ull, 89'478'485ull,
                           89'478'486ull, 89'478'487ull, 100'000'000ull}) {
    const auto ts = static_cast<uint32_t>(48 * k);  // modulo 2^32, as on the wire
    SCOPED_TRACE(k);
    ASSERT_EQ(b.put(ts, packet(static_cast<float>(k % 1000)).data()), rtp::JitterBuffer::Put::stored);
    EXPECT_EQ(b.read(ts, 48, out), 0u);
    EXPECT_EQ(l[47], static_cast<float>(k % 1000));
  }
}

}  // namespace
}  // namespace ac
