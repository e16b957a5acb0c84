#pragma once
// A UDP socket for RTP and SAP: bound to an interface chosen by name (never
// all interfaces unless asked), multicast joined on that interface, TTL and
// DSCP set as AES67 asks (AF41 by default). Blocking calls with a timeout,
// for the network threads only.
#include <netinet/in.h>

#include <cstdint>
#include <span>
#include <string>

#include "core/expected.h"

namespace ac::net {

struct Endpoint {
  std::string address;  // dotted IPv4
  uint16_t port = 0;
  bool multicast() const;
  sockaddr_in to_sockaddr() const;
};

// "239.1.2.3:5004" (the port defaults to `default_port`).
Expected<Endpoint> parse_endpoint(const std::string& text, uint16_t default_port);

struct SocketOptions {
  std::string interface;  // by name ("" = the kernel's choice)
  uint32_t ttl = 16;      // multicast hops (AES67 streams stay in the site)
  uint32_t dscp = 34;     // AF41, AES67's class for media
  bool loopback = true;   // multicast sent is seen on this host too (two processes on one machine)
};

class UdpSocket {
 public:
  UdpSocket() = default;
  ~UdpSocket();
  UdpSocket(UdpSocket&& other) noexcept;
  UdpSocket& operator=(UdpSocket&& other) noexcept;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // [control] A socket that sends to `to`.
  static Expected<UdpSocket> sender(const Endpoint& to, const SocketOptions& options);
  // [control] A socket that receives what is sent to `at` (a multicast group
  // is joined on the interface).
  static Expected<UdpSocket> receiver(const Endpoint& at, const SocketOptions& options);

  // [network thread] One datagram; false if the kernel refused it.
  bool send(std::span<const uint8_t> datagram) noexcept;
  // [network thread] One datagram into `into` within `timeout_ms`; its size,
  // 0 on timeout, -1 on error.
  int receive(std::span<uint8_t> into, int timeout_ms, sockaddr_in* from = nullptr) noexcept;
  // [any] The descriptor, to poll several sockets at once (-1: none).
  int fd() const { return fd_; }
  // The address packets leave from (the interface's), for SDP's o= line.
  const std::string& local_address() const { return local_address_; }

 private:
  int fd_ = -1;
  sockaddr_in to_{};
  std::string local_address_;
};

// [control] The IPv4 address of interface `name` ("" if none).
std::string interface_address(const std::string& name);
// [control] Its MAC address as RFC 7273 writes it ("7C-E9-D3-1B-9A-AF"; ""
// if none).
std::string interface_mac(const std::string& name);

}  // namespace ac::net
