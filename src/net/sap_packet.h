#pragma once
// SAP (RFC 2974) packets: the announcement or deletion of one session, its
// SDP as the payload. Pure code: encode() writes the IPv4 form AES67
// devices send (no authentication, no encryption, no compression, payload
// type "application/sdp"); decode() reads IPv4 and IPv6 origins, skips
// authentication data, accepts a payload with or without its type, and
// says why a packet cannot be used (encrypted and compressed ones cannot).
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.h"

namespace ac::sap {

inline constexpr uint16_t kPort = 9875;
inline constexpr const char* kGroup = "239.255.255.255";  // SAP's group for administratively scoped sessions
inline constexpr const char* kSdpType = "application/sdp";

struct Packet {
  bool deletion = false;
  uint16_t message_id_hash = 0;
  std::array<uint8_t, 4> origin{};  // IPv4 source (decode: the last 4 bytes of an IPv6 one are not used)
  bool origin_ipv6 = false;
  std::string sdp;
};

enum class Rejection : uint8_t {
  too_short,
  bad_version,
  encrypted,
  compressed,
  bad_auth_length,
  wrong_payload_type,
  count_,
};
inline constexpr size_t kRejectionKinds = static_cast<size_t>(Rejection::count_);
const char* to_string(Rejection r);

// [any] The packet's bytes.
std::vector<uint8_t> encode(const Packet& p);

// [any] The packet in `datagram`, or why not (also in `why`).
Expected<Packet> decode(std::span<const uint8_t> datagram, Rejection* why = nullptr);

// A session's message id hash: stable for its SDP's origin line, so that a
// changed SDP keeps its identity only when the origin's version says so.
uint16_t message_id_hash(std::string_view sdp);

}  // namespace ac::sap
