#include "midi/osc_server.h"

#include <lo/lo.h>
#include <lo/lo_lowlevel.h>
#include <time.h>

#include <cmath>
#include <cstring>

#include "dsp/meter.h"
#include "midi/osc_events.h"
#include "midi/ump_classify.h"

namespace ac {
namespace {

// liblo's error callback carries no user data: the server being polled.
thread_local OscStats* t_polling = nullptr;

int64_t timetag_to_unix_ns(lo_timetag t) {
  constexpr int64_t kNtpToUnix = 2208988800LL;  // seconds from 1900 to 1970
  return (static_cast<int64_t>(t.sec) - kNtpToUnix) * 1000000000LL +
         static_cast<int64_t>((static_cast<uint64_t>(t.frac) * 1000000000ULL) >> 32);
}

int64_t realtime_now_ns() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  return int64_t{t.tv_sec} * 1000000000 + t.tv_nsec;
}

// liblo hands out arguments at 4-byte offsets into the message, while its
// lo_arg union asks for 8: read them by copying bytes, never through the
// union's members.
template <typename T>
T arg_as(const lo_arg* arg) {
  T v;
  std::memcpy(&v, arg, sizeof v);
  return v;
}

const char* arg_string(const lo_arg* arg) {
  return reinterpret_cast<const char*>(arg);
}

bool numeric(char type, const lo_arg* arg, double& out) {
  switch (type) {
    case LO_FLOAT:
      out = arg_as<float>(arg);
      return true;
    case LO_DOUBLE:
      out = arg_as<double>(arg);
      return true;
    case LO_INT32:
      out = arg_as<int32_t>(arg);
      return true;
    case LO_INT64:
      out = static_cast<double>(arg_as<int64_t>(arg));
      return true;
    default:
      return false;
  }
}

}  // namespace

// liblo's handler type names lo_arg; the header keeps liblo out.
extern "C" int audiocloud_osc_on_message(const char* path, const char* types, lo_arg** argv, int argc, lo_message msg,
                                         void* self) {
  return OscServer::on_message(path, types, reinterpret_cast<void**>(argv), argc, msg, self);
}

Expected<std::unique_ptr<OscServer>> OscServer::open(const std::string& spec, Engine& engine, const ClockMap& clock,
                                                     Hooks hooks) {
  const size_t colon = spec.find(':');
  const std::string proto = colon == std::string::npos ? "" : spec.substr(0, colon);
  const std::string port = colon == std::string::npos ? spec : spec.substr(colon + 1);
  if ((proto != "udp" && proto != "tcp") || port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
    return unexpected(make_error(ErrorDomain::midi, "--osc takes udp:PORT or tcp:PORT, got '" + spec + "'"));
  }
  std::unique_ptr<OscServer> s(new OscServer(engine, clock, std::move(hooks)));
  lo_server srv = lo_server_new_with_proto(port == "0" ? nullptr : port.c_str(), proto == "udp" ? LO_UDP : LO_TCP,
                                           &OscServer::on_error);
  if (!srv) {
    return unexpected(
        make_error(ErrorDomain::midi, "cannot open an OSC " + proto + " server on port " + port + " (in use?)"));
  }
  s->server_ = srv;
  // Bundles are handled when they arrive; their timetags become sample
  // times on the engine's clock instead of liblo's own wall-clock queue.
  lo_server_enable_queue(srv, 0, 1);
  lo_server_add_method(srv, nullptr, nullptr, &audiocloud_osc_on_message, s.get());
  s->port_ = lo_server_get_port(srv);
  char* url = lo_server_get_url(srv);
  s->url_ = url ? url : "";
  std::free(url);
  return s;
}

OscServer::~OscServer() {
  if (server_) lo_server_free(static_cast<lo_server>(server_));
}

void OscServer::on_error(int, const char*, const char*) {
  if (t_polling) ++t_polling->malformed;
}

void OscServer::poll(int timeout_ms) {
  t_polling = &stats_;
  auto* s = static_cast<lo_server>(server_);
  // Bounded: at most 1000 packets per call, so a flood cannot starve the loop.
  for (int i = 0; i < 1000 && lo_server_recv_noblock(s, i == 0 ? timeout_ms : 0) > 0; ++i) {
  }
  t_polling = nullptr;
}

