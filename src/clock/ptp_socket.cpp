#include "clock/ptp_socket.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/errqueue.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "clock/virtual_clock.h"

namespace ac::ptp {
namespace {

constexpr const char* kGroup = "224.0.1.129";

Unexpected fail(const std::string& what) {
  return unexpected(make_error(ErrorDomain::clock, "PTP socket: " + what + ": " + std::strerror(errno)));
}

std::string ipv4_of(const std::string& iface) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "";
  std::string out;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET && iface == a->ifa_name) {
      char buf[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, buf, sizeof buf);
      out = buf;
      break;
    }
  }
  freeifaddrs(list);
  return out;
}

// What ETHTOOL_GET_TS_INFO says the interface can stamp.
std::string hardware_of(int fd, const std::string& iface) {
  ethtool_ts_info info{};
  info.cmd = ETHTOOL_GET_TS_INFO;
  ifreq req{};
  std::strncpy(req.ifr_name, iface.c_str(), IFNAMSIZ - 1);
  req.ifr_data = reinterpret_cast<char*>(&info);
  if (ioctl(fd, SIOCETHTOOL, &req) != 0) return "unknown (ETHTOOL_GET_TS_INFO failed)";
  const bool hw =
      (info.so_timestamping & SOF_TIMESTAMPING_TX_HARDWARE) && (info.so_timestamping & SOF_TIMESTAMPING_RX_HARDWARE);
  if (!hw) return "none (software time stamps only)";
  return "hardware time stamps, PHC /dev/ptp" + std::to_string(info.phc_index) + " (not used yet: software stamps)";
}

Expected<int> open_one(const std::string& iface, const std::string& address, uint16_t port) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return fail("socket");
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface.c_str(), static_cast<socklen_t>(iface.size())) != 0) {
    close(fd);
    return fail("bind to " + iface);
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return fail("bind port " + std::to_string(port));
  }
  ip_mreqn m{};
  inet_pton(AF_INET, kGroup, &m.imr_multiaddr);
  m.imr_ifindex = static_cast<int>(if_nametoindex(iface.c_str()));
  if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) != 0) {
    close(fd);
    return fail("join " + std::string(kGroup) + " on " + iface);
  }
  in_addr local{};
  inet_pton(AF_INET, address.c_str(), &local);
  setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &local, sizeof local);
  const unsigned char ttl = 1, loop = 0;
  setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
  setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop);
  return fd;
}

// The software time stamp in a message's control data, on the system clock.
std::optional<RealtimeNanos> stamp_of(msghdr& h) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
    if (c->cmsg_level != SOL_SOCKET) continue;
    if (c->cmsg_type == SCM_TIMESTAMPING) {
      timespec ts[3];
      std::memcpy(ts, CMSG_DATA(c), sizeof ts);
      return RealtimeNanos{int64_t{ts[0].tv_sec} * 1000000000 + ts[0].tv_nsec};
    }
    if (c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts;
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      return RealtimeNanos{int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec};
    }
  }
  return std::nullopt;
}

}  // namespace

LocalNanos realtime_to_raw(RealtimeNanos realtime) {
  const VirtualClock::Pair now = VirtualClock::local_and_realtime();
  return now.local + (realtime - now.realtime);
}

Expected<Socket> Socket::open(const std::string& iface) {
  Socket s;
  s.iface_ = iface;
  s.address_ = ipv4_of(iface);
  if (s.address_.empty()) {
    errno = ENODEV;
    return fail("interface " + iface + " has no IPv4 address");
  }
  auto ev = open_one(iface, s.address_, 319);
  if (!ev) return unexpected(ev.error());
  s.event_fd_ = *ev;
  auto gen = open_one(iface, s.address_, 320);
  if (!gen) return unexpected(gen.error());
  s.general_fd_ = *gen;
  const int flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
  if (setsockopt(s.event_fd_, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof flags) == 0) {
    s.so_timestamping_ = true;
    s.timestamping_ = "software (SO_TIMESTAMPING)";
  } else {
    const int one = 1;
    setsockopt(s.event_fd_, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    s.timestamping_ = "software (SO_TIMESTAMPNS receive, clock read after send)";
  }
  s.hardware_ = hardware_of(s.event_fd_, iface);
  return s;
}

Socket::Socket(Socket&& o) noexcept
    : event_fd_(o.event_fd_),
      general_fd_(o.general_fd_),
      so_timestamping_(o.so_timestamping_),
      timestamping_(std::move(o.timestamping_)),
      hardware_(std::move(o.hardware_)),
      address_(std::move(o.address_)),
      iface_(std::move(o.iface_)) {
  o.event_fd_ = o.general_fd_ = -1;
}

Socket::~Socket() {
  if (event_fd_ >= 0) close(event_fd_);
  if (general_fd_ >= 0) close(general_fd_);
}

std::optional<Received> Socket::receive(int timeout_ms) {
  pollfd fds[2] = {{event_fd_, POLLIN, 0}, {general_fd_, POLLIN, 0}};
  if (poll(fds, 2, timeout_ms) <= 0) return std::nullopt;
  const bool event = fds[0].revents & POLLIN;
  const int fd = event ? event_fd_ : general_fd_;
  Received r;
  r.event = event;
  r.bytes.resize(1500);
  alignas(cmsghdr) char control[256];
  iovec iov{r.bytes.data(), r.bytes.size()};
  msghdr h{};
  h.msg_iov = &iov;
  h.msg_iovlen = 1;
  h.msg_control = control;
  h.msg_controllen = sizeof control;
  const ssize_t n = recvmsg(fd, &h, 0);
  const LocalNanos fallback = VirtualClock::local_now();
  if (n < 0) return std::nullopt;
  r.bytes.resize(static_cast<size_t>(n));
  const auto stamp = stamp_of(h);
  r.stamp = stamp ? realtime_to_raw(*stamp) : fallback;
  return r;
}

Expected<std::optional<LocalNanos>> Socket::send(std::span<const uint8_t> bytes, bool event, bool stamp) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(event ? 319 : 320);
  inet_pton(AF_INET, kGroup, &to.sin_addr);
  const int fd = event ? event_fd_ : general_fd_;
  if (sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) return fail("send");
  const LocalNanos after = VirtualClock::local_now();
  if (!event || !stamp) return std::optional<LocalNanos>{};
  if (!so_timestamping_) return std::optional<LocalNanos>{after};
  // The transmit stamp comes back on the error queue with the packet.
  for (int tries = 0; tries < 100; ++tries) {
    pollfd p{fd, POLLPRI, 0};
    poll(&p, 1, 1);
    std::vector<uint8_t> echo(1500);
    alignas(cmsghdr) char control[256];
    iovec iov{echo.data(), echo.size()};
    msghdr h{};
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    h.msg_control = control;
    h.msg_controllen = sizeof control;
    if (recvmsg(fd, &h, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) continue;
    if (auto s = stamp_of(h)) return std::optional<LocalNanos>{realtime_to_raw(*s)};
  }
  ++missing_tx_stamps_;
  return std::optional<LocalNanos>{after};  // no stamp came back: the send time read after
}

}  // namespace ac::ptp
