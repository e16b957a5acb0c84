#include "net/wire_message.h"

#include <limits>

#include "net/quic_varint.h"

namespace ac::wire {
namespace {

using cbor::Value;

constexpr const char* kTypeNames[] = {"hello",     "link-offer", "link-answer", "clock-status",
                                      "keepalive", "close",      "error"};

// ---- encoding ----------------------------------------------------------

using Entries = std::vector<std::pair<Value, Value>>;

void add(Entries& e, uint64_t key, Value v) {
  e.emplace_back(Value::uint(key), std::move(v));
}

Value clock_value(const ClockInfo& c) {
  Entries e;
  add(e, 0, Value::uint(static_cast<uint64_t>(c.state)));
  if (c.grandmaster) add(e, 1, Value::bytes(std::string(c.grandmaster->begin(), c.grandmaster->end())));
  if (c.domain) add(e, 2, Value::uint(*c.domain));
  if (c.confidence_ns) add(e, 3, Value::uint(*c.confidence_ns));
  return Value::map(std::move(e));
}

struct Encoder {
  Entries e;
  void operator()(const Hello& h) {
    add(e, 1, Value::uint(h.version));
    add(e, 2, Value::text(h.name));
    add(e, 3, Value::text(h.software));
    std::vector<Value> rates;
    for (const uint32_t r : h.sample_rates) rates.push_back(Value::uint(r));
    add(e, 4, Value::array(std::move(rates)));
    add(e, 5, clock_value(h.clock));
    std::vector<Value> io;
    for (const IoPort& p : h.io) {
      Entries port;
      add(port, 0, Value::text(p.name));
      add(port, 1, Value::uint(p.output ? 1 : 0));
      add(port, 2, Value::uint(p.channels));
      io.push_back(Value::map(std::move(port)));
    }
    add(e, 6, Value::array(std::move(io)));
    Entries budget;
    add(budget, 0, Value::uint(h.cores));
    add(budget, 1, Value::uint(h.load_permille));
    add(e, 7, Value::map(std::move(budget)));
  }
  void operator()(const LinkOffer& o) {
    add(e, 1, Value::uint(o.link));
    add(e, 2, Value::text(o.bus));
    Entries f;
    add(f, 0, Value::text(o.format.encoding));
    add(f, 1, Value::uint(o.format.sample_rate));
    add(f, 2, Value::uint(o.format.channels));
    add(f, 3, Value::uint(o.format.frames_per_packet));
    add(e, 3, Value::map(std::move(f)));
    add(e, 4, Value::uint(o.latency_us));
    add(e, 5, Value::uint(o.redundancy));
    add(e, 6, Value::uint(o.flow));
  }
  void operator()(const LinkAnswer& a) {
    add(e, 1, Value::uint(a.link));
    add(e, 2, Value::boolean(a.accepted));
    if (a.latency_us) add(e, 3, Value::uint(*a.latency_us));
    if (a.code) add(e, 4, Value::uint(*a.code));
    if (a.reason) add(e, 5, Value::text(*a.reason));
  }
  void operator()(const ClockStatus& c) { add(e, 1, clock_value(c.clock)); }
  void operator()(const Keepalive& k) { add(e, 1, Value::uint(k.media_time_ns)); }
  void operator()(const Close& c) {
    add(e, 1, Value::uint(c.code));
    if (c.reason) add(e, 2, Value::text(*c.reason));
  }
  void operator()(const ErrorMessage& m) {
    add(e, 1, Value::uint(m.code));
    add(e, 2, Value::text(m.text));
    if (m.in_reply_to) add(e, 3, Value::uint(*m.in_reply_to));
  }
};

// ---- decoding ----------------------------------------------------------

// Reads the fields of one map, keeping the first thing wrong with them:
// "link-offer: key 3 (format): key 2 (channels) must be an unsigned integer".
class Fields {
 public:
  Fields(const Value& map, std::string where, std::string& error)
      : map_(map), where_(std::move(where)), error_(error) {}

