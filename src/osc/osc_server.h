#pragma once
// OSC control of a running graph, on UDP or TCP (docs/spec/osc.md):
//
//   /node/<id>/<param> f        set (in a bundle: at the bundle's timetag,
//                                to the sample, on the engine's clock)
//   /node/<id>/<param>          query: the reply is /node/<id>/<param> f
//   /list                       reply: /list s s ... (every parameter address)
//   /events/<id> m | i [i i i]  a MIDI message or a UMP packet into the
//                               graph at `osc_events` node <id> (in a
//                               bundle: on the timetag's sample)
//   /graph/patch s              a graph patch, as on `run`'s stdin (with
//                               the network's capabilities: docs/security.md)
//   /transport/time             reply: /transport/time h (the current sample)
//   /transport/stop             stop the run
//   /subscribe s                send replies and meter readings to this URL
//                               (osc.udp://host:port/) from now on
//
// Address patterns (*, ?, [..], {..}) in /node/... match every parameter
// they name, as the OSC 1.0 specification says. Replies go to the sender
// and every subscriber; errors come back as /error s. Malformed packets are
// counted and dropped. Everything runs on the thread that calls poll().
//
// The layers: osc_transport.h owns the sockets (bound to loopback unless
// an address is named), osc_packet.h decodes packets into messages,
// osc_router.h decides what a message asks for, and this server carries it
// out on the engine and answers.
#include <netinet/in.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clock_map.h"
#include "core/expected.h"
#include "graph/engine.h"
#include "osc/osc_router.h"
#include "osc/osc_transport.h"

namespace ac {

struct OscStats {
  uint64_t messages = 0;   // well-formed messages handled
  uint64_t malformed = 0;  // packets that were not OSC (counted, dropped)
  uint64_t rejected = 0;   // messages answered with /error
};

class OscServer {
 public:
  struct Hooks {
    // Applies a graph patch; returns "" or the error.
    std::function<std::string(const std::string& patch)> patch;
    std::function<void()> stop;
    // Told about every parameter set: node id, parameter, value, the sample
    // it applies at (none: as soon as possible) and the sample at which it
    // arrived (none before the first block).
    std::function<void(const std::string&, const std::string&, double, std::optional<SampleTime>,
                       std::optional<SampleTime>)>
        on_set;
  };

  // [control] `spec` as parse_osc_bind() takes it (PORT 0: any free port).
  static Expected<std::unique_ptr<OscServer>> open(const std::string& spec, Engine& engine, const ClockMap& clock,
                                                   Hooks hooks);

  // [control] Handles what has arrived, waiting up to `timeout_ms` for the
  // first packet.
  void poll(int timeout_ms);
  // [control] Sends /meter/<id> f... (peak dBFS per channel since the last
  // call) for every meter node to the subscribers.
  void send_meters();
  // [control] Decodes and handles one packet as if it had arrived from
  // `from` (tests and the fuzzer: no socket involved).
  void dispatch_packet(std::span<const uint8_t> packet, const OscPeer& from = {});

  int port() const { return transport_->port(); }
  std::string url() const { return transport_->url(); }
  const OscBind& bind() const { return transport_->bind(); }
  const OscStats& stats() const { return stats_; }

 private:
  OscServer(Engine& engine, const ClockMap& clock, Hooks hooks)
      : engine_(engine), clock_(clock), hooks_(std::move(hooks)) {}
  void handle(const OscMessage& message, const OscPeer& from);
  // Carrying out each kind of action; `from` is who to answer.
  void set_params(const osc_action::SetParams& a, const std::string& path, const OscPeer& from);
  void query_params(const osc_action::QueryParams& a, const OscPeer& from);
  void post_event(const osc_action::PostEvent& a, const std::string& path, const OscPeer& from);
  void apply_patch(const osc_action::ApplyPatch& a, const OscPeer& from);
  void subscribe(const osc_action::Subscribe& a, const OscPeer& from);
  // Answers `from` (if it is somebody) and every subscriber.
  void reply(const OscPeer* from, const std::string& path, const std::vector<OscArg>& args);
  void fail(const OscPeer& from, const std::string& text);

  Engine& engine_;
  const ClockMap& clock_;
  Hooks hooks_;
  std::unique_ptr<OscTransport> transport_;
  struct Subscriber {
    std::string url;
    sockaddr_in address{};
  };
  std::vector<Subscriber> subscribers_;
  OscStats stats_;
};

}  // namespace ac
