#include "app/control_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace ac {
namespace {

Error control_error(const std::string& message) {
  return make_error(ErrorDomain::app, "control socket: " + message);
}

bool fill_address(const std::string& path, sockaddr_un& addr) {
  addr = {};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return true;
}

bool write_all(int fd, const std::string& text) {
  size_t done = 0;
  // Bounded: a client that stops reading gets its connection dropped.
  for (int attempt = 0; attempt < 100 && done < text.size(); ++attempt) {
    const ssize_t n = send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    pollfd p{fd, POLLOUT, 0};
    ::poll(&p, 1, 10);
  }
  return done == text.size();
}

}  // namespace

Expected<std::unique_ptr<ControlSocket>> ControlSocket::open(const std::string& path) {
  sockaddr_un addr{};
  if (!fill_address(path, addr))
    return unexpected(
        control_error("'" + path + "': a path of 1.." + std::to_string(sizeof addr.sun_path - 1) + " characters"));
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) return unexpected(control_error("'" + path + "' exists and is not a socket"));
    // A socket file: stale if nobody answers on it.
    const int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const bool live = probe >= 0 && connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (probe >= 0) close(probe);
    if (live) return unexpected(control_error("'" + path + "' is in use by another running graph"));
    unlink(path.c_str());
  }
  auto s = std::unique_ptr<ControlSocket>(new ControlSocket());
  s->listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (s->listen_fd_ < 0) return unexpected(control_error(std::string("socket: ") + std::strerror(errno)));
  const mode_t old_mask = umask(0077);  // the socket file: its owner only
  const int bound = bind(s->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  umask(old_mask);
  if (bound != 0) return unexpected(control_error("bind '" + path + "': " + std::strerror(errno)));
  s->path_ = path;
  if (listen(s->listen_fd_, 8) != 0) return unexpected(control_error(std::string("listen: ") + std::strerror(errno)));
  return s;
}

ControlSocket::~ControlSocket() {
  for (Client& c : clients_) close(c.fd);
  if (listen_fd_ >= 0) close(listen_fd_);
  if (!path_.empty()) unlink(path_.c_str());
}

void ControlSocket::drop(size_t i) {
  close(clients_[i].fd);
  clients_.erase(clients_.begin() + static_cast<std::ptrdiff_t>(i));
}

void ControlSocket::poll(int timeout_ms, const std::function<std::string(const std::string&)>& handle) {
  std::vector<pollfd> fds;
  fds.push_back({listen_fd_, POLLIN, 0});
  for (const Client& c : clients_) fds.push_back({c.fd, POLLIN, 0});
  if (::poll(fds.data(), fds.size(), timeout_ms) <= 0) return;
  // Read before accepting, so the indices still match.
  for (size_t i = clients_.size(); i-- > 0;) {
    if (!(fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char buf[4096];
    const ssize_t n = recv(clients_[i].fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) {
      if (n == 0 || (errno != EAGAIN && errno != EINTR)) drop(i);
      continue;
    }
    Client& c = clients_[i];
    c.pending.append(buf, static_cast<size_t>(n));
    bool ok = true;
    for (size_t nl; ok && (nl = c.pending.find('\n')) != std::string::npos;) {
      std::string line = c.pending.substr(0, nl);
      c.pending.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      ok = write_all(c.fd, handle(line) + "\n");
    }
    if (ok && c.pending.size() > kMaxLine) {
      write_all(c.fd, "rejected: a line longer than " + std::to_string(kMaxLine) + " bytes\n");
      ok = false;
    }
    if (!ok) drop(i);
  }
  if (fds[0].revents & POLLIN) {
    // Bounded: at most a few new connections per call.
    for (int k = 0; k < 4; ++k) {
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0) break;
      if (clients_.size() >= kMaxClients) {
        write_all(fd, "rejected: too many control connections (" + std::to_string(kMaxClients) + ")\n");
        close(fd);
        continue;
      }
      clients_.push_back({fd, {}});
    }
  }
}

Expected<std::string> send_control_line(const std::string& path, const std::string& line, int timeout_ms) {
  sockaddr_un addr{};
  if (!fill_address(path, addr)) return unexpected(control_error("'" + path + "': not a usable socket path"));
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return unexpected(control_error(std::string("socket: ") + std::strerror(errno)));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const std::string why = std::strerror(errno);
    close(fd);
    return unexpected(control_error("cannot connect to '" + path + "': " + why + " (is `audiocloud run --control " +
                                    path + "` running?)"));
  }
  if (!write_all(fd, line + "\n")) {
    close(fd);
    return unexpected(control_error("cannot send to '" + path + "'"));
  }
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (answer.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[1024];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  const size_t nl = answer.find('\n');
  if (nl == std::string::npos) return unexpected(control_error("no answer from '" + path + "'"));
  return answer.substr(0, nl);
}

}  // namespace ac
