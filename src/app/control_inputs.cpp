#include "app/control_inputs.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include <cstdio>

#include "app/stop_request.h"

namespace ac {

bool StdinPatches::poll(int timeout_ms) {
  if (ended_) return false;
  pollfd pfd{STDIN_FILENO, POLLIN, 0};
  if (::poll(&pfd, 1, timeout_ms) <= 0) return true;
  char chunk[4096];
  const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) {
    ended_ = true;  // a last line without its newline still counts
    if (!pending_.empty()) handle(pending_);
    pending_.clear();
    return false;
  }
  pending_.append(chunk, static_cast<size_t>(n));
  for (size_t nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n')) {
    const std::string line = pending_.substr(0, nl);
    pending_.erase(0, nl + 1);
    handle(line);
  }
  if (pending_.size() > kMaxLine) {
    ++number_;
    std::printf("patch %d rejected: a patch is one line of at most %zu bytes\n", number_, kMaxLine);
    std::fflush(stdout);
    pending_.clear();
    skipping_ = true;  // the rest of that line
  }
  return true;
}

void StdinPatches::handle(const std::string& line) {
  if (skipping_) {
    skipping_ = false;
    return;
  }
  if (line.empty()) return;
  ++number_;
  const std::string err = graph_.apply(line, PatchCapabilities::own("stdin"), number_);
  if (err.empty())
    std::printf("patch %d applied\n", number_);
  else
    std::printf("patch %d rejected: %s\n", number_, err.c_str());
  std::fflush(stdout);
}

Expected<std::unique_ptr<SocketPatches>> SocketPatches::open(const std::string& path, LiveGraph& graph) {
  auto socket = ControlSocket::open(path);
  if (!socket) return unexpected(socket.error());
  return std::unique_ptr<SocketPatches>(new SocketPatches(std::move(*socket), graph));
}

bool SocketPatches::poll(int timeout_ms) {
  socket_->poll(timeout_ms, [&](const std::string& patch) {
    const int number = ++number_;
    // The socket is the owner's alone (mode 0600): as trusted as the terminal.
    const std::string err = graph_.apply(patch, PatchCapabilities::own("control"), number);
    std::printf("control patch %d %s%s\n", number, err.empty() ? "applied" : "rejected: ", err.c_str());
    std::fflush(stdout);
    return err.empty() ? std::string("applied") : "rejected: " + err;
  });
  return true;
}

Expected<std::unique_ptr<OscControl>> OscControl::open(const std::string& spec, Engine& engine, const ClockMap& clock,
                                                       LiveGraph& graph, const std::string& files_root) {
  std::unique_ptr<OscControl> c(new OscControl());
  OscServer::Hooks hooks;
  OscControl* self = c.get();
  const PatchCapabilities caps = PatchCapabilities::network("osc", files_root);
  hooks.patch = [self, &graph, caps](const std::string& patch) { return graph.apply(patch, caps, ++self->patches_); };
  hooks.stop = [] { request_stop(); };
  hooks.on_set = [&graph](const std::string& id, const std::string& param, double value, std::optional<SampleTime> at,
                          std::optional<SampleTime> received) {
    graph.note_set(id, param, value);
    const long long got = received ? static_cast<long long>(received->value) : -1;
    if (at)
      std::printf("osc: %s.%s = %g at sample %lld (received at sample %lld)\n", id.c_str(), param.c_str(), value,
                  static_cast<long long>(at->value), got);
    else
      std::printf("osc: %s.%s = %g (received at sample %lld)\n", id.c_str(), param.c_str(), value, got);
    std::fflush(stdout);
  };
  auto server = OscServer::open(spec, engine, clock, hooks);
  if (!server) return unexpected(server.error());
  c->server_ = std::move(*server);
  return c;
}

bool OscControl::poll(int timeout_ms) {
  server_->poll(timeout_ms);
  if (std::chrono::steady_clock::now() - last_meters_ >= std::chrono::milliseconds(200)) {
    last_meters_ = std::chrono::steady_clock::now();
    server_->send_meters();
  }
  return true;
}

std::vector<std::string> OscControl::report() const {
  const OscStats& st = server_->stats();
  char line[160];
  std::snprintf(line, sizeof line, "osc: %llu messages, %llu malformed, %llu rejected",
                static_cast<unsigned long long>(st.messages), static_cast<unsigned long long>(st.malformed),
                static_cast<unsigned long long>(st.rejected));
  return {line};
}

}  // namespace ac
