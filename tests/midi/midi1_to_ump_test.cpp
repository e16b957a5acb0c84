// MIDI 1.0 byte streams ↔ UMP, checked against the packet layouts of the
// UMP specification (M2-104-UM v1.1, "MIDI 1.0 Channel Voice Messages",
// "System Common and System Real Time Messages", "System Exclusive (7-bit)
// Messages"), written out by hand here.
#include "midi/midi1_to_ump.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "midi/ump_to_midi1.h"

namespace ac {
namespace {

std::vector<uint32_t> to_ump(const std::vector<uint8_t>& bytes, Midi1ToUmp& p) {
  std::vector<uint32_t> out;
  for (uint8_t b : bytes) p.feed(b, [&](const uint32_t* w, uint32_t n) { out.insert(out.end(), w, w + n); });
  return out;
}

std::vector<uint32_t> to_ump(const std::vector<uint8_t>& bytes, uint8_t group = 0) {
  Midi1ToUmp p(group);
  return to_ump(bytes, p);
}

// Splits a word stream into packets by message type and converts each.
std::vector<uint8_t> to_bytes(const std::vector<uint32_t>& words, UmpToMidi1& c) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < words.size();) {
    c.convert(&words[i], [&](const uint8_t* b, uint32_t n) { out.insert(out.end(), b, b + n); });
    i += ump::word_count(ump::message_type(words[i]));
  }
  return out;
}

std::vector<uint8_t> to_bytes(const std::vector<uint32_t>& words) {
  UmpToMidi1 c;
  return to_bytes(words, c);
}

TEST(Midi1ToUmp, ChannelVoiceMessagesAreMessageType2) {
  EXPECT_EQ(to_ump({0x90, 0x3C, 0x64}), (std::vector<uint32_t>{0x20903C64}));
  EXPECT_EQ(to_ump({0x83, 0x3C, 0x40}, 5), (std::vector<uint32_t>{0x25833C40}));
  EXPECT_EQ(to_ump({0xC5, 0x07}), (std::vector<uint32_t>{0x20C50700}));        // program change: one data byte
  EXPECT_EQ(to_ump({0xD0, 0x55}), (std::vector<uint32_t>{0x20D05500}));        // channel pressure
  EXPECT_EQ(to_ump({0xE2, 0x00, 0x40}), (std::vector<uint32_t>{0x20E20040}));  // pitch bend centre
  EXPECT_EQ(to_ump({0xB1, 0x07, 0x7F}), (std::vector<uint32_t>{0x20B1077F}));
  // Note-on velocity 0 stays what it is: MIDI 1.0 protocol in UMP is literal.
  EXPECT_EQ(to_ump({0x90, 0x3C, 0x00}), (std::vector<uint32_t>{0x20903C00}));
}

TEST(Midi1ToUmp, RunningStatusRepeatsTheLastChannelStatus) {
  EXPECT_EQ(to_ump({0x90, 0x3C, 0x64, 0x3E, 0x70, 0x40, 0x00}),
            (std::vector<uint32_t>{0x20903C64, 0x20903E70, 0x20904000}));
  EXPECT_EQ(to_ump({0xC0, 0x01, 0x02}), (std::vector<uint32_t>{0x20C00100, 0x20C00200}));
}

TEST(Midi1ToUmp, SystemMessagesAreMessageType1) {
  EXPECT_EQ(to_ump({0xF2, 0x10, 0x20}), (std::vector<uint32_t>{0x10F21020}));  // song position
  EXPECT_EQ(to_ump({0xF1, 0x35}), (std::vector<uint32_t>{0x10F13500}));        // MTC quarter frame
  EXPECT_EQ(to_ump({0xF3, 0x02}), (std::vector<uint32_t>{0x10F30200}));        // song select
  EXPECT_EQ(to_ump({0xF6}), (std::vector<uint32_t>{0x10F60000}));              // tune request
  EXPECT_EQ(to_ump({0xF8, 0xFA, 0xFB, 0xFC, 0xFE, 0xFF}),
            (std::vector<uint32_t>{0x10F80000, 0x10FA0000, 0x10FB0000, 0x10FC0000, 0x10FE0000, 0x10FF0000}));
}

TEST(Midi1ToUmp, RealTimeBytesInterleaveAnywhere) {
  // Between status and data, and between two data bytes: the clock goes out
  // first, the note is unharmed, running status survives.
  EXPECT_EQ(to_ump({0x90, 0xF8, 0x3C, 0xFE, 0x64, 0x3E, 0xF8, 0x70}),
            (std::vector<uint32_t>{0x10F80000, 0x10FE0000, 0x20903C64, 0x10F80000, 0x20903E70}));
  // Inside a SysEx.
  EXPECT_EQ(to_ump({0xF0, 0x7E, 0xF8, 0x7F, 0xF7}), (std::vector<uint32_t>{0x10F80000, 0x30027E7F, 0x00000000}));
}

TEST(Midi1ToUmp, SystemCommonCancelsRunningStatus) {
  Midi1ToUmp p;
  EXPECT_EQ(to_ump({0x90, 0x3C, 0x64, 0xF6, 0x3E, 0x70}, p), (std::vector<uint32_t>{0x20903C64, 0x10F60000}));
  EXPECT_EQ(p.ignored(), 2u);  // the two data bytes with no status
}

TEST(Midi1ToUmp, UndefinedStatusesAndStrayBytesAreCountedAndDropped) {
  Midi1ToUmp p;
  EXPECT_TRUE(to_ump({0x40, 0xF4, 0xF5, 0xF9, 0xFD, 0xF7}, p).empty());
  EXPECT_EQ(p.ignored(), 6u);
}

