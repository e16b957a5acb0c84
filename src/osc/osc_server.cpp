#include "osc/osc_server.h"

#include <lo/lo.h>
#include <lo/lo_lowlevel.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ac {
namespace {

// liblo's error callback carries no user data: the server being polled.
thread_local OscStats* t_polling = nullptr;

RealtimeNanos realtime_now() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  return RealtimeNanos{int64_t{t.tv_sec} * 1000000000 + t.tv_nsec};
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
    return unexpected(make_error(ErrorDomain::osc, "--osc takes udp:PORT or tcp:PORT, got '" + spec + "'"));
  }
  std::unique_ptr<OscServer> s(new OscServer(engine, clock, std::move(hooks)));
  lo_server srv = lo_server_new_with_proto(port == "0" ? nullptr : port.c_str(), proto == "udp" ? LO_UDP : LO_TCP,
                                           &OscServer::on_error);
  if (!srv) {
    return unexpected(
        make_error(ErrorDomain::osc, "cannot open an OSC " + proto + " server on port " + port + " (in use?)"));
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
  static_cast<OscServer*>(self)->handle(osc_message_from_liblo(path, types, argv, argc, msg), msg);
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

void OscServer::handle(const OscMessage& m, void* from) {
  ++stats_.messages;
  const OscAction action = route_osc(m, OscSurface::of(engine_.graph()));
  std::visit(
      [&](const auto& a) {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, osc_action::SetParams>) set_params(a, m.path, from);
        if constexpr (std::is_same_v<A, osc_action::QueryParams>) query_params(a, from);
        if constexpr (std::is_same_v<A, osc_action::PostEvent>) post_event(a, m.path, from);
        if constexpr (std::is_same_v<A, osc_action::ListParams>) list_params(from);
        if constexpr (std::is_same_v<A, osc_action::ApplyPatch>) apply_patch(a, from);
        if constexpr (std::is_same_v<A, osc_action::TransportTime>) {
          lo_message r = lo_message_new();
          lo_message_add_int64(r, engine_.last_block_time().value);
          reply(from, "/transport/time", r);
          lo_message_free(r);
        }
        if constexpr (std::is_same_v<A, osc_action::Stop>) {
          if (hooks_.stop) hooks_.stop();
        }
        if constexpr (std::is_same_v<A, osc_action::Subscribe>) subscribe(a, from);
        if constexpr (std::is_same_v<A, osc_action::Refuse>) fail(from, a.why);
      },
      action);
}

void OscServer::set_params(const osc_action::SetParams& a, const std::string& path, void* from) {
  std::optional<SampleTime> at;
  if (a.at) at = clock_.sample_at(*a.at);
  for (const OscParamAddress& t : a.targets) {
    if (auto ok = engine_.set_param(t.node, t.param, static_cast<float>(a.value), at); !ok)
      return fail(from, path + ": " + ok.error().message);
    if (hooks_.on_set) hooks_.on_set(t.node, t.param, a.value, at, clock_.sample_at(realtime_now()));
  }
}

void OscServer::query_params(const osc_action::QueryParams& a, void* from) {
  for (const OscParamAddress& t : a.targets) {
    auto v = engine_.param(t.node, t.param);
    if (!v) continue;
    lo_message r = lo_message_new();
    lo_message_add_float(r, *v);
    reply(from, osc_address(t), r);
    lo_message_free(r);
  }
}

void OscServer::post_event(const osc_action::PostEvent& a, const std::string& path, void* from) {
  auto node = engine_.node(a.node);
  EventInlet* inlet = node ? node->inlet() : nullptr;
  if (!inlet) return fail(from, path + ": no osc_events node '" + a.node + "'");
  int64_t at = -1;
  if (a.at) {
    if (auto s = clock_.sample_at(*a.at)) at = s->value;
  }
  const uint32_t words[4] = {a.words[0], a.words[1], a.words[2], a.words[3]};
  if (!inlet->post(at, words)) fail(from, path + ": too many events queued");
}

void OscServer::list_params(void* from) {
  lo_message r = lo_message_new();
  for (const OscParamAddress& p : OscSurface::of(engine_.graph()).params)
    lo_message_add_string(r, osc_address(p).c_str());
  reply(from, "/list", r);
  lo_message_free(r);
}

void OscServer::apply_patch(const osc_action::ApplyPatch& a, void* from) {
  const std::string err = hooks_.patch ? hooks_.patch(a.text) : "patches are not accepted here";
  if (!err.empty()) return fail(from, err);
  reply_text(from, "/graph/patch", "applied");
}

void OscServer::subscribe(const osc_action::Subscribe& a, void* from) {
  if (std::find(subscribers_.begin(), subscribers_.end(), a.url) == subscribers_.end()) subscribers_.push_back(a.url);
  reply_text(from, "/subscribe", a.url);
}

void OscServer::reply_text(void* from, const std::string& path, const std::string& text) {
  lo_message r = lo_message_new();
  lo_message_add_string(r, text.c_str());
  reply(from, path, r);
  lo_message_free(r);
}

void OscServer::send_meters() {
  if (subscribers_.empty()) return;
  for (const GraphNode& n : engine_.graph().nodes) {
    auto node = engine_.node(n.id);
    LevelSource* levels = node ? node->levels() : nullptr;
    if (!levels) continue;
    lo_message m = lo_message_new();
    for (const LevelReading& r : levels->poll_levels())
      lo_message_add_float(m, r.peak > 1e-6f ? static_cast<float>(20.0 * std::log10(r.peak)) : -120.0f);
    reply(nullptr, "/meter/" + n.id, m);
    lo_message_free(m);
  }
}

}  // namespace ac
