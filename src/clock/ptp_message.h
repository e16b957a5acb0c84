#pragma once
// PTPv2 messages (IEEE 1588-2008, clause 13; read unchanged by 2019 peers)
// as values, and their exact wire form: the common header, Announce, Sync,
// Follow_Up, Delay_Req and Delay_Resp. Pure code, no sockets: encode()
// writes network byte order, decode() checks lengths, version and message
// type and says what is wrong.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clock_time.h"
#include "core/expected.h"

namespace ac::ptp {

enum class MessageType : uint8_t {
  sync = 0x0,
  delay_req = 0x1,
  pdelay_req = 0x2,
  pdelay_resp = 0x3,
  follow_up = 0x8,
  delay_resp = 0x9,
  pdelay_resp_follow_up = 0xA,
  announce = 0xB,
  signaling = 0xC,
  management = 0xD,
};

using ClockIdentity = std::array<uint8_t, 8>;

struct PortIdentity {
  ClockIdentity clock{};
  uint16_t port = 0;
  auto operator<=>(const PortIdentity&) const = default;
};

// A PTP timestamp: 48-bit seconds and nanoseconds (< 10^9).
struct Timestamp {
  uint64_t seconds = 0;
  uint32_t nanoseconds = 0;
  PtpNanos to_ptp() const { return PtpNanos{static_cast<int64_t>(seconds) * 1000000000 + nanoseconds}; }
  static Timestamp from_ptp(PtpNanos t);
  auto operator<=>(const Timestamp&) const = default;
};

// flagField bits (13.3.2.6), as the 16-bit big-endian value.
namespace flags {
inline constexpr uint16_t alternate_master = 0x0100;
inline constexpr uint16_t two_step = 0x0200;
inline constexpr uint16_t unicast = 0x0400;
inline constexpr uint16_t leap61 = 0x0001;
inline constexpr uint16_t leap59 = 0x0002;
inline constexpr uint16_t utc_offset_valid = 0x0004;
inline constexpr uint16_t ptp_timescale = 0x0008;
inline constexpr uint16_t time_traceable = 0x0010;
inline constexpr uint16_t frequency_traceable = 0x0020;
}  // namespace flags

struct Header {
  uint8_t transport_specific = 0;  // 0 for the default and AES67 profiles on UDP
  MessageType type = MessageType::sync;
  uint8_t version = 2;
  uint16_t length = 0;  // filled in by encode()
  uint8_t domain = 0;
  uint8_t minor_sdo_id = 0;  // 2019's name for a byte 2008 reserves
  uint16_t flags = 0;
  int64_t correction = 0;  // nanoseconds * 2^16
  PortIdentity source;
  uint16_t sequence = 0;
  uint8_t control = 0;  // filled in by encode() from the type
  int8_t log_interval = 0;
};

struct ClockQuality {
  uint8_t clock_class = 248;   // default: slave-only-capable ordinary clock
  uint8_t accuracy = 0xFE;     // unknown
  uint16_t variance = 0xFFFF;  // offsetScaledLogVariance
  auto operator<=>(const ClockQuality&) const = default;
};

struct Announce {
  Timestamp origin;
  int16_t utc_offset = 37;  // TAI - UTC, seconds
  uint8_t priority1 = 128;
  ClockQuality quality;
  uint8_t priority2 = 128;
  ClockIdentity grandmaster{};
  uint16_t steps_removed = 0;
  uint8_t time_source = 0xA0;  // internal oscillator
};

struct Message {
  Header header;
  Timestamp timestamp;           // origin (Sync, Delay_Req), precise origin (Follow_Up), receive (Delay_Resp)
  PortIdentity requesting_port;  // Delay_Resp
  Announce announce;             // Announce
};

// Wire length of each supported message type (13.5 – 13.10), 0 otherwise.
uint16_t wire_length(MessageType type);

// Why a received packet was dropped, one counter each (as ptp4l drops
// them: a "bad message" never reaches the port's state machine).
enum class Rejection : uint8_t {
  short_packet,   // shorter than a header
  version,        // versionPTP is not 2
  message_type,   // a type this clock does not handle
  length,         // messageLength shorter than the type's body, or longer than the datagram
  tlv,            // a TLV after the body that does not fit messageLength, or of odd length
  timestamp,      // a timestamp's nanoseconds field of 10^9 or more
  domain,         // another domain (counted by the port)
  steps_removed,  // an Announce 255 or more steps from its grandmaster (IEEE 1588 9.3.2.5)
  count_,
};
inline constexpr size_t kRejectionKinds = static_cast<size_t>(Rejection::count_);
const char* to_string(Rejection r);

// [any] The message's bytes, header fields `length` and `control` set from
// the type.
std::vector<uint8_t> encode(const Message& m);
// [any] Reads a message, as strictly as linuxptp does: the datagram must
// hold messageLength bytes, messageLength must cover the type's body, and
// the TLVs after the body must each fit, with an even length. Errors say
// why a packet is not one we accept; `why` (if given) receives the kind,
// for the caller to count.
Expected<Message> decode(std::span<const uint8_t> bytes, Rejection* why = nullptr);

std::string to_string(const ClockIdentity& id);  // "001122.fffe.334455"

}  // namespace ac::ptp