  template <typename T>
  bool number(uint64_t key, const char* name, T& out, bool required = true,
              uint64_t max = std::numeric_limits<T>::max()) {
    const Value* v = get(key, name, required);
    if (!v) return !required;
    if (!v->is_uint() || v->number > max)
      return fail(key, name,
                  max == std::numeric_limits<T>::max() ? "must be an unsigned integer"
                                                       : "must be an unsigned integer up to " + std::to_string(max));
    out = static_cast<T>(v->number);
    return true;
  }
  template <typename T>
  bool optional_number(uint64_t key, const char* name, std::optional<T>& out,
                       uint64_t max = std::numeric_limits<T>::max()) {
    if (!map_.find(key)) return true;
    T x{};
    if (!number(key, name, x, true, max)) return false;
    out = x;
    return true;
  }
  bool text(uint64_t key, const char* name, std::string& out, bool required = true) {
    const Value* v = get(key, name, required);
    if (!v) return !required;
    if (v->kind != Value::Kind::text) return fail(key, name, "must be text");
    out = v->string;
    return true;
  }
  bool optional_text(uint64_t key, const char* name, std::optional<std::string>& out) {
    if (!map_.find(key)) return true;
    std::string s;
    if (!text(key, name, s)) return false;
    out = std::move(s);
    return true;
  }
  bool boolean(uint64_t key, const char* name, bool& out) {
    const Value* v = get(key, name, true);
    if (!v) return false;
    if (v->kind != Value::Kind::boolean) return fail(key, name, "must be true or false");
    out = v->flag;
    return true;
  }
  // The map or array under `key` (nullptr, with the error kept, if not).
  const Value* nested(uint64_t key, const char* name, Value::Kind kind) {
    const Value* v = get(key, name, true);
    if (!v) return nullptr;
    if (v->kind != kind) {
      fail(key, name, kind == Value::Kind::map ? "must be a map" : "must be an array");
      return nullptr;
    }
    return v;
  }
  std::string at(uint64_t key, const char* name) const {
    return where_ + ": key " + std::to_string(key) + " (" + name + ")";
  }
  bool fail(uint64_t key, const char* name, const std::string& what) {
    if (error_.empty()) error_ = at(key, name) + " " + what;
    return false;
  }

