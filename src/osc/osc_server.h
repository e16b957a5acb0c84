#pragma once
// OSC control of a running graph (liblo), on UDP or TCP:
//
//   /node/<id>/<param> f        set (in a bundle: at the bundle's timetag,
//                                to the sample, on the engine's clock)
//   /node/<id>/<param>          query: the reply is /node/<id>/<param> f
//   /list                       reply: /list s s ... (every parameter address)
//   /events/<id> m | i [i i i]  a MIDI message or a UMP packet into the
//                               graph at `osc_events` node <id> (in a
//                               bundle: on the timetag's sample)
//   /graph/patch s              a graph patch, as on `run`'s stdin
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
// This is the socket shell: liblo receives and decodes, osc/osc_router.h
// decides what a message asks for, and the server carries it out on the
// engine and answers.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock_map.h"
#include "core/expected.h"
#include "graph/engine.h"
#include "osc/osc_router.h"

namespace ac {

struct OscStats {
  uint64_t messages = 0;   // well-formed messages handled
  uint64_t malformed = 0;  // packets liblo could not decode
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

  // [control] "udp:PORT" or "tcp:PORT" (PORT 0: any free port).
  static Expected<std::unique_ptr<OscServer>> open(const std::string& spec, Engine& engine, const ClockMap& clock,
                                                   Hooks hooks);
  ~OscServer();

  // [control] Handles what has arrived, waiting up to `timeout_ms` for the
  // first packet.
  void poll(int timeout_ms);
  // [control] Sends /meter/<id> f... (peak dBFS per channel since the last
  // call) for every meter node to the subscribers.
  void send_meters();
  // [control] Decodes and handles one raw packet, as if it had arrived.
  void dispatch_packet(const void* data, size_t size);

  int port() const { return port_; }
  const std::string& url() const { return url_; }
  const OscStats& stats() const { return stats_; }

 public:  // for liblo's callbacks
  static int on_message(const char* path, const char* types, void** argv, int argc, void* msg, void* self);

 private:
  OscServer(Engine& engine, const ClockMap& clock, Hooks hooks)
      : engine_(engine), clock_(clock), hooks_(std::move(hooks)) {}
  static void on_error(int num, const char* msg, const char* where);
  void handle(const OscMessage& message, void* from);
  // Carrying out each kind of action; `from` is the lo_message to answer.
  void set_params(const osc_action::SetParams& a, const std::string& path, void* from);
  void query_params(const osc_action::QueryParams& a, void* from);
  void post_event(const osc_action::PostEvent& a, const std::string& path, void* from);
  void list_params(void* from);
  void apply_patch(const osc_action::ApplyPatch& a, void* from);
  void subscribe(const osc_action::Subscribe& a, void* from);
  void reply_text(void* from, const std::string& path, const std::string& text);
  void reply(void* to, const std::string& path, void* message);
  void fail(void* to, const std::string& text);

  Engine& engine_;
  const ClockMap& clock_;
  Hooks hooks_;
  void* server_ = nullptr;  // lo_server
  int port_ = 0;
  std::string url_;
  std::vector<std::string> subscribers_;
  OscStats stats_;
};

}  // namespace ac
