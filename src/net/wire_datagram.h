#pragma once
// The node fabric's audio datagrams (docs/spec/wire.md §3): a QUIC
// variable-length flow id, then one RTP packet (RFC 3550), as in the IETF
// RTP-over-QUIC draft. Pure code on bytes.
#include <cstdint>
#include <span>
#include <vector>

#include "core/expected.h"
#include "net/rtp_packet.h"

namespace ac::wire {

struct DatagramView {
  uint64_t flow = 0;
  rtp::PacketView packet;  // views into the datagram
};

// [any] Reads a datagram; a missing flow id or an RTP packet that does not
// decode is an error naming which.
Expected<DatagramView> decode_datagram(std::span<const uint8_t> datagram);
// [any] Appends flow id, RTP header and payload to `out` (cleared first).
void encode_datagram(uint64_t flow, const rtp::Header& header, std::span<const uint8_t> payload,
                     std::vector<uint8_t>& out);

}  // namespace ac::wire
