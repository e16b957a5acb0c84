// RTP headers against bytes written out by hand from RFC 3550 section 5.1,
// and every malformed form a receiver must count and drop.
#include "net/rtp_packet.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace ac::rtp {
namespace {

TEST(RtpPacket, EncodesTheFixedHeaderInNetworkOrder) {
  Header h;
  h.marker = true;
  h.payload_type = 97;
  h.sequence = 0xBEEF;
  h.timestamp = 0x01020304;
  h.ssrc = 0xDEADBEEF;
  std::array<uint8_t, kFixedHeaderBytes> out{};
  encode_header(h, out);
  // V=2 P=0 X=0 CC=0 | M=1 PT=97 | seq | timestamp | SSRC
  const std::array<uint8_t, 12> expected = {0x80, 0xE1, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04, 0xDE, 0xAD, 0xBE, 0xEF};
  EXPECT_EQ(out, expected);
}

TEST(RtpPacket, DecodesCsrcsExtensionAndPaddingAroundThePayload) {
  // V=2 P=1 X=1 CC=1, PT 96, seq 1, ts 2, SSRC 3, one CSRC, an extension of
  // one word, payload AA BB, then 2 bytes of padding (count 2).
  const std::vector<uint8_t> d = {0xB1, 0x60, 0x00, 0x01, 0,    0,    0,    2,    0,    0,    0,    3,    0x11, 0x22,
                                  0x33, 0x44, 0xBE, 0xDE, 0x00, 0x01, 0x55, 0x66, 0x77, 0x88, 0xAA, 0xBB, 0x00, 0x02};
  auto p = decode(d);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->header.payload_type, 96);
  EXPECT_EQ(p->header.sequence, 1);
  EXPECT_EQ(p->header.timestamp, 2u);
  EXPECT_EQ(p->header.ssrc, 3u);
  EXPECT_EQ(p->csrc_count, 1);
  EXPECT_TRUE(p->had_extension);
  ASSERT_EQ(p->payload.size(), 2u);
  EXPECT_EQ(p->payload[0], 0xAA);
  EXPECT_EQ(p->payload[1], 0xBB);
}

TEST(RtpPacket, EachMalformedFormIsRejectedByKind) {
  struct Case {
    std::vector<uint8_t> bytes;
    Rejection why;
  };
  const std::vector<Case> cases = {
      {{0x80, 0x60, 0, 1, 0, 0, 0}, Rejection::too_short},
      {{0x40, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, Rejection::bad_version},           // version 1
      {{0x82, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4}, Rejection::bad_csrc},  // 2 CSRCs, 1 present
      {{0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xBE, 0xDE}, Rejection::bad_extension},
      {{0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xBE, 0xDE, 0xFF, 0xF0}, Rejection::bad_extension},
      {{0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xAA, 0x00}, Rejection::bad_padding},  // count 0
      {{0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xAA, 0x09}, Rejection::bad_padding},  // past the header
  };
  for (const Case& c : cases) {
    Rejection why = Rejection::count_;
    auto p = decode(c.bytes, &why);
    EXPECT_FALSE(p) << to_string(c.why);
    EXPECT_EQ(why, c.why) << to_string(c.why) << " came back as " << to_string(why);
  }
}

TEST(RtpPacket, SequenceNumbersCompareAcrossTheWrap) {
  EXPECT_EQ(sequence_delta(65535, 0), 1);
  EXPECT_EQ(sequence_delta(0, 65535), -1);
  EXPECT_EQ(sequence_delta(100, 90), -10);
  EXPECT_EQ(sequence_delta(65500, 20), 56);
}

}  // namespace
}  // namespace ac::rtp
