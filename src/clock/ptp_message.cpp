#include "clock/ptp_message.h"

#include <cstdio>

namespace ac::ptp {
namespace {

constexpr size_t kHeader = 34;

class Writer {
 public:
  explicit Writer(std::vector<uint8_t>& out) : out_(out) {}
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) {
    u8(static_cast<uint8_t>(v >> 8));
    u8(static_cast<uint8_t>(v));
  }
  void u32(uint32_t v) {
    u16(static_cast<uint16_t>(v >> 16));
    u16(static_cast<uint16_t>(v));
  }
  void u48(uint64_t v) {
    u16(static_cast<uint16_t>(v >> 32));
    u32(static_cast<uint32_t>(v));
  }
  void u64(uint64_t v) {
    u32(static_cast<uint32_t>(v >> 32));
    u32(static_cast<uint32_t>(v));
  }
  void bytes(const uint8_t* p, size_t n) { out_.insert(out_.end(), p, p + n); }
  void timestamp(const Timestamp& t) {
    u48(t.seconds);
    u32(t.nanoseconds);
  }
  void port(const PortIdentity& p) {
    bytes(p.clock.data(), 8);
    u16(p.port);
  }

 private:
  std::vector<uint8_t>& out_;
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> in) : in_(in) {}
  uint8_t u8() { return in_[pos_++]; }
  uint16_t u16() {
    const uint16_t hi = u8();
    return static_cast<uint16_t>(hi << 8 | u8());
  }
  uint32_t u32() {
    const uint32_t hi = u16();
    return hi << 16 | u16();
  }
  uint64_t u48() {
    const uint64_t hi = u16();
    return hi << 32 | u32();
  }
  uint64_t u64() {
    const uint64_t hi = u32();
    return hi << 32 | u32();
  }
  Timestamp timestamp() {
    Timestamp t;
    t.seconds = u48();
    t.nanoseconds = u32();
    return t;
  }
  PortIdentity port() {
    PortIdentity p;
    for (auto& b : p.clock) b = u8();
    p.port = u16();
    return p;
  }

 private:
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
};

uint8_t control_of(MessageType t) {
  switch (t) {
    case MessageType::sync:
      return 0;
    case MessageType::delay_req:
      return 1;
    case MessageType::follow_up:
      return 2;
    case MessageType::delay_resp:
      return 3;
    case MessageType::management:
      return 4;
    default:
      return 5;
  }
}

Unexpected fail(std::string why) {
  return unexpected(make_error(ErrorDomain::clock, "PTP: " + std::move(why)));
}

}  // namespace

Timestamp Timestamp::from_ptp(PtpNanos ptp) {
  const int64_t ns = ptp.ns;
  Timestamp t;
  t.seconds = static_cast<uint64_t>(ns / 1000000000);
  t.nanoseconds = static_cast<uint32_t>(ns % 1000000000);
  return t;
}

uint16_t wire_length(MessageType type) {
  switch (type) {
    case MessageType::sync:
    case MessageType::delay_req:
    case MessageType::follow_up:
      return 44;
    case MessageType::delay_resp:
      return 54;
    case MessageType::announce:
      return 64;
    default:
      return 0;
  }
}

std::vector<uint8_t> encode(const Message& m) {
  std::vector<uint8_t> out;
  out.reserve(64);
  Writer w(out);
  const Header& h = m.header;
  w.u8(static_cast<uint8_t>((h.transport_specific & 0xF) << 4 | (static_cast<uint8_t>(h.type) & 0xF)));
  w.u8(h.version & 0xF);
  w.u16(wire_length(h.type));
  w.u8(h.domain);
  w.u8(h.minor_sdo_id);
  w.u16(h.flags);
  w.u64(static_cast<uint64_t>(h.correction));
  w.u32(0);  // messageTypeSpecific
  w.port(h.source);
  w.u16(h.sequence);
  w.u8(control_of(h.type));
  w.u8(static_cast<uint8_t>(h.log_interval));
  switch (h.type) {
    case MessageType::sync:
    case MessageType::delay_req:
    case MessageType::follow_up:
      w.timestamp(m.timestamp);
      break;
    case MessageType::delay_resp:
      w.timestamp(m.timestamp);
      w.port(m.requesting_port);
      break;
    case MessageType::announce: {
      const Announce& a = m.announce;
      w.timestamp(a.origin);
      w.u16(static_cast<uint16_t>(a.utc_offset));
      w.u8(0);
      w.u8(a.priority1);
      w.u8(a.quality.clock_class);
      w.u8(a.quality.accuracy);
      w.u16(a.quality.variance);
      w.u8(a.priority2);
      w.bytes(a.grandmaster.data(), 8);
      w.u16(a.steps_removed);
      w.u8(a.time_source);
      break;
    }
    default:
      break;
  }
  return out;
}

