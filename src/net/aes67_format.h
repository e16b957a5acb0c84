#pragma once
// An AES67 stream's audio format: encoding (L16, L24: RFC 3190, big-endian,
// interleaved), rate, channels and packet time, checked as AES67 and
// ST 2110-30 allow them, with the MTU check AES67 implies (a packet fits one
// Ethernet frame: no IP fragmentation). A format that does not fit is
// refused with the limit it broke.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/expected.h"

namespace ac::rtp {

enum class Encoding : uint8_t { l16, l24 };

// The packet times AES67 (1 ms, 4 ms, 333 µs, 250 µs, 125 µs) and
// ST 2110-30 (1 ms, 125 µs) name, as fractions of a second.
enum class PacketTime : uint8_t { us125, us250, us333, ms1, ms4 };

inline constexpr size_t kDefaultMtu = 1500;
// IPv4 and UDP headers, and RTP's fixed header: what one frame's MTU must
// leave room for besides the samples.
inline constexpr size_t kPacketOverheadBytes = 20 + 8 + 12;

struct StreamFormat {
  Encoding encoding = Encoding::l24;
  uint32_t sample_rate = 48000;
  uint32_t channels = 2;
  PacketTime packet_time = PacketTime::ms1;

  uint32_t bytes_per_sample() const { return encoding == Encoding::l24 ? 3 : 2; }
  // Frames in one packet (the rate divided by packets per second).
  uint32_t frames_per_packet() const;
  size_t payload_bytes() const { return size_t{frames_per_packet()} * channels * bytes_per_sample(); }
};

const char* to_string(Encoding e);    // "L24"
const char* to_string(PacketTime t);  // "1ms", "125us" ...
// The ptime attribute's value in ms as SDP writes it ("1", "0.125", "0.333").
const char* ptime_text(PacketTime t);
// From "L24"/"l24", and from "1ms", "125us", "0.125" (ms, as in SDP), "4".
Expected<Encoding> encoding_from_name(const std::string& name);
Expected<PacketTime> packet_time_from_text(const std::string& text);
// The packet time whose length in ms is `ms` (SDP's ptime; 0.33 and 0.333 are
// a third of a millisecond), or an error.
Expected<PacketTime> packet_time_from_ms(double ms);

// [any] Whether AES67 can carry `f` in packets of at most `mtu` bytes, and
// if not, why, naming the limit.
Expected<void> check_format(const StreamFormat& f, size_t mtu = kDefaultMtu);

}  // namespace ac::rtp
