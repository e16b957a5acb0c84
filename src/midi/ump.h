#pragma once
// MIDI 2.0 Universal MIDI Packets (M2-104-UM, UMP format v1.1): the packet
// size of every message type, and the fields of the packets audiocloud
// builds from MIDI 1.0 byte streams (system, MIDI 1.0 channel voice, SysEx7
// data). A packet is one to four 32-bit words; word 0 carries the message
// type in its top nibble and (for most types) the group in the next.
#include <cstdint>

namespace ac::ump {

enum class MessageType : uint8_t {
  utility = 0x0,
  system = 0x1,
  midi1_channel_voice = 0x2,
  data64 = 0x3,  // SysEx7
  midi2_channel_voice = 0x4,
  data128 = 0x5,  // SysEx8, mixed data set
  flex_data = 0xD,
  stream = 0xF,
};

inline constexpr uint8_t message_type(uint32_t word0) {
  return static_cast<uint8_t>(word0 >> 28);
}
inline constexpr uint8_t group(uint32_t word0) {
  return static_cast<uint8_t>((word0 >> 24) & 0xF);
}

// Words in a packet of message type `mt` (0..15), reserved types included,
// as the specification's table of sizes gives them.
inline constexpr uint32_t word_count(uint8_t mt) {
  constexpr uint8_t kSizes[16] = {1, 1, 1, 2, 2, 4, 1, 1, 2, 2, 2, 3, 3, 4, 4, 4};
  return kSizes[mt & 0xF];
}

// MT 0x1: system common and real-time; `status` 0xF1..0xFF.
inline constexpr uint32_t system(uint8_t grp, uint8_t status, uint8_t d1 = 0, uint8_t d2 = 0) {
  return 0x10000000u | (uint32_t{grp} & 0xF) << 24 | uint32_t{status} << 16 | uint32_t{d1 & 0x7Fu} << 8 | (d2 & 0x7Fu);
}

// MT 0x2: a MIDI 1.0 channel voice message; `status` 0x80..0xEF.
inline constexpr uint32_t midi1(uint8_t grp, uint8_t status, uint8_t d1, uint8_t d2 = 0) {
  return 0x20000000u | (uint32_t{grp} & 0xF) << 24 | uint32_t{status} << 16 | uint32_t{d1 & 0x7Fu} << 8 | (d2 & 0x7Fu);
}

// The status byte and the two data bytes of an MT 0x1 or 0x2 word.
inline constexpr uint8_t status_byte(uint32_t word0) {
  return static_cast<uint8_t>(word0 >> 16);
}
inline constexpr uint8_t data1(uint32_t word0) {
  return static_cast<uint8_t>((word0 >> 8) & 0x7F);
}
inline constexpr uint8_t data2(uint32_t word0) {
  return static_cast<uint8_t>(word0 & 0x7F);
}

// MT 0x3 (SysEx7): a message split into packets of up to six bytes.
enum class SysexStatus : uint8_t { complete = 0, start = 1, continue_ = 2, end = 3 };

struct Sysex7 {
  SysexStatus status = SysexStatus::complete;
  uint8_t count = 0;  // 0..6
  uint8_t bytes[6] = {};
};

// Builds the two words of a SysEx7 packet.
void make_sysex7(uint8_t grp, const Sysex7& packet, uint32_t (&words)[2]);
// Reads one; false if its byte count is above six.
bool read_sysex7(const uint32_t* words, Sysex7& out);

// Data bytes after the status of a MIDI 1.0 message with status `status`
// (channel voice or system), or -1 for statuses that are not messages on
// their own (0xF0 SysEx start, 0xF7 end, undefined 0xF4 0xF5 0xF9 0xFD).
int midi1_data_bytes(uint8_t status);

}  // namespace ac::ump