TEST(Midi1ToUmp, SysExSplitsIntoPacketsOfSixBytes) {
  // 6 bytes: one complete packet.
  EXPECT_EQ(to_ump({0xF0, 1, 2, 3, 4, 5, 6, 0xF7}), (std::vector<uint32_t>{0x30060102, 0x03040506}));
  // 0 bytes: an empty complete packet.
  EXPECT_EQ(to_ump({0xF0, 0xF7}), (std::vector<uint32_t>{0x30000000, 0x00000000}));
  // 13 bytes: start(6), continue(6), end(1).
  EXPECT_EQ(to_ump({0xF0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0xF7}),
            (std::vector<uint32_t>{0x30160102, 0x03040506, 0x30260708, 0x090A0B0C, 0x30310D00, 0x00000000}));
  // 12 bytes: start(6), end(6).
  EXPECT_EQ(to_ump({0xF0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0xF7}),
            (std::vector<uint32_t>{0x30160102, 0x03040506, 0x30360708, 0x090A0B0C}));
  // On group 9.
  EXPECT_EQ(to_ump({0xF0, 0x41, 0xF7}, 9), (std::vector<uint32_t>{0x39014100, 0x00000000}));
}

TEST(Midi1ToUmp, AStatusByteEndsAnUnfinishedSysEx) {
  EXPECT_EQ(to_ump({0xF0, 1, 2, 0x90, 0x3C, 0x64}), (std::vector<uint32_t>{0x30020102, 0x00000000, 0x20903C64}));
}

TEST(UmpToMidi1, PacketsBecomeWholeMessages) {
  EXPECT_EQ(to_bytes({0x20903C64}), (std::vector<uint8_t>{0x90, 0x3C, 0x64}));
  EXPECT_EQ(to_bytes({0x20C50700}), (std::vector<uint8_t>{0xC5, 0x07}));
  EXPECT_EQ(to_bytes({0x10F21020, 0x10F80000}), (std::vector<uint8_t>{0xF2, 0x10, 0x20, 0xF8}));
  EXPECT_EQ(to_bytes({0x30160102, 0x03040506, 0x30260708, 0x090A0B0C, 0x30310D00, 0x00000000}),
            (std::vector<uint8_t>{0xF0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0xF7}));
}

TEST(UmpToMidi1, RejectsWhatHasNoMidi1Form) {
  UmpToMidi1 c;
  // A MIDI 2.0 note on (MT 4), a continuation with no start, a bad count.
  EXPECT_TRUE(to_bytes({0x40903C00, 0xFFFF0000, 0x30210100, 0, 0x30070102, 0x03040506}, c).empty());
  EXPECT_EQ(c.skipped(), 3u);
}

TEST(UmpToMidi1, OversizedSysExIsDroppedWhole) {
  UmpToMidi1 c(8);  // F0 + 6 + F7 fits, 7 bytes do not
  EXPECT_EQ(to_bytes({0x30060102, 0x03040506}, c).size(), 8u);
  EXPECT_TRUE(to_bytes({0x30160102, 0x03040506, 0x30310700, 0}, c).empty());
  EXPECT_EQ(c.oversized(), 1u);
}

// A valid stream: complete messages with status bytes, SysEx of any length
// (0..40 bytes), no running status and no undefined bytes.
std::vector<uint8_t> random_stream(std::mt19937& rng, int messages) {
  std::vector<uint8_t> s;
  auto data = [&] { return static_cast<uint8_t>(rng() % 128); };
  const uint8_t kSystem[] = {0xF1, 0xF2, 0xF3, 0xF6, 0xF8, 0xFA, 0xFB, 0xFC, 0xFE, 0xFF};
  for (int m = 0; m < messages; ++m) {
    const auto kind = static_cast<uint32_t>(rng() % 10);
    if (kind < 7) {
      const auto status = static_cast<uint8_t>(0x80 + (rng() % 7) * 0x10 + rng() % 16);
      s.push_back(status);
      for (int i = 0; i < ump::midi1_data_bytes(status); ++i) s.push_back(data());
    } else if (kind < 9) {
      const uint8_t status = kSystem[rng() % std::size(kSystem)];
      s.push_back(status);
      for (int i = 0; i < ump::midi1_data_bytes(status); ++i) s.push_back(data());
    } else {
      s.push_back(0xF0);
      const auto n = static_cast<uint32_t>(rng() % 41);
      for (uint32_t i = 0; i < n; ++i) s.push_back(data());
      s.push_back(0xF7);
    }
  }
  return s;
}

TEST(Midi1RoundTrip, ValidStreamsComeBackIdentical) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 500; ++round) {
    const auto stream = random_stream(rng, 1 + static_cast<int>(rng() % 30));
    Midi1ToUmp p;
    const auto words = to_ump(stream, p);
    EXPECT_EQ(p.ignored(), 0u);
    ASSERT_EQ(to_bytes(words), stream) << "round " << round;
  }
}

TEST(Midi1RoundTrip, RunningStatusComesBackExpanded) {
  EXPECT_EQ(to_bytes(to_ump({0xB0, 0x07, 0x10, 0x0A, 0x40, 0xF8, 0x01, 0x02})),
            (std::vector<uint8_t>{0xB0, 0x07, 0x10, 0xB0, 0x0A, 0x40, 0xF8, 0xB0, 0x01, 0x02}));
}

}  // namespace
}  // namespace ac