 private:
  const Value* get(uint64_t key, const char* name, bool required) {
    const Value* v = map_.find(key);
    if (!v && required) fail(key, name, "is missing");
    return v;
  }
  const Value& map_;
  std::string where_;
  std::string& error_;
};

bool read_clock(const Value& v, const std::string& where, ClockInfo& c, std::string& error) {
  Fields f(v, where, error);
  uint8_t state = 0;
  if (!f.number(0, "state", state, true, 3)) return false;
  c.state = static_cast<ClockState>(state);
  if (const Value* gm = v.find(1)) {
    if (gm->kind != Value::Kind::bytes || gm->string.size() != 8) return f.fail(1, "grandmaster", "must be 8 bytes");
    std::array<uint8_t, 8> id{};
    for (size_t i = 0; i < 8; ++i) id[i] = static_cast<uint8_t>(gm->string[i]);
    c.grandmaster = id;
  }
  return f.optional_number(2, "domain", c.domain, 127) && f.optional_number(3, "confidence", c.confidence_ns);
}

bool read_hello(const Value& v, Hello& h, std::string& error) {
  Fields f(v, "hello", error);
  if (!f.number(1, "version", h.version) || !f.text(2, "name", h.name) || !f.text(3, "software", h.software))
    return false;
  if (h.name.empty() || h.name.size() > 64) return f.fail(2, "name", "must be 1 to 64 bytes");
  const Value* rates = f.nested(4, "sample rates", Value::Kind::array);
  if (!rates) return false;
  for (const Value& r : rates->items) {
    if (!r.is_uint() || r.number > 768000 || r.number == 0)
      return f.fail(4, "sample rates", "must hold rates in Hz (1..768000)");
    h.sample_rates.push_back(static_cast<uint32_t>(r.number));
  }
  if (h.sample_rates.empty()) return f.fail(4, "sample rates", "must name one rate at least");
  const Value* clock = f.nested(5, "clock", Value::Kind::map);
  if (!clock || !read_clock(*clock, f.at(5, "clock"), h.clock, error)) return false;
  const Value* io = f.nested(6, "io", Value::Kind::array);
  if (!io) return false;
  for (const Value& p : io->items) {
    if (p.kind != Value::Kind::map) return f.fail(6, "io", "must hold maps");
    Fields port(p, f.at(6, "io"), error);
    IoPort x;
    uint8_t direction = 0;
    if (!port.text(0, "name", x.name) || !port.number(1, "direction", direction, true, 1) ||
        !port.number(2, "channels", x.channels))
      return false;
    x.output = direction == 1;
    h.io.push_back(std::move(x));
  }
  const Value* budget = f.nested(7, "budget", Value::Kind::map);
  if (!budget) return false;
  Fields b(*budget, f.at(7, "budget"), error);
  return b.number(0, "cores", h.cores) && b.number(1, "load", h.load_permille);
}

bool read_offer(const Value& v, LinkOffer& o, std::string& error) {
  Fields f(v, "link-offer", error);
  if (!f.number(1, "link", o.link) || !f.text(2, "bus", o.bus)) return false;
  const Value* format = f.nested(3, "format", Value::Kind::map);
  if (!format) return false;
  Fields ff(*format, f.at(3, "format"), error);
  if (!ff.text(0, "encoding", o.format.encoding) || !ff.number(1, "sample rate", o.format.sample_rate, true, 768000) ||
      !ff.number(2, "channels", o.format.channels, true, 64) ||
      !ff.number(3, "frames per packet", o.format.frames_per_packet, true, 65535))
    return false;
  if (o.format.encoding != "L16" && o.format.encoding != "L24" && o.format.encoding != "F32")
    return ff.fail(0, "encoding", "must be L16, L24 or F32");
  if (o.format.channels == 0) return ff.fail(2, "channels", "must be 1 to 64");
  return f.number(4, "latency budget", o.latency_us) && f.number(5, "redundancy", o.redundancy, true, 2) &&
         (o.redundancy >= 1 || f.fail(5, "redundancy", "must be 1 or 2")) &&
         f.number(6, "flow", o.flow, true, quic::kMaxVarint);
}

bool read_answer(const Value& v, LinkAnswer& a, std::string& error) {
  Fields f(v, "link-answer", error);
  return f.number(1, "link", a.link) && f.boolean(2, "accepted", a.accepted) &&
         f.optional_number(3, "latency budget", a.latency_us) && f.optional_number(4, "code", a.code) &&
         f.optional_text(5, "reason", a.reason);
}

bool read_body(uint64_t type, const Value& v, Message& m, std::string& error) {
  switch (type) {
    case 1:
      return read_hello(v, m.emplace<Hello>(), error);
    case 2:
      return read_offer(v, m.emplace<LinkOffer>(), error);
    case 3:
      return read_answer(v, m.emplace<LinkAnswer>(), error);
    case 4: {
      Fields f(v, "clock-status", error);
      const Value* clock = f.nested(1, "clock", Value::Kind::map);
      return clock && read_clock(*clock, f.at(1, "clock"), m.emplace<ClockStatus>().clock, error);
    }
    case 5:
      return Fields(v, "keepalive", error).number(1, "media time", m.emplace<Keepalive>().media_time_ns);
    case 6: {
      Fields f(v, "close", error);
      Close& c = m.emplace<Close>();
      return f.number(1, "code", c.code) && f.optional_text(2, "reason", c.reason);
    }
    default: {
      Fields f(v, "error", error);
      ErrorMessage& e = m.emplace<ErrorMessage>();
      return f.number(1, "code", e.code) && f.text(2, "text", e.text) &&
             f.optional_number(3, "in reply to", e.in_reply_to);
    }
  }
}

}  // namespace

const char* error_name(uint32_t code) {
  static constexpr const char* kNames[] = {
      "none",           "malformed",      "unsupported-version", "unknown-message",   "unknown-link",
      "format-refused", "budget-refused", "not-authorised",      "message-too-large", "datagrams-unsupported",
      "congestion",     "internal",       "unknown-stream"};
  return code < std::size(kNames) ? kNames[code] : "internal";
}

uint64_t type_of(const Message& m) {
  return m.index() + 1;
}

const char* type_name(uint64_t type) {
  return type >= 1 && type <= std::size(kTypeNames) ? kTypeNames[type - 1] : "";
}

Decoded decode(std::span<const uint8_t> item) {
  Decoded d;
  if (item.size() > kMaxMessageBytes) {
    d.code = ErrorCode::message_too_large;
    d.error =
        "a message of " + std::to_string(item.size()) + " bytes (at most " + std::to_string(kMaxMessageBytes) + ")";
    return d;
  }
  auto v = cbor::decode(item);
  d.code = ErrorCode::malformed;
  if (!v) {
    d.error = v.error().message;
    return d;
  }
  if (v->kind != Value::Kind::map) {
    d.error = "a message is a CBOR map";
    return d;
  }
  const Value* type = v->find(0);
  if (!type || !type->is_uint()) {
    d.error = "key 0 (the message type) must be an unsigned integer";
    return d;
  }
  d.type = type->number;
  if (d.type == 0 || d.type > std::size(kTypeNames)) {
    d.code = ErrorCode::unknown_message;
    d.error = "message type " + std::to_string(d.type) + " is not one this draft knows";
    return d;
  }
  if (!read_body(d.type, *v, d.message, d.error)) return d;
  d.code = ErrorCode::none;
  return d;
}

std::vector<uint8_t> encode(const Message& m) {
  Encoder enc;
  add(enc.e, 0, Value::uint(type_of(m)));
  std::visit(enc, m);
  return cbor::encode(Value::map(std::move(enc.e)));
}

std::vector<uint8_t> frame(const Message& m) {
  const std::vector<uint8_t> item = encode(m);
  std::vector<uint8_t> out;
  quic::put_varint(out, item.size());
  out.insert(out.end(), item.begin(), item.end());
  return out;
}

}  // namespace ac::wire
