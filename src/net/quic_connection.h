#pragma once
// One QUIC connection of the node fabric (docs/spec/wire.md), on ngtcp2
// with GnuTLS: the handshake (mutual certificates, ALPN audiocloud/0), the
// intent stream (length-prefixed CBOR messages, hello first), and audio
// datagrams. Lives on its endpoint's network thread and nowhere else.
//
// Datagrams are never retransmitted. Congestion control is ngtcp2's CUBIC
// for the intent stream; audio datagrams go first in every write and are
// held back at most until the queue of 64 is full (then the oldest is
// dropped and counted): a link's rate is fixed by its format, so waiting
// would only turn loss into lateness.
#include <netinet/in.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/expected.h"
#include "net/fabric_session_link.h"
#include "net/fabric_tls.h"
#include "net/wire_message.h"

typedef struct ngtcp2_conn ngtcp2_conn;

namespace ac::net {

using ConnectionId = uint64_t;

// What the fabric tells its user, on the network thread (keep it short:
// every connection waits).
class FabricEvents {
 public:
  virtual ~FabricEvents() = default;
  // Both hellos exchanged: the peer is authenticated (its certificate's
  // name is the name in its hello) and speaks our major version.
  virtual void connected(ConnectionId, const wire::Hello& /*peer*/) {}
  virtual void message(ConnectionId, const wire::Message&) {}
  virtual void datagram(ConnectionId, std::span<const uint8_t>) {}
  // The connection ended (refused, closed by either end, timed out), and why.
  virtual void closed(ConnectionId, const std::string& /*why*/) {}
};

struct QuicConnectionCounters {
  uint64_t datagrams_sent = 0, datagrams_received = 0, datagrams_dropped = 0;
  uint64_t messages_sent = 0, messages_received = 0;
};

class QuicConnection {
 public:
  using SendPacket = std::function<void(const sockaddr_in& to, std::span<const uint8_t> packet)>;

  struct Setup {
    ConnectionId id = 0;
    std::shared_ptr<const FabricTls> tls;
    const wire::Hello* hello = nullptr;  // ours (outlives the connection)
    FabricEvents* events = nullptr;
    sockaddr_in local{}, remote{};
  };
  // [network] A connection we open.
  static Expected<std::unique_ptr<QuicConnection>> client(const Setup& setup, uint64_t now_ns);
  // [network] A connection a peer opened: `packet` is its first Initial.
  static Expected<std::unique_ptr<QuicConnection>> server(const Setup& setup, std::span<const uint8_t> packet,
                                                          uint64_t now_ns);
  ~QuicConnection();
  QuicConnection(const QuicConnection&) = delete;
  QuicConnection& operator=(const QuicConnection&) = delete;

  // [network] One UDP datagram from the peer.
  void read(std::span<const uint8_t> packet, uint64_t now_ns);
  // [network] Sends what is due.
  void write(uint64_t now_ns, const SendPacket& send);
  // [network] When write() or on_timer() is next due (ns, steady clock).
  uint64_t expiry() const;
  void on_timer(uint64_t now_ns, const SendPacket& send);

  void queue(const wire::Message& m);               // [network] on the intent stream
  void queue_datagram(std::vector<uint8_t> bytes);  // [network] as a QUIC DATAGRAM
  // [network] Ends it: `close` with the code on the intent stream, then
  // QUIC's CONNECTION_CLOSE with the same application error code.
  void close(wire::ErrorCode code, const std::string& reason, const SendPacket& send);

  bool finished() const { return finished_; }  // closed, and said so
  bool established() const { return hello_received_; }
  ConnectionId id() const { return setup_.id; }
  const sockaddr_in& remote() const { return setup_.remote; }
  const std::string& peer_name() const { return check_.name; }
  const QuicConnectionCounters& counters() const { return counters_; }

 private:
  explicit QuicConnection(const Setup& setup);
  Expected<void> start_tls(bool server);
  void fail(const std::string& why, const SendPacket* send);
  void finish(const std::string& why);
  void take_stream_data(int64_t stream, std::span<const uint8_t> data, bool fin);
  void take_message(std::span<const uint8_t> item);
  void handshake_done();
  void acked(uint64_t offset, uint64_t length);
  bool write_one(uint64_t now_ns, const SendPacket& send);
  bool fail_write(long rc);
  std::string peer_close_reason();
  friend struct QuicCallbacks;

  Setup setup_;
  ngtcp2_conn* conn_ = nullptr;
  gnutls_session_t session_ = nullptr;
  FabricSessionLink link_;
  PeerCheck check_;
  bool server_ = false, handshake_done_ = false, hello_sent_ = false, hello_received_ = false;
  bool finished_ = false;
  std::string close_reason_;  // set when we close; said when finished
  int64_t intent_stream_ = -1;
  // The intent stream's bytes, kept until the peer acknowledged them
  // (ngtcp2 resends from them): whole messages, each its own vector so
  // none moves while ngtcp2 points into it.
  std::deque<std::vector<uint8_t>> outbox_;
  uint64_t outbox_base_ = 0;  // stream offset of outbox_.front()[0]
  uint64_t outbox_sent_ = 0;  // stream offset handed to ngtcp2 so far
  uint64_t outbox_end_ = 0;   // stream offset after the last byte queued
  std::vector<uint8_t> inbox_;
  std::deque<std::vector<uint8_t>> datagrams_;
  uint64_t next_datagram_id_ = 0;
  uint64_t last_sent_ns_ = 0;                      // the last intent message or datagram sent
  std::vector<uint8_t> pending_close_;             // a CONNECTION_CLOSE still to send
  bool datagrams_refused_ = false;                 // the peer offers no datagrams
  std::optional<wire::ErrorCode> protocol_error_;  // the peer broke the protocol: close
  std::string protocol_error_text_;
  QuicConnectionCounters counters_;
};

}  // namespace ac::net
