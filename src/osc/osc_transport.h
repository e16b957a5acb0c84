#pragma once
// The sockets under OSC control: UDP datagrams, or TCP streams of packets
// each prefixed with its size (a big-endian int32, OSC 1.0's stream framing,
// as liblo's osc.tcp:// sends them). The socket is bound to the address the
// user named, or to loopback (127.0.0.1) when none was named: a control
// surface without authentication is not opened to the network by default
// (docs/security.md). Bounded everywhere: packets per poll, bytes per TCP
// client, clients at once. Control thread only.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/expected.h"

namespace ac {

struct OscBind {
  bool tcp = false;
  std::string address = "127.0.0.1";  // IPv4, dotted ("0.0.0.0": every interface)
  uint16_t port = 0;                  // 0: any free port
  bool address_named = false;         // the user named it (else loopback by default)
  // [any] Whether only this machine can reach it.
  bool loopback() const;
};

// [any] "udp:PORT", "udp:ADDRESS:PORT", "tcp:PORT" or "tcp:ADDRESS:PORT";
// ADDRESS is dotted IPv4 or "localhost". Errors say what was expected.
Expected<OscBind> parse_osc_bind(const std::string& spec);

// Who sent a packet, to answer: a UDP address, or a TCP connection.
struct OscPeer {
  sockaddr_in address{};
  int connection = -1;  // TCP: the client's socket; -1 for UDP
};

class OscTransport {
 public:
  static constexpr size_t kMaxPacket = 64 * 1024;
  static constexpr size_t kMaxClients = 16;
  static constexpr int kMaxPacketsPerPoll = 1000;

  // [control] Binds and (TCP) listens. Errors name the address and why.
  static Expected<std::unique_ptr<OscTransport>> open(const OscBind& bind);
  ~OscTransport();
  OscTransport(const OscTransport&) = delete;
  OscTransport& operator=(const OscTransport&) = delete;

  using PacketHandler = std::function<void(std::span<const uint8_t> packet, const OscPeer& from)>;
  // [control] Waits up to `timeout_ms` for the first packet, then hands
  // every packet that has arrived (at most kMaxPacketsPerPoll) to `handle`.
  // A TCP packet larger than kMaxPacket closes its connection (counted).
  void poll(int timeout_ms, const PacketHandler& handle);
  // [control] Sends one packet back to `to` (best effort, never blocks).
  void reply(const OscPeer& to, std::span<const uint8_t> packet);
  // [control] Sends one packet to a UDP address (subscribers).
  void send_to(const sockaddr_in& to, std::span<const uint8_t> packet);

  const OscBind& bind() const { return bind_; }
  uint16_t port() const { return port_; }
  // "osc.udp://127.0.0.1:9000/"
  std::string url() const;
  uint64_t dropped_connections() const { return dropped_connections_; }

 private:
  OscTransport() = default;
  void poll_udp(int timeout_ms, const PacketHandler& handle);
  void poll_tcp(int timeout_ms, const PacketHandler& handle);
  void read_client(size_t i, const PacketHandler& handle, int& packets);
  void drop_client(size_t i);
  struct Client {
    int fd = -1;
    sockaddr_in address{};
    std::vector<uint8_t> pending;  // bytes of packets not yet complete
  };
  OscBind bind_;
  int fd_ = -1;       // the UDP socket, or the TCP listener
  int udp_out_ = -1;  // TCP servers: a UDP socket for subscribers
  uint16_t port_ = 0;
  std::vector<Client> clients_;
  uint64_t dropped_connections_ = 0;
};

}  // namespace ac
