// L16/L24 payloads against bytes worked out by hand (RFC 3190: signed,
// big-endian, interleaved), the quantisation rule, and stream formats as
// AES67 allows them.
#include "net/pcm_payload.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "net/aes67_format.h"

namespace ac::rtp {
namespace {

TEST(PcmPayload, L24IsBigEndianTwosComplementInterleaved) {
  // Two frames of two channels: +0.5, -0.5, full scale, -full scale.
  const float x[] = {0.5f, -0.5f, 1.0f, -1.0f};
  std::vector<uint8_t> out(12);
  const size_t clipped = pack_pcm(x, 2, 2, Encoding::l24, out.data());
  const std::vector<uint8_t> expected = {0x40, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0x80, 0x00, 0x00};
  EXPECT_EQ(out, expected);
  EXPECT_EQ(clipped, 1u) << "+1.0 is one step above the largest 24-bit value";
}

TEST(PcmPayload, L16RoundsHalvesAwayFromZeroAndClips) {
  const float x[] = {1.5f / 32768.0f, -1.5f / 32768.0f, 2.0f, std::nanf("")};
  std::vector<uint8_t> out(8);
  EXPECT_EQ(pack_pcm(x, 4, 1, Encoding::l16, out.data()), 2u);
  const std::vector<uint8_t> expected = {0x00, 0x02, 0xFF, 0xFE, 0x7F, 0xFF, 0x00, 0x00};
  EXPECT_EQ(out, expected);
}

TEST(PcmPayload, EveryIntegerSampleCrossesBitExact) {
  for (const Encoding e : {Encoding::l16, Encoding::l24}) {
    const int bits = e == Encoding::l24 ? 24 : 16;
    const int64_t full = int64_t{1} << (bits - 1);
    std::vector<float> x;
    const auto scale = static_cast<double>(full);
    for (int64_t v = -full; v < full; v += (e == Encoding::l24 ? 257 : 1))
      x.push_back(static_cast<float>(static_cast<double>(v) / scale));
    x.push_back(static_cast<float>(static_cast<double>(full - 1) / scale));
    std::vector<uint8_t> bytes(x.size() * static_cast<size_t>(bits / 8));
    EXPECT_EQ(pack_pcm(x.data(), x.size(), 1, e, bytes.data()), 0u);
    std::vector<float> back(x.size());
    unpack_pcm(bytes, e, back.data());
    EXPECT_EQ(back, x) << to_string(e);
  }
}

TEST(StreamFormat, FramesPerPacketFollowTheRate) {
  StreamFormat f;
  const std::pair<PacketTime, uint32_t> at48[] = {{PacketTime::us125, 6},
                                                  {PacketTime::us250, 12},
                                                  {PacketTime::us333, 16},
                                                  {PacketTime::ms1, 48},
                                                  {PacketTime::ms4, 192}};
  for (const auto& [t, frames] : at48) {
    f.packet_time = t;
    f.sample_rate = 48000;
    EXPECT_EQ(f.frames_per_packet(), frames) << to_string(t);
    f.sample_rate = 96000;
    EXPECT_EQ(f.frames_per_packet(), 2 * frames) << to_string(t);
  }
}

TEST(StreamFormat, WhatDoesNotFitAnEthernetFrameIsRefusedNamingTheLimit) {
  // ST 2110-30 level C fits: 64 ch x 6 frames x 3 bytes = 1152.
  EXPECT_TRUE(check_format({Encoding::l24, 48000, 64, PacketTime::us125}));
  // 8 channels at 1 ms: 1152 bytes; 16 channels: 2304, too many.
  EXPECT_TRUE(check_format({Encoding::l24, 48000, 8, PacketTime::ms1}));
  auto too_big = check_format({Encoding::l24, 48000, 16, PacketTime::ms1});
  ASSERT_FALSE(too_big);
  EXPECT_NE(too_big.error().message.find("need 2304 bytes a packet; an MTU of 1500 leaves 1460"), std::string::npos)
      << too_big.error().message;
  EXPECT_NE(too_big.error().message.find("at most 10 channels"), std::string::npos) << too_big.error().message;
  EXPECT_FALSE(check_format({Encoding::l24, 48000, 65, PacketTime::us125}));
  EXPECT_FALSE(check_format({Encoding::l24, 44100, 2, PacketTime::us125}))
      << "44100 / 8000 is not a whole number of frames";
  EXPECT_FALSE(check_format({Encoding::l24, 22050, 2, PacketTime::ms1}));
}

TEST(StreamFormat, PacketTimesAreReadAsWritten) {
  EXPECT_EQ(*packet_time_from_text("125us"), PacketTime::us125);
  EXPECT_EQ(*packet_time_from_text("1ms"), PacketTime::ms1);
  EXPECT_EQ(*packet_time_from_text("4"), PacketTime::ms4);
  EXPECT_EQ(*packet_time_from_ms(0.333), PacketTime::us333);
  EXPECT_EQ(*packet_time_from_ms(0.12), PacketTime::us125) << "aes67-linux-daemon writes 0.12";
  EXPECT_FALSE(packet_time_from_ms(2.0));
  EXPECT_FALSE(packet_time_from_text("fast"));
}

}  // namespace
}  // namespace ac::rtp