void OscServer::dispatch_packet(const void* data, size_t size) {
  t_polling = &stats_;
  if (lo_server_dispatch_data(static_cast<lo_server>(server_), const_cast<void*>(data), size) < 0) ++stats_.malformed;
  t_polling = nullptr;
}

int OscServer::on_message(const char* path, const char* types, void** argv, int argc, void* msg, void* self) {
  static_cast<OscServer*>(self)->handle(path, types, argv, argc, msg);
  return 0;  // handled
}

void OscServer::reply(void* msg_from, const std::string& path, void* message) {
  auto* m = static_cast<lo_message>(message);
  auto* srv = static_cast<lo_server>(server_);
  if (msg_from) {
    if (lo_address src = lo_message_get_source(static_cast<lo_message>(msg_from)))
      lo_send_message_from(src, srv, path.c_str(), m);
  }
  for (const std::string& url : subscribers_) {
    lo_address a = lo_address_new_from_url(url.c_str());
    if (!a) continue;
    lo_send_message_from(a, srv, path.c_str(), m);
    lo_address_free(a);
  }
}

void OscServer::fail(void* from, const std::string& text) {
  ++stats_.rejected;
  lo_message m = lo_message_new();
  lo_message_add_string(m, text.c_str());
  reply(from, "/error", m);
  lo_message_free(m);
}