const char* to_string(Rejection r) {
  switch (r) {
    case Rejection::short_packet:
      return "short";
    case Rejection::version:
      return "version";
    case Rejection::message_type:
      return "message_type";
    case Rejection::length:
      return "length";
    case Rejection::tlv:
      return "tlv";
    case Rejection::timestamp:
      return "timestamp";
    case Rejection::domain:
      return "domain";
    case Rejection::steps_removed:
      return "steps_removed";
    case Rejection::count_:
      break;
  }
  return "?";
}

namespace {

// The TLVs in [body, length): each a type, a length, and that many bytes.
Expected<void> check_tlvs(std::span<const uint8_t> bytes, size_t body, size_t length) {
  size_t pos = body;
  while (pos < length) {
    if (length - pos < 4) return fail("a TLV header cut short at byte " + std::to_string(pos));
    const size_t tlv_length = size_t{bytes[pos + 2]} << 8 | bytes[pos + 3];
    if (tlv_length % 2) return fail("a TLV of odd length " + std::to_string(tlv_length));
    if (tlv_length > length - pos - 4)
      return fail("a TLV of " + std::to_string(tlv_length) + " bytes where " + std::to_string(length - pos - 4) +
                  " remain in the message");
    pos += 4 + tlv_length;
  }
  return {};
}

void read_body(Reader& r, Message& m) {
  switch (m.header.type) {
    case MessageType::sync:
    case MessageType::delay_req:
    case MessageType::follow_up:
      m.timestamp = r.timestamp();
      break;
    case MessageType::delay_resp:
      m.timestamp = r.timestamp();
      m.requesting_port = r.port();
      break;
    case MessageType::announce: {
      Announce& a = m.announce;
      a.origin = r.timestamp();
      a.utc_offset = static_cast<int16_t>(r.u16());
      r.u8();
      a.priority1 = r.u8();
      a.quality.clock_class = r.u8();
      a.quality.accuracy = r.u8();
      a.quality.variance = r.u16();
      a.priority2 = r.u8();
      for (auto& b : a.grandmaster) b = r.u8();
      a.steps_removed = r.u16();
      a.time_source = r.u8();
      break;
    }
    default:
      break;
  }
}

Header read_header(Reader& r) {
  Header h;
  const uint8_t b0 = r.u8();
  h.transport_specific = b0 >> 4;
  h.type = static_cast<MessageType>(b0 & 0xF);
  h.version = r.u8() & 0xF;
  h.length = r.u16();
  h.domain = r.u8();
  h.minor_sdo_id = r.u8();
  h.flags = r.u16();
  h.correction = static_cast<int64_t>(r.u64());
  r.u32();
  h.source = r.port();
  h.sequence = r.u16();
  h.control = r.u8();
  h.log_interval = static_cast<int8_t>(r.u8());
  return h;
}

}  // namespace

Expected<Message> decode(std::span<const uint8_t> bytes, Rejection* why) {
  auto reject = [&](Rejection kind, std::string text) -> Unexpected {
    if (why) *why = kind;
    return fail(std::move(text));
  };
  if (bytes.size() < kHeader)
    return reject(Rejection::short_packet,
                  "packet of " + std::to_string(bytes.size()) + " bytes is shorter than a header");
  Reader r(bytes);
  Message m;
  m.header = read_header(r);
  const Header& h = m.header;
  if (h.version != 2) return reject(Rejection::version, "version " + std::to_string(h.version) + ", not 2");
  const uint16_t need = wire_length(h.type);
  if (need == 0)
    return reject(Rejection::message_type,
                  "message type " + std::to_string(static_cast<int>(h.type)) + " is not handled");
  if (h.length < need || h.length > bytes.size()) {
    return reject(Rejection::length, "message type " + std::to_string(static_cast<int>(h.type)) + " needs " +
                                         std::to_string(need) + " bytes; the packet has " +
                                         std::to_string(bytes.size()) + ", its length field says " +
                                         std::to_string(h.length));
  }
  if (auto ok = check_tlvs(bytes, need, h.length); !ok) {
    if (why) *why = Rejection::tlv;
    return unexpected(ok.error());
  }
  read_body(r, m);
  if (m.timestamp.nanoseconds >= 1000000000 || m.announce.origin.nanoseconds >= 1000000000)
    return reject(Rejection::timestamp, "a timestamp's nanoseconds field is 10^9 or more");
  return m;
}

std::string to_string(const ClockIdentity& id) {
  char s[24];
  std::snprintf(s, sizeof s, "%02x%02x%02x.%02x%02x.%02x%02x%02x", id[0], id[1], id[2], id[3], id[4], id[5], id[6],
                id[7]);
  return s;
}

}  // namespace ac::ptp
