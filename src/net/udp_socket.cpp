#include "net/udp_socket.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace ac::net {
namespace {

Unexpected fail(const std::string& what) {
  return unexpected(make_error(ErrorDomain::io, what + ": " + std::strerror(errno)));
}

}  // namespace

bool Endpoint::multicast() const {
  in_addr a{};
  return inet_pton(AF_INET, address.c_str(), &a) == 1 && IN_MULTICAST(ntohl(a.s_addr));
}

sockaddr_in Endpoint::to_sockaddr() const {
  sockaddr_in s{};
  s.sin_family = AF_INET;
  s.sin_port = htons(port);
  inet_pton(AF_INET, address.c_str(), &s.sin_addr);
  return s;
}

Expected<Endpoint> parse_endpoint(const std::string& text, uint16_t default_port) {
  Endpoint e;
  const size_t colon = text.rfind(':');
  e.address = text.substr(0, colon);
  e.port = default_port;
  if (colon != std::string::npos) {
    const std::string p = text.substr(colon + 1);
    char* end = nullptr;
    const long v = std::strtol(p.c_str(), &end, 10);
    if (p.empty() || *end != '\0' || v < 1 || v > 65535)
      return unexpected(make_error(ErrorDomain::io, "'" + text + "': the port must be 1..65535"));
    e.port = static_cast<uint16_t>(v);
  }
  in_addr a{};
  if (inet_pton(AF_INET, e.address.c_str(), &a) != 1)
    return unexpected(make_error(ErrorDomain::io, "'" + text + "': expected an IPv4 address such as 239.69.1.2:5004"));
  return e;
}

std::string interface_address(const std::string& name) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "";
  std::string found;
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && name == i->ifa_name) {
      char text[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, text, sizeof text);
      found = text;
      break;
    }
  }
  freeifaddrs(list);
  return found;
}

std::string interface_mac(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos) return "";
  std::ifstream in("/sys/class/net/" + name + "/address");
  std::string mac;
  if (!(in >> mac) || mac.size() != 17 || mac == "00:00:00:00:00:00") return "";
  for (char& c : mac) c = c == ':' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return mac;
}

UdpSocket::~UdpSocket() {
  if (fd_ >= 0) ::close(fd_);
}

UdpSocket::UdpSocket(UdpSocket&& o) noexcept : fd_(o.fd_), to_(o.to_), local_address_(std::move(o.local_address_)) {
  o.fd_ = -1;
}

UdpSocket& UdpSocket::operator=(UdpSocket&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    to_ = o.to_;
    local_address_ = std::move(o.local_address_);
    o.fd_ = -1;
  }
  return *this;
}

Expected<UdpSocket> UdpSocket::sender(const Endpoint& to, const SocketOptions& o) {
  UdpSocket s;
  s.fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s.fd_ < 0) return fail("socket");
  s.to_ = to.to_sockaddr();
  const int tos = static_cast<int>(o.dscp << 2);
  if (setsockopt(s.fd_, IPPROTO_IP, IP_TOS, &tos, sizeof tos) != 0) return fail("DSCP");
  if (!o.interface.empty()) {
    const unsigned index = if_nametoindex(o.interface.c_str());
    if (index == 0) return unexpected(make_error(ErrorDomain::io, "no network interface '" + o.interface + "'"));
    s.local_address_ = interface_address(o.interface);
    ip_mreqn m{};
    m.imr_ifindex = static_cast<int>(index);
    if (to.multicast() && setsockopt(s.fd_, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof m) != 0)
      return fail("multicast interface " + o.interface);
    if (!s.local_address_.empty()) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      inet_pton(AF_INET, s.local_address_.c_str(), &local.sin_addr);
      if (::bind(s.fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) return fail("bind to " + o.interface);
    }
  }
  const int ttl = static_cast<int>(o.ttl);
  const int loop = o.loopback ? 1 : 0;
  if (to.multicast() && (setsockopt(s.fd_, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) != 0 ||
                         setsockopt(s.fd_, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) != 0))
    return fail("multicast TTL");
  if (s.local_address_.empty()) s.local_address_ = "127.0.0.1";
  return s;
}

Expected<UdpSocket> UdpSocket::receiver(const Endpoint& at, const SocketOptions& o) {
  UdpSocket s;
  s.fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s.fd_ < 0) return fail("socket");
  const int one = 1;
  setsockopt(s.fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // several receivers of one group
  const int buffer = 4 << 20;                                     // a few hundred ms of 64-channel audio
  setsockopt(s.fd_, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  // A multicast receiver binds the group (so other groups on the port stay
  // out); a unicast one its address.
  sockaddr_in bind_to = at.to_sockaddr();
  if (::bind(s.fd_, reinterpret_cast<sockaddr*>(&bind_to), sizeof bind_to) != 0)
    return fail("bind " + at.address + ":" + std::to_string(at.port));
  if (at.multicast()) {
    ip_mreqn m{};
    m.imr_multiaddr = bind_to.sin_addr;
    if (!o.interface.empty()) {
      m.imr_ifindex = static_cast<int>(if_nametoindex(o.interface.c_str()));
      if (m.imr_ifindex == 0)
        return unexpected(make_error(ErrorDomain::io, "no network interface '" + o.interface + "'"));
    }
    if (setsockopt(s.fd_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) != 0)
      return fail("join " + at.address + (o.interface.empty() ? "" : " on " + o.interface));
  }
  return s;
}

bool UdpSocket::send(std::span<const uint8_t> d) noexcept {
  return ::sendto(fd_, d.data(), d.size(), 0, reinterpret_cast<const sockaddr*>(&to_), sizeof to_) ==
         static_cast<ssize_t>(d.size());
}

int UdpSocket::receive(std::span<uint8_t> into, int timeout_ms, sockaddr_in* from) noexcept {
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, timeout_ms);
  if (ready <= 0) return ready == 0 ? 0 : (errno == EINTR ? 0 : -1);
  socklen_t len = sizeof(sockaddr_in);
  sockaddr_in ignored{};
  const ssize_t n =
      ::recvfrom(fd_, into.data(), into.size(), MSG_TRUNC, reinterpret_cast<sockaddr*>(from ? from : &ignored), &len);
  if (n < 0) return errno == EINTR || errno == EAGAIN ? 0 : -1;
  // MSG_TRUNC: a datagram larger than `into` reports its real size, which
  // the caller sees as too large and counts.
  return static_cast<int>(n);
}

}  // namespace ac::net
