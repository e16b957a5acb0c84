#include "net/wire_json.h"

#include <algorithm>

namespace ac::wire {
namespace {

using nlohmann::json;

constexpr const char* kClockStates[] = {"free-running", "locking", "locked", "holdover"};

json clock_json(const ClockInfo& c) {
  json j = {{"state", kClockStates[static_cast<size_t>(c.state)]}};
  if (c.grandmaster) j["grandmaster"] = cbor::to_hex(*c.grandmaster);
  if (c.domain) j["domain"] = *c.domain;
  if (c.confidence_ns) j["confidence_ns"] = *c.confidence_ns;
  return j;
}

struct ToJson {
  json& j;
  void operator()(const Hello& h) const {
    j["version"] = h.version;
    j["name"] = h.name;
    j["software"] = h.software;
    j["sample_rates"] = h.sample_rates;
    j["clock"] = clock_json(h.clock);
    j["io"] = json::array();
    for (const IoPort& p : h.io)
      j["io"].push_back({{"name", p.name}, {"direction", p.output ? "output" : "input"}, {"channels", p.channels}});
    j["budget"] = {{"cores", h.cores}, {"load_permille", h.load_permille}};
  }
  void operator()(const LinkOffer& o) const {
    j["link"] = o.link;
    j["bus"] = o.bus;
    j["format"] = {{"encoding", o.format.encoding},
                   {"sample_rate", o.format.sample_rate},
                   {"channels", o.format.channels},
                   {"frames_per_packet", o.format.frames_per_packet}};
    j["latency_us"] = o.latency_us;
    j["redundancy"] = o.redundancy;
    j["flow"] = o.flow;
  }
  void operator()(const LinkAnswer& a) const {
    j["link"] = a.link;
    j["accepted"] = a.accepted;
    if (a.latency_us) j["latency_us"] = *a.latency_us;
    if (a.code) j["code"] = error_name(*a.code);
    if (a.reason) j["reason"] = *a.reason;
  }
  void operator()(const ClockStatus& c) const { j["clock"] = clock_json(c.clock); }
  void operator()(const Keepalive& k) const { j["media_time_ns"] = k.media_time_ns; }
  void operator()(const Close& c) const {
    j["code"] = error_name(c.code);
    if (c.reason) j["reason"] = *c.reason;
  }
  void operator()(const ErrorMessage& e) const {
    j["code"] = error_name(e.code);
    j["text"] = e.text;
    if (e.in_reply_to) j["in_reply_to"] = type_name(*e.in_reply_to);
  }
};

// Reads JSON fields, keeping the first thing wrong.
class Reader {
 public:
  Reader(const json& j, std::string where, std::string& error) : j_(j), where_(std::move(where)), error_(error) {}
  template <typename T>
  bool get(const char* key, T& out) {
    if (!j_.is_object() || !j_.contains(key)) return fail(key, "is missing");
    try {
      out = j_.at(key).get<T>();
    } catch (const std::exception&) {
      return fail(key, "has the wrong type");
    }
    return true;
  }
  template <typename T>
  bool optional(const char* key, std::optional<T>& out) {
    if (!j_.is_object() || !j_.contains(key)) return true;
    T x{};
    if (!get(key, x)) return false;
    out = x;
    return true;
  }
  // An error code by name ("malformed") or number.
  bool code(const char* key, uint32_t& out) {
    if (!j_.is_object() || !j_.contains(key)) return fail(key, "is missing");
    const json& v = j_.at(key);
    if (v.is_number_unsigned()) {
      out = v.get<uint32_t>();
      return true;
    }
    for (uint32_t c = 0; c <= static_cast<uint32_t>(ErrorCode::unknown_stream); ++c)
      if (v.is_string() && v.get<std::string>() == error_name(c)) {
        out = c;
        return true;
      }
    return fail(key, "is not an error code");
  }
  bool fail(const char* key, const char* what) {
    if (error_.empty()) error_ = where_ + "." + key + " " + what;
    return false;
  }