void OscServer::handle(const char* path, const char* types, void** argv, int argc, void* msg) {
  ++stats_.messages;
  const std::string p = path ? path : "";
  auto* args = reinterpret_cast<lo_arg**>(argv);
  const Graph& g = engine_.graph();
  if (p.rfind("/node/", 0) == 0) {
    std::vector<std::pair<std::string, std::string>> matches;  // node id, param
    for (const GraphNode& n : g.nodes) {
      for (const ParamSpec& spec : n.layout.params) {
        const std::string addr = "/node/" + n.id + "/" + spec.name;
        if (lo_pattern_match(addr.c_str(), p.c_str())) matches.emplace_back(n.id, spec.name);
      }
    }
    if (matches.empty()) return fail(msg, "no parameter matches " + p);
    if (argc == 0) {
      for (const auto& [id, param] : matches) {
        auto v = engine_.param(id, param);
        if (!v) continue;
        lo_message m = lo_message_new();
        lo_message_add_float(m, *v);
        reply(msg, "/node/" + id + "/" + param, m);
        lo_message_free(m);
      }
      return;
    }
    double value = 0.0;
    if (argc != 1 || !numeric(types[0], args[0], value)) return fail(msg, p + " takes one number (or none to query)");
    std::optional<SampleTime> at;
    const lo_timetag tt = lo_message_get_timestamp(static_cast<lo_message>(msg));
    const bool immediate = tt.sec == 0 && tt.frac == 1;
    if (!immediate) at = clock_.sample_at(timetag_to_unix_ns(tt));
    for (const auto& [id, param] : matches) {
      if (auto ok = engine_.set_param(id, param, static_cast<float>(value), at); !ok) {
        return fail(msg, p + ": " + ok.error().message);
      }
      if (hooks_.on_set) hooks_.on_set(id, param, value, at, clock_.sample_at(realtime_now_ns()));
    }
    return;
  }
  if (p.rfind("/events/", 0) == 0) {
    const std::string id = p.substr(8);
    auto node = engine_.node(id);
    auto* events = dynamic_cast<OscEventsNode*>(node.get());
    if (!events) return fail(msg, p + ": no osc_events node '" + id + "'");
    uint32_t words[4] = {0, 0, 0, 0};
    if (argc == 1 && types[0] == LO_MIDI) {
      // OSC's MIDI type: port id, status, data 1, data 2.
      const auto* m = reinterpret_cast<const uint8_t*>(args[0]);
      const uint8_t status = m[1];
      if (status < 0x80 || status == 0xF0 || status == 0xF7 || ump::midi1_data_bytes(status) < 0)
        return fail(msg, p + ": not a complete MIDI 1.0 message");
      words[0] = status >= 0xF0 ? ump::system(0, status, m[2], m[3]) : ump::midi1(0, status, m[2], m[3]);
    } else if (argc >= 1 && argc <= 4) {
      for (int i = 0; i < argc; ++i) {
        if (types[i] != LO_INT32) return fail(msg, p + " takes one MIDI message (m) or 1..4 UMP words (i)");
        words[i] = static_cast<uint32_t>(arg_as<int32_t>(args[i]));
      }
      if (static_cast<uint32_t>(argc) != ump::word_count(ump::message_type(words[0])))
        return fail(msg, p + ": the packet's message type needs " +
                             std::to_string(ump::word_count(ump::message_type(words[0]))) + " words");
      const ump::Check c = ump::classify(words);
      if (!c.valid()) return fail(msg, p + ": invalid UMP packet (" + c.name + ": " + c.problem + ")");
    } else {
      return fail(msg, p + " takes one MIDI message (m) or 1..4 UMP words (i)");
    }
    const lo_timetag tt = lo_message_get_timestamp(static_cast<lo_message>(msg));
    int64_t at = -1;
    if (!(tt.sec == 0 && tt.frac == 1)) {
      if (auto s = clock_.sample_at(timetag_to_unix_ns(tt))) at = s->value;
    }
    if (!events->post(at, words)) return fail(msg, p + ": too many events queued");
    return;
  }
  if (p == "/list") {
    lo_message m = lo_message_new();
    for (const GraphNode& n : g.nodes) {
      for (const ParamSpec& spec : n.layout.params)
        lo_message_add_string(m, ("/node/" + n.id + "/" + spec.name).c_str());
    }
    reply(msg, "/list", m);
    lo_message_free(m);
    return;
  }
  if (p == "/graph/patch") {
    if (argc != 1 || types[0] != LO_STRING) return fail(msg, "/graph/patch takes one string");
    const std::string err = hooks_.patch ? hooks_.patch(arg_string(args[0])) : "patches are not accepted here";
    if (!err.empty()) return fail(msg, err);
    lo_message m = lo_message_new();
    lo_message_add_string(m, "applied");
    reply(msg, "/graph/patch", m);
    lo_message_free(m);
    return;
  }
  if (p == "/transport/time") {
    lo_message m = lo_message_new();
    lo_message_add_int64(m, engine_.last_block_time().value);
    reply(msg, "/transport/time", m);
    lo_message_free(m);
    return;
  }
  if (p == "/transport/stop") {
    if (hooks_.stop) hooks_.stop();
    return;
  }
  if (p == "/subscribe") {
    if (argc != 1 || types[0] != LO_STRING) return fail(msg, "/subscribe takes a URL like osc.udp://host:port/");
    const std::string url = arg_string(args[0]);
    lo_address a = lo_address_new_from_url(url.c_str());
    if (!a) return fail(msg, "/subscribe: not an OSC URL: " + url);
    lo_address_free(a);
    if (std::find(subscribers_.begin(), subscribers_.end(), url) == subscribers_.end()) subscribers_.push_back(url);
    lo_message m = lo_message_new();
    lo_message_add_string(m, url.c_str());
    reply(msg, "/subscribe", m);
    lo_message_free(m);
    return;
  }
  fail(msg, "unknown address " + p);
}

void OscServer::send_meters() {
  if (subscribers_.empty()) return;
  for (const GraphNode& n : engine_.graph().nodes) {
    if (n.type->name != "meter") continue;
    auto node = engine_.node(n.id);
    auto* meter = dynamic_cast<MeterNode*>(node.get());
    if (!meter) continue;
    lo_message m = lo_message_new();
    for (const MeterChannelReading& r : meter->poll()) {
      lo_message_add_float(m, r.peak > 1e-6f ? static_cast<float>(20.0 * std::log10(r.peak)) : -120.0f);
    }
    reply(nullptr, "/meter/" + n.id, m);
    lo_message_free(m);
  }
}

}  // namespace ac
