#pragma once
// The ways a running session is steered, each polled in turn by the
// session's control loop: patch lines on stdin, the local control socket,
// OSC. Each hands patches to the LiveGraph and says what became of them.
// Control thread only; none touches the audio thread.
#include <chrono>
#include <memory>
#include <string>

#include "app/control_socket.h"
#include "app/live_graph.h"
#include "core/clock_map.h"
#include "graph/engine.h"
#include "osc/osc_server.h"

namespace ac {

class ControlInput {
 public:
  virtual ~ControlInput() = default;
  // [control] Handles what has arrived, waiting at most `timeout_ms`.
  // Returns false when this input has ended for good (stdin closed).
  virtual bool poll(int timeout_ms) = 0;
  // [control] Lines for the end-of-run summary.
  virtual std::vector<std::string> report() const { return {}; }
};

// Each line on stdin is a patch, answered "patch N applied" or "patch N
// rejected: <why>" on stdout. A closed stdin is not a stop request. Read
// with read(2), not through a stream buffer that poll(2) cannot see into:
// two lines that arrive together are both handled at once.
class StdinPatches final : public ControlInput {
 public:
  static constexpr size_t kMaxLine = 64 * 1024;  // a longer line is refused

  explicit StdinPatches(LiveGraph& graph) : graph_(graph) {}
  bool poll(int timeout_ms) override;

 private:
  void handle(const std::string& line);
  LiveGraph& graph_;
  int number_ = 0;
  std::string pending_;  // a line still without its newline
  bool skipping_ = false, ended_ = false;
};

// `run --control PATH` (control_socket.h).
class SocketPatches final : public ControlInput {
 public:
  static Expected<std::unique_ptr<SocketPatches>> open(const std::string& path, LiveGraph& graph);
  bool poll(int timeout_ms) override;
  const std::string& path() const { return socket_->path(); }

 private:
  SocketPatches(std::unique_ptr<ControlSocket> socket, LiveGraph& graph) : socket_(std::move(socket)), graph_(graph) {}
  std::unique_ptr<ControlSocket> socket_;
  LiveGraph& graph_;
  int number_ = 0;
};

// `run --osc udp:PORT` (osc/osc_server.h): parameters, events, patches with
// a network surface's capabilities (nodes that touch files only beneath
// `files_root`, none when it is ""); meter readings go to its subscribers
// every 200 ms.
class OscControl final : public ControlInput {
 public:
  static Expected<std::unique_ptr<OscControl>> open(const std::string& spec, Engine& engine, const ClockMap& clock,
                                                    LiveGraph& graph, const std::string& files_root);
  const OscBind& bind() const { return server_->bind(); }
  bool poll(int timeout_ms) override;
  std::vector<std::string> report() const override;
  std::string url() const { return server_->url(); }

 private:
  OscControl() = default;
  std::unique_ptr<OscServer> server_;
  int patches_ = 0;
  std::chrono::steady_clock::time_point last_meters_ = std::chrono::steady_clock::now();
};

}  // namespace ac
