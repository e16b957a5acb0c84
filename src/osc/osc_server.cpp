#include "osc/osc_server.h"

#include <arpa/inet.h>
#include <lo/lo.h>
#include <netdb.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "osc/osc_packet.h"

namespace ac {
namespace {

RealtimeNanos realtime_now() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  return RealtimeNanos{int64_t{t.tv_sec} * 1000000000 + t.tv_nsec};
}

// An osc.udp://host:port/ URL as an IPv4 address (none if it is not one).
std::optional<sockaddr_in> udp_address_of(const std::string& url) {
  lo_address a = lo_address_new_from_url(url.c_str());
  if (!a) return std::nullopt;
  const std::string host = lo_address_get_hostname(a) ? lo_address_get_hostname(a) : "";
  const std::string port = lo_address_get_port(a) ? lo_address_get_port(a) : "";
  const int proto = lo_address_get_protocol(a);
  lo_address_free(a);
  if (proto != LO_UDP) return std::nullopt;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || !found) return std::nullopt;
  sockaddr_in out{};
  std::memcpy(&out, found->ai_addr, sizeof out);
  freeaddrinfo(found);
  return out;
}

}  // namespace

Expected<std::unique_ptr<OscServer>> OscServer::open(const std::string& spec, Engine& engine, const ClockMap& clock,
                                                     Hooks hooks) {
  auto bind = parse_osc_bind(spec);
  if (!bind) return unexpected(bind.error());
  auto transport = OscTransport::open(*bind);
  if (!transport) return unexpected(transport.error());
  std::unique_ptr<OscServer> s(new OscServer(engine, clock, std::move(hooks)));
  s->transport_ = std::move(*transport);
  return s;
}

void OscServer::poll(int timeout_ms) {
  transport_->poll(timeout_ms,
                   [this](std::span<const uint8_t> packet, const OscPeer& from) { dispatch_packet(packet, from); });
}

void OscServer::dispatch_packet(std::span<const uint8_t> packet, const OscPeer& from) {
  auto messages = decode_osc_packet(packet);
  if (!messages) {
    ++stats_.malformed;
    return;
  }
  for (const OscMessage& m : *messages) handle(m, from);
}

void OscServer::reply(const OscPeer* from, const std::string& path, const std::vector<OscArg>& args) {
  const std::vector<uint8_t> bytes = encode_osc_message(path, args);
  if (from && (from->connection >= 0 || from->address.sin_port != 0)) transport_->reply(*from, bytes);
  for (const Subscriber& s : subscribers_) transport_->send_to(s.address, bytes);
}

void OscServer::fail(const OscPeer& from, const std::string& text) {
  ++stats_.rejected;
  reply(&from, "/error", {osc_string(text)});
}

void OscServer::handle(const OscMessage& m, const OscPeer& from) {
  ++stats_.messages;
  const OscAction action = route_osc(m, OscSurface::of(engine_.graph()));
  std::visit(
      [&](const auto& a) {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, osc_action::SetParams>) set_params(a, m.path, from);
        if constexpr (std::is_same_v<A, osc_action::QueryParams>) query_params(a, from);
        if constexpr (std::is_same_v<A, osc_action::PostEvent>) post_event(a, m.path, from);
        if constexpr (std::is_same_v<A, osc_action::ListParams>) {
          std::vector<OscArg> names;
          for (const OscParamAddress& p : OscSurface::of(engine_.graph()).params)
            names.push_back(osc_string(osc_address(p)));
          reply(&from, "/list", names);
        }
        if constexpr (std::is_same_v<A, osc_action::ApplyPatch>) apply_patch(a, from);
        if constexpr (std::is_same_v<A, osc_action::TransportTime>)
          reply(&from, "/transport/time", {osc_int64(engine_.last_block_time().value)});
        if constexpr (std::is_same_v<A, osc_action::Stop>) {
          if (hooks_.stop) hooks_.stop();
        }
        if constexpr (std::is_same_v<A, osc_action::Subscribe>) subscribe(a, from);
        if constexpr (std::is_same_v<A, osc_action::Refuse>) fail(from, a.why);
      },
      action);
}

void OscServer::set_params(const osc_action::SetParams& a, const std::string& path, const OscPeer& from) {
  std::optional<SampleTime> at;
  if (a.at) at = clock_.sample_at(*a.at);
  for (const OscParamAddress& t : a.targets) {
    if (auto ok = engine_.set_param(t.node, t.param, static_cast<float>(a.value), at); !ok)
      return fail(from, path + ": " + ok.error().message);
    if (hooks_.on_set) hooks_.on_set(t.node, t.param, a.value, at, clock_.sample_at(realtime_now()));
  }
}

void OscServer::query_params(const osc_action::QueryParams& a, const OscPeer& from) {
  for (const OscParamAddress& t : a.targets) {
    if (auto v = engine_.param(t.node, t.param)) reply(&from, osc_address(t), {osc_float(*v)});
  }
}

void OscServer::post_event(const osc_action::PostEvent& a, const std::string& path, const OscPeer& from) {
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

void OscServer::apply_patch(const osc_action::ApplyPatch& a, const OscPeer& from) {
  const std::string err = hooks_.patch ? hooks_.patch(a.text) : "patches are not accepted here";
  if (!err.empty()) return fail(from, err);
  reply(&from, "/graph/patch", {osc_string("applied")});
}

void OscServer::subscribe(const osc_action::Subscribe& a, const OscPeer& from) {
  const std::optional<sockaddr_in> address = udp_address_of(a.url);
  if (!address) return fail(from, "/subscribe: replies go over UDP to an IPv4 host: " + a.url);
  const bool known =
      std::any_of(subscribers_.begin(), subscribers_.end(), [&](const Subscriber& s) { return s.url == a.url; });
  if (!known && subscribers_.size() < 16) subscribers_.push_back({a.url, *address});
  reply(&from, "/subscribe", {osc_string(a.url)});
}

void OscServer::send_meters() {
  if (subscribers_.empty()) return;
  for (const GraphNode& n : engine_.graph().nodes) {
    auto node = engine_.node(n.id);
    LevelSource* levels = node ? node->levels() : nullptr;
    if (!levels) continue;
    std::vector<OscArg> peaks;
    for (const LevelReading& r : levels->poll_levels())
      peaks.push_back(osc_float(r.peak > 1e-6f ? static_cast<float>(20.0 * std::log10(r.peak)) : -120.0f));
    reply(nullptr, "/meter/" + n.id, peaks);
  }
}

}  // namespace ac
