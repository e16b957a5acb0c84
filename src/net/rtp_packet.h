#pragma once
// RTP packets (RFC 3550, section 5.1) as values, and their exact wire form.
// Pure code on byte spans, no sockets: encode() writes network byte order;
// decode() checks every length against the datagram (CSRC list, header
// extension, padding) and says which rule a bad packet broke, so a
// receiver can count each kind and drop the packet.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/expected.h"

namespace ac::rtp {

inline constexpr size_t kFixedHeaderBytes = 12;
inline constexpr uint8_t kVersion = 2;

struct Header {
  bool marker = false;
  uint8_t payload_type = 96;  // 7 bits; AES67 uses the dynamic range 96..127
  uint16_t sequence = 0;
  uint32_t timestamp = 0;  // media clock samples, modulo 2^32
  uint32_t ssrc = 0;
};

// What a decoded datagram holds: its header and its payload, a view into
// the datagram (CSRCs, extension and padding skipped).
struct PacketView {
  Header header;
  uint8_t csrc_count = 0;
  bool had_extension = false;
  std::span<const uint8_t> payload;
};

// Why a datagram is not an RTP packet we can use, one counter each.
enum class Rejection : uint8_t {
  too_short,      // fewer than 12 bytes
  bad_version,    // version field not 2
  bad_csrc,       // the CSRC list runs past the datagram
  bad_extension,  // the header extension runs past the datagram
  bad_padding,    // padding count 0 or larger than what follows the header
  count_,
};
inline constexpr size_t kRejectionKinds = static_cast<size_t>(Rejection::count_);
const char* to_string(Rejection r);

// [any] The header's 12 bytes (no CSRCs, no extension) into `out`.
void encode_header(const Header& h, std::span<uint8_t, kFixedHeaderBytes> out);

// [any] The packet in `datagram`, or why not (also in `why`, to count it).
Expected<PacketView> decode(std::span<const uint8_t> datagram, Rejection* why = nullptr);

// Serial-number arithmetic on 16-bit sequence numbers (RFC 1982): how far
// `b` is ahead of `a` (negative: behind), for wrap-safe ordering.
inline int32_t sequence_delta(uint16_t a, uint16_t b) {
  return static_cast<int16_t>(static_cast<uint16_t>(b - a));
}

}  // namespace ac::rtp
