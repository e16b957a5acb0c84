#pragma once
// The local control socket of `audiocloud run --control PATH`: a Unix
// stream socket on which each line a client sends is a graph patch (the
// same as a line on stdin, graph/graph_patch.h), answered on the same
// connection with one line: "applied" or "rejected: <why>". Local only,
// guarded by the file's permissions (0600: the user who runs the graph).
// Served from the control thread's loop; never touches the audio thread.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/expected.h"

namespace ac {

class ControlSocket {
 public:
  // [control] Binds PATH (replacing a stale socket file nobody listens on;
  // refusing a live one or any other kind of file).
  static Expected<std::unique_ptr<ControlSocket>> open(const std::string& path);
  ~ControlSocket();  // closes every connection and removes the file
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;

  // [control] Accepts and reads without blocking longer than `timeout_ms`;
  // each complete line goes to `handle`, whose answer is sent back.
  void poll(int timeout_ms, const std::function<std::string(const std::string& line)>& handle);

  const std::string& path() const { return path_; }
  size_t clients() const { return clients_.size(); }

  static constexpr size_t kMaxLine = 64 * 1024;  // a longer line is refused, its connection closed
  static constexpr size_t kMaxClients = 16;

 private:
  ControlSocket() = default;
  struct Client {
    int fd = -1;
    std::string pending;
  };
  void drop(size_t i);
  int listen_fd_ = -1;
  std::string path_;
  std::vector<Client> clients_;
};

// [control] Sends `line` to the control socket at `path` and returns the
// answer line (for `audiocloud patch` and tests). Waits at most
// `timeout_ms` for it.
Expected<std::string> send_control_line(const std::string& path, const std::string& line, int timeout_ms = 5000);

}  // namespace ac
