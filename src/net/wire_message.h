#pragma once
// The node fabric's intent messages (docs/spec/wire.md, draft v0): what
// each holds, and their CBOR form. Pure code on bytes: the endpoint frames
// them onto its QUIC stream; `audiocloud conformance` checks them against
// conformance/wire.
//
// Decoding follows the spec's rules: unknown keys are ignored, a known key
// of the wrong type or a required key missing is `malformed` (naming the
// message and the key), an unknown message type is `unknown_message`
// (answered, not fatal).
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "net/cbor.h"

namespace ac::wire {

inline constexpr uint64_t kVersionMajor = 0;
inline constexpr const char* kAlpn = "audiocloud/0";
inline constexpr size_t kMaxMessageBytes = 65536;

enum class ErrorCode : uint32_t {
  none = 0,
  malformed = 1,
  unsupported_version = 2,
  unknown_message = 3,
  unknown_link = 4,
  format_refused = 5,
  budget_refused = 6,
  not_authorised = 7,
  message_too_large = 8,
  datagrams_unsupported = 9,
  congestion = 10,
  internal = 11,
  unknown_stream = 12,
};
// "malformed", ...; "internal" for codes this draft does not know.
const char* error_name(uint32_t code);

enum class ClockState : uint8_t { free_running = 0, locking = 1, locked = 2, holdover = 3 };

struct ClockInfo {
  ClockState state = ClockState::free_running;
  std::optional<std::array<uint8_t, 8>> grandmaster;
  std::optional<uint32_t> domain;
  std::optional<uint64_t> confidence_ns;
  bool operator==(const ClockInfo&) const = default;
};

struct IoPort {
  std::string name;
  bool output = false;
  uint32_t channels = 0;
  bool operator==(const IoPort&) const = default;
};

struct Hello {
  uint64_t version = kVersionMajor;
  std::string name, software;
  std::vector<uint32_t> sample_rates;
  ClockInfo clock;
  std::vector<IoPort> io;
  uint32_t cores = 0;
  uint32_t load_permille = 0;
  bool operator==(const Hello&) const = default;
};

struct LinkFormat {
  std::string encoding = "L24";  // L16, L24 or F32
  uint32_t sample_rate = 48000;
  uint32_t channels = 2;
  uint32_t frames_per_packet = 48;
  bool operator==(const LinkFormat&) const = default;
};

struct LinkOffer {
  uint64_t link = 0;
  std::string bus;
  LinkFormat format;
  uint64_t latency_us = 0;
  uint32_t redundancy = 1;
  uint64_t flow = 0;
  bool operator==(const LinkOffer&) const = default;
};

struct LinkAnswer {
  uint64_t link = 0;
  bool accepted = false;
  std::optional<uint64_t> latency_us;
  std::optional<uint32_t> code;
  std::optional<std::string> reason;
  bool operator==(const LinkAnswer&) const = default;
};

struct ClockStatus {
  ClockInfo clock;
  bool operator==(const ClockStatus&) const = default;
};

struct Keepalive {
  uint64_t media_time_ns = 0;
  bool operator==(const Keepalive&) const = default;
};

struct Close {
  uint32_t code = 0;
  std::optional<std::string> reason;
  bool operator==(const Close&) const = default;
};

struct ErrorMessage {
  uint32_t code = 0;
  std::string text;
  std::optional<uint64_t> in_reply_to;
  bool operator==(const ErrorMessage&) const = default;
};

// In type order: index + 1 is the message type.
using Message = std::variant<Hello, LinkOffer, LinkAnswer, ClockStatus, Keepalive, Close, ErrorMessage>;
uint64_t type_of(const Message& m);
const char* type_name(uint64_t type);  // "hello", ... ("" if unknown)

struct Decoded {
  Message message;
  ErrorCode code = ErrorCode::none;  // none: `message` holds it
  std::string error;                 // otherwise what was wrong
  uint64_t type = 0;                 // the message type, when it was read
  bool ok() const { return code == ErrorCode::none; }
};

// [any] One message from its CBOR item (without the length prefix).
Decoded decode(std::span<const uint8_t> item);
// [any] Its deterministic CBOR item.
std::vector<uint8_t> encode(const Message& m);
// [any] As sent on the intent stream: QUIC varint length, then the item.
std::vector<uint8_t> frame(const Message& m);

}  // namespace ac::wire