 private:
  const json& j_;
  std::string where_;
  std::string& error_;
};

bool clock_from(const json& j, const std::string& where, ClockInfo& c, std::string& error) {
  Reader r(j, where, error);
  std::string state;
  if (!r.get("state", state)) return false;
  bool known = false;
  for (size_t i = 0; i < std::size(kClockStates); ++i)
    if (state == kClockStates[i]) {
      c.state = static_cast<ClockState>(i);
      known = true;
    }
  if (!known) return r.fail("state", "is not a clock state");
  std::optional<std::string> gm;
  if (!r.optional("grandmaster", gm)) return false;
  if (gm) {
    const auto bytes = cbor::from_hex(*gm);
    if (!bytes || bytes->size() != 8) return r.fail("grandmaster", "must be 16 hex digits");
    std::array<uint8_t, 8> id{};
    std::copy(bytes->begin(), bytes->end(), id.begin());
    c.grandmaster = id;
  }
  return r.optional("domain", c.domain) && r.optional("confidence_ns", c.confidence_ns);
}

bool hello_from(const json& j, Hello& h, std::string& error) {
  Reader r(j, "hello", error);
  if (!r.get("version", h.version) || !r.get("name", h.name) || !r.get("software", h.software) ||
      !r.get("sample_rates", h.sample_rates) || !j.contains("clock") ||
      !clock_from(j["clock"], "hello.clock", h.clock, error))
    return error.empty() ? r.fail("clock", "is missing") : false;
  if (!j.contains("io") || !j["io"].is_array()) return r.fail("io", "must be an array");
  for (const json& p : j["io"]) {
    Reader pr(p, "hello.io", error);
    IoPort x;
    std::string direction;
    if (!pr.get("name", x.name) || !pr.get("direction", direction) || !pr.get("channels", x.channels)) return false;
    x.output = direction == "output";
    h.io.push_back(x);
  }
  if (!j.contains("budget")) return r.fail("budget", "is missing");
  Reader br(j["budget"], "hello.budget", error);
  return br.get("cores", h.cores) && br.get("load_permille", h.load_permille);
}

bool offer_from(const json& j, LinkOffer& o, std::string& error) {
  Reader r(j, "link-offer", error);
  if (!r.get("link", o.link) || !r.get("bus", o.bus) || !j.contains("format"))
    return error.empty() ? r.fail("format", "is missing") : false;
  Reader f(j["format"], "link-offer.format", error);
  return f.get("encoding", o.format.encoding) && f.get("sample_rate", o.format.sample_rate) &&
         f.get("channels", o.format.channels) && f.get("frames_per_packet", o.format.frames_per_packet) &&
         r.get("latency_us", o.latency_us) && r.get("redundancy", o.redundancy) && r.get("flow", o.flow);
}

bool body_from(const std::string& type, const json& j, Message& m, std::string& error) {
  Reader r(j, type, error);
  if (type == "hello") return hello_from(j, m.emplace<Hello>(), error);
  if (type == "link-offer") return offer_from(j, m.emplace<LinkOffer>(), error);
  if (type == "link-answer") {
    LinkAnswer& a = m.emplace<LinkAnswer>();
    std::optional<std::string> code;
    if (!r.get("link", a.link) || !r.get("accepted", a.accepted) || !r.optional("latency_us", a.latency_us) ||
        !r.optional("reason", a.reason))
      return false;
    if (!j.contains("code")) return true;
    uint32_t c = 0;
    if (!r.code("code", c)) return false;
    a.code = c;
    return true;
  }
  if (type == "clock-status")
    return j.contains("clock") ? clock_from(j["clock"], "clock-status.clock", m.emplace<ClockStatus>().clock, error)
                               : r.fail("clock", "is missing");
  if (type == "keepalive") return r.get("media_time_ns", m.emplace<Keepalive>().media_time_ns);
  if (type == "close") {
    Close& c = m.emplace<Close>();
    return r.code("code", c.code) && r.optional("reason", c.reason);
  }
  if (type == "error") {
    ErrorMessage& e = m.emplace<ErrorMessage>();
    std::optional<std::string> reply;
    if (!r.code("code", e.code) || !r.get("text", e.text) || !r.optional("in_reply_to", reply)) return false;
    if (reply) {
      for (uint64_t t = 1; t <= 7; ++t)
        if (*reply == type_name(t)) e.in_reply_to = t;
      if (!e.in_reply_to) return r.fail("in_reply_to", "is not a message type");
    }
    return true;
  }
  return r.fail("type", "is not a message type of this draft");
}

}  // namespace

nlohmann::json to_json(const Message& m) {
  json j = {{"type", type_name(type_of(m))}};
  std::visit(ToJson{j}, m);
  return j;
}

Expected<Message> from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    return unexpected(make_error(ErrorDomain::net, "a message is a JSON object with a \"type\""));
  Message m;
  std::string error;
  if (!body_from(j["type"].get<std::string>(), j, m, error)) return unexpected(make_error(ErrorDomain::net, error));
  return m;
}

}  // namespace ac::wire
