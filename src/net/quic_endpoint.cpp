#include "net/quic_endpoint.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "net/udp_socket.h"

namespace ac::net {

namespace {

uint64_t now_ns() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

Unexpected fail(const std::string& what) {
  return unexpected(make_error(ErrorDomain::net, what + ": " + std::strerror(errno)));
}

std::pair<uint32_t, uint16_t> key_of(const sockaddr_in& a) {
  return {a.sin_addr.s_addr, a.sin_port};
}

}  // namespace

struct QuicEndpoint::Command {
  enum class Kind : uint8_t { connect, message, datagram, close } kind = Kind::message;
  ConnectionId id = 0;
  sockaddr_in to{};
  wire::Message message;
  std::vector<uint8_t> bytes;
  wire::ErrorCode code = wire::ErrorCode::none;
  std::string reason;
};

Expected<std::unique_ptr<QuicEndpoint>> QuicEndpoint::start(EndpointOptions options) {
  if (!options.tls || !options.events)
    return unexpected(make_error(ErrorDomain::net, "a fabric endpoint needs its certificates"));
  if (options.hello.name != options.tls->own_name())
    return unexpected(make_error(ErrorDomain::net, "the node is named '" + options.hello.name +
                                                       "' but its certificate is for '" + options.tls->own_name() +
                                                       "': peers would refuse it"));
  // Port 0: any free one (the kernel's choice, read back below).
  const bool any_port = options.listen.size() > 2 && options.listen.ends_with(":0");
  auto at = parse_endpoint(any_port ? options.listen.substr(0, options.listen.size() - 2) : options.listen, 4433);
  if (!at) return unexpected(at.error());
  std::unique_ptr<QuicEndpoint> e(new QuicEndpoint());
  e->options_ = std::move(options);
  e->fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (e->fd_ < 0) return fail("cannot open a UDP socket");
  e->local_ = at->to_sockaddr();
  if (any_port) e->local_.sin_port = 0;
  if (::bind(e->fd_, reinterpret_cast<const sockaddr*>(&e->local_), sizeof e->local_) != 0)
    return fail("cannot listen on " + e->options_.listen);
  socklen_t length = sizeof e->local_;
  ::getsockname(e->fd_, reinterpret_cast<sockaddr*>(&e->local_), &length);
  e->port_ = ntohs(e->local_.sin_port);
  e->wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (e->wake_fd_ < 0) return fail("cannot make an eventfd");
  e->thread_ = std::thread([p = e.get()] { p->loop(); });
  return e;
}

QuicEndpoint::~QuicEndpoint() {
  if (thread_.joinable()) {
    stop_.store(true, std::memory_order_release);
    const uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
    thread_.join();
  }
  if (fd_ >= 0) ::close(fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void QuicEndpoint::post(Command c) {
  {
    std::lock_guard lock(mutex_);
    commands_.push_back(std::move(c));
  }
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

Expected<ConnectionId> QuicEndpoint::connect(const std::string& address) {
  auto to = parse_endpoint(address, 4433);
  if (!to) return unexpected(to.error());
  Command c;
  c.kind = Command::Kind::connect;
  c.to = to->to_sockaddr();
  {
    std::lock_guard lock(mutex_);
    c.id = next_id_++;
  }
  const ConnectionId id = c.id;
  post(std::move(c));
  return id;
}

void QuicEndpoint::send(ConnectionId id, const wire::Message& m) {
  Command c;
  c.kind = Command::Kind::message;
  c.id = id;
  c.message = m;
  post(std::move(c));
}

void QuicEndpoint::send_datagram(ConnectionId id, std::vector<uint8_t> bytes) {
  Command c;
  c.kind = Command::Kind::datagram;
  c.id = id;
  c.bytes = std::move(bytes);
  post(std::move(c));
}

void QuicEndpoint::close(ConnectionId id, wire::ErrorCode code, const std::string& reason) {
  Command c;
  c.kind = Command::Kind::close;
  c.id = id;
  c.code = code;
  c.reason = reason;
  post(std::move(c));
}

EndpointCounters QuicEndpoint::counters() const {
  std::lock_guard lock(mutex_);
  return published_;
}

QuicConnectionCounters QuicEndpoint::connection_counters(ConnectionId id) const {
  std::lock_guard lock(mutex_);
  auto it = connection_counters_.find(id);
  return it == connection_counters_.end() ? QuicConnectionCounters{} : it->second;
}

void QuicEndpoint::send_packet(const sockaddr_in& to, std::span<const uint8_t> packet) {
  if (::sendto(fd_, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) >= 0)
    ++counters_.packets_out;
}

void QuicEndpoint::run_commands(uint64_t now) {
  std::vector<Command> commands;
  {
    std::lock_guard lock(mutex_);
    commands.swap(commands_);
  }
  const QuicConnection::SendPacket send = [this](const sockaddr_in& to, std::span<const uint8_t> p) {
    send_packet(to, p);
  };
  for (Command& c : commands) {
    if (c.kind == Command::Kind::connect) {
      QuicConnection::Setup s{c.id, options_.tls, &options_.hello, options_.events, local_, c.to};
      auto conn = QuicConnection::client(s, now);
      if (!conn) {
        options_.events->closed(c.id, conn.error().message);
        continue;
      }
      ++counters_.connections_opened;
      by_address_[key_of(c.to)] = c.id;
      connections_[c.id] = std::move(*conn);
      continue;
    }
    auto it = connections_.find(c.id);
    if (it == connections_.end()) continue;  // ended meanwhile
    QuicConnection& conn = *it->second;
    if (c.kind == Command::Kind::message) conn.queue(c.message);
    if (c.kind == Command::Kind::datagram) conn.queue_datagram(std::move(c.bytes));
    if (c.kind == Command::Kind::close) conn.close(c.code, c.reason, send);
  }
}

void QuicEndpoint::receive(uint64_t now) {
  std::vector<uint8_t> buf(65536);
  for (int i = 0; i < 1024; ++i) {
    sockaddr_in from{};
    socklen_t length = sizeof from;
    const ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &length);
    if (n <= 0) return;
    ++counters_.packets_in;
    const std::span<const uint8_t> packet(buf.data(), static_cast<size_t>(n));
    if (auto known = by_address_.find(key_of(from)); known != by_address_.end()) {
      if (auto it = connections_.find(known->second); it != connections_.end()) {
        it->second->read(packet, now);
        continue;
      }
    }
    ConnectionId id;
    {
      std::lock_guard lock(mutex_);
      id = next_id_++;
    }
    QuicConnection::Setup s{id, options_.tls, &options_.hello, options_.events, local_, from};
    auto conn = QuicConnection::server(s, packet, now);
    if (!conn) {
      ++counters_.stray_packets;
      continue;
    }
    ++counters_.connections_accepted;
    (*conn)->read(packet, now);
    by_address_[key_of(from)] = id;
    connections_[id] = std::move(*conn);
  }
}

// Finished connections go (their last packet was sent by the write before).
void QuicEndpoint::reap() {
  std::lock_guard lock(mutex_);
  for (auto it = connections_.begin(); it != connections_.end();) {
    connection_counters_[it->first] = it->second->counters();
    if (!it->second->finished()) {
      ++it;
      continue;
    }
    if (!it->second->established()) ++counters_.refused;
    by_address_.erase(key_of(it->second->remote()));
    it = connections_.erase(it);
  }
  published_ = counters_;
}

void QuicEndpoint::loop() {
  const QuicConnection::SendPacket send = [this](const sockaddr_in& to, std::span<const uint8_t> p) {
    send_packet(to, p);
  };
  while (!stop_.load(std::memory_order_acquire)) {
    run_commands(now_ns());
    uint64_t next = now_ns() + 100'000'000;
    for (auto& [id, c] : connections_) next = std::min(next, c->expiry());
    const uint64_t now = now_ns();
    const int timeout_ms = next <= now ? 0 : static_cast<int>((next - now + 999'999) / 1'000'000);
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(fds, 2, timeout_ms) > 0 && (fds[1].revents & POLLIN)) {
      uint64_t count = 0;
      (void)!::read(wake_fd_, &count, sizeof count);
    }
    receive(now_ns());
    const uint64_t after = now_ns();
    for (auto& [id, c] : connections_) {
      if (c->expiry() <= after)
        c->on_timer(after, send);
      else
        c->write(after, send);
    }
    reap();
  }
  for (auto& [id, c] : connections_) c->close(wire::ErrorCode::none, "the node stops", send);
}

}  // namespace ac::net
