#include "osc/osc_transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstring>

namespace ac {
namespace {

Unexpected fail(const std::string& message) {
  return unexpected(make_error(ErrorDomain::osc, message));
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() <= 5 && s.find_first_not_of("0123456789") == std::string::npos;
}

void set_nonblocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

uint32_t read_u32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}

}  // namespace

bool OscBind::loopback() const {
  in_addr a{};
  return inet_pton(AF_INET, address.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

Expected<OscBind> parse_osc_bind(const std::string& spec) {
  const std::string usage = "--osc takes udp:PORT, tcp:PORT, udp:ADDRESS:PORT or tcp:ADDRESS:PORT, got '" + spec + "'";
  const size_t colon = spec.find(':');
  if (colon == std::string::npos) return fail(usage);
  OscBind b;
  const std::string proto = spec.substr(0, colon);
  if (proto != "udp" && proto != "tcp") return fail(usage);
  b.tcp = proto == "tcp";
  std::string rest = spec.substr(colon + 1);
  const size_t last = rest.rfind(':');
  if (last != std::string::npos) {
    b.address = rest.substr(0, last);
    b.address_named = true;
    rest = rest.substr(last + 1);
    if (b.address == "localhost") b.address = "127.0.0.1";
    in_addr a{};
    if (inet_pton(AF_INET, b.address.c_str(), &a) != 1)
      return fail(usage + " ('" + b.address + "' is not an IPv4 address)");
  }
  if (!all_digits(rest) || std::stoul(rest) > 65535) return fail(usage);
  b.port = static_cast<uint16_t>(std::stoul(rest));
  return b;
}

Expected<std::unique_ptr<OscTransport>> OscTransport::open(const OscBind& bind) {
  std::unique_ptr<OscTransport> t(new OscTransport());
  t->bind_ = bind;
  const std::string where =
      std::string(bind.tcp ? "tcp" : "udp") + " " + bind.address + ":" + std::to_string(bind.port);
  t->fd_ = socket(AF_INET, (bind.tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  if (t->fd_ < 0) return fail("cannot open an OSC socket: " + std::string(std::strerror(errno)));
  const int one = 1;
  if (bind.tcp) setsockopt(t->fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(bind.port);
  inet_pton(AF_INET, bind.address.c_str(), &a.sin_addr);
  if (::bind(t->fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    return fail("cannot open an OSC server on " + where + ": " + std::strerror(errno) + " (in use?)");
  if (bind.tcp && listen(t->fd_, 8) != 0) return fail("cannot listen on " + where + ": " + std::strerror(errno));
  set_nonblocking(t->fd_);
  socklen_t len = sizeof a;
  getsockname(t->fd_, reinterpret_cast<sockaddr*>(&a), &len);
  t->port_ = ntohs(a.sin_port);
  t->udp_out_ = bind.tcp ? socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0) : t->fd_;
  return t;
}

OscTransport::~OscTransport() {
  for (Client& c : clients_) close(c.fd);
  if (udp_out_ >= 0 && udp_out_ != fd_) close(udp_out_);
  if (fd_ >= 0) close(fd_);
}

std::string OscTransport::url() const {
  return std::string(bind_.tcp ? "osc.tcp://" : "osc.udp://") + bind_.address + ":" + std::to_string(port_) + "/";
}

void OscTransport::poll(int timeout_ms, const PacketHandler& handle) {
  if (bind_.tcp)
    poll_tcp(timeout_ms, handle);
  else
    poll_udp(timeout_ms, handle);
}

void OscTransport::poll_udp(int timeout_ms, const PacketHandler& handle) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return;
  std::vector<uint8_t> buffer(kMaxPacket);
  for (int i = 0; i < kMaxPacketsPerPoll; ++i) {
    OscPeer from;
    socklen_t len = sizeof from.address;
    const ssize_t n =
        recvfrom(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from.address), &len);
    if (n < 0) return;  // nothing more (EAGAIN) or a transient error
    handle(std::span<const uint8_t>(buffer.data(), static_cast<size_t>(n)), from);
  }
}

void OscTransport::poll_tcp(int timeout_ms, const PacketHandler& handle) {
  std::vector<pollfd> fds{{fd_, POLLIN, 0}};
  for (const Client& c : clients_) fds.push_back({c.fd, POLLIN, 0});
  if (::poll(fds.data(), fds.size(), timeout_ms) <= 0) return;
  if (fds[0].revents & POLLIN) {
    Client c;
    socklen_t len = sizeof c.address;
    c.fd = accept4(fd_, reinterpret_cast<sockaddr*>(&c.address), &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (c.fd >= 0 && clients_.size() >= kMaxClients) {
      close(c.fd);
      ++dropped_connections_;
    } else if (c.fd >= 0) {
      clients_.push_back(std::move(c));
    }
  }
  int packets = 0;
  for (size_t i = clients_.size(); i-- > 0;) read_client(i, handle, packets);
}

void OscTransport::read_client(size_t i, const PacketHandler& handle, int& packets) {
  uint8_t chunk[4096];
  const ssize_t n = recv(clients_[i].fd, chunk, sizeof chunk, MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return drop_client(i);
  if (n < 0) return;
  std::vector<uint8_t>& pending = clients_[i].pending;
  pending.insert(pending.end(), chunk, chunk + n);
  OscPeer from;
  from.address = clients_[i].address;
  from.connection = clients_[i].fd;
  size_t pos = 0;
  while (pending.size() - pos >= 4 && packets < kMaxPacketsPerPoll) {
    const uint32_t size = read_u32(&pending[pos]);
    if (size > kMaxPacket) {
      ++dropped_connections_;
      return drop_client(i);
    }
    if (pending.size() - pos - 4 < size) break;
    handle(std::span<const uint8_t>(pending.data() + pos + 4, size), from);
    ++packets;
    pos += 4 + size;
  }
  pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(pos));
}

void OscTransport::drop_client(size_t i) {
  close(clients_[i].fd);
  clients_.erase(clients_.begin() + static_cast<std::ptrdiff_t>(i));
}

void OscTransport::reply(const OscPeer& to, std::span<const uint8_t> packet) {
  if (to.connection < 0) return send_to(to.address, packet);
  uint8_t size[4] = {static_cast<uint8_t>(packet.size() >> 24), static_cast<uint8_t>(packet.size() >> 16),
                     static_cast<uint8_t>(packet.size() >> 8), static_cast<uint8_t>(packet.size())};
  // Best effort: a client that does not read its answers loses them.
  if (send(to.connection, size, 4, MSG_DONTWAIT | MSG_NOSIGNAL) == 4)
    send(to.connection, packet.data(), packet.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

void OscTransport::send_to(const sockaddr_in& to, std::span<const uint8_t> packet) {
  if (udp_out_ < 0) return;
  sendto(udp_out_, packet.data(), packet.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), sizeof to);
}

}  // namespace ac
