#pragma once
// A node's fabric endpoint: one UDP socket and one network thread that run
// every QUIC connection of the node (docs/spec/wire.md), those it accepts
// and those it opens, from the same address. The control side asks for
// connections, messages and datagrams through a queue the thread drains;
// what happens comes back through FabricEvents, on the network thread.
// Never the audio thread: links reach it through lock-free rings of their
// own.
#include <netinet/in.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/expected.h"
#include "net/fabric_tls.h"
#include "net/quic_connection.h"
#include "net/wire_message.h"

namespace ac::net {

struct EndpointOptions {
  std::string listen = "0.0.0.0:4433";  // address:port (port 0: any free one)
  std::shared_ptr<const FabricTls> tls;
  wire::Hello hello;  // ours; its name must be our certificate's
  FabricEvents* events = nullptr;
};

struct EndpointCounters {
  uint64_t connections_accepted = 0, connections_opened = 0, refused = 0;
  uint64_t packets_in = 0, packets_out = 0, stray_packets = 0;  // stray: no connection and no Initial
};

class QuicEndpoint {
 public:
  // [control] Binds, starts the network thread.
  static Expected<std::unique_ptr<QuicEndpoint>> start(EndpointOptions options);
  ~QuicEndpoint();  // closes every connection (code none), stops the thread
  QuicEndpoint(const QuicEndpoint&) = delete;
  QuicEndpoint& operator=(const QuicEndpoint&) = delete;

  uint16_t port() const { return port_; }

  // [control] Opens a connection to address:port; the result comes as
  // FabricEvents::connected or ::closed with this id.
  Expected<ConnectionId> connect(const std::string& address);
  // [any but audio] On the connection's intent stream / as a datagram.
  void send(ConnectionId id, const wire::Message& m);
  void send_datagram(ConnectionId id, std::vector<uint8_t> bytes);
  void close(ConnectionId id, wire::ErrorCode code, const std::string& reason);

  // [any] Copies of the counters.
  EndpointCounters counters() const;
  QuicConnectionCounters connection_counters(ConnectionId id) const;

 private:
  struct Command;
  QuicEndpoint() = default;
  void loop();
  void run_commands(uint64_t now_ns);
  void receive(uint64_t now_ns);
  void post(Command c);
  void send_packet(const sockaddr_in& to, std::span<const uint8_t> packet);
  void reap();

  EndpointOptions options_;
  int fd_ = -1, wake_fd_ = -1;
  uint16_t port_ = 0;
  sockaddr_in local_{};
  std::thread thread_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;  // commands_, counters_ copies, next_id_
  std::vector<Command> commands_;
  ConnectionId next_id_ = 1;
  // Network thread only: connections by id, and by the peer's address
  // (v0 disables migration: a peer keeps its address).
  std::map<ConnectionId, std::unique_ptr<QuicConnection>> connections_;
  std::map<std::pair<uint32_t, uint16_t>, ConnectionId> by_address_;
  EndpointCounters counters_;                                           // network thread; published below each turn
  EndpointCounters published_;                                          // under mutex_
  std::map<ConnectionId, QuicConnectionCounters> connection_counters_;  // under mutex_
};

}  // namespace ac::net
