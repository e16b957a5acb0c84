#include "net/quic_connection.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "net/quic_varint.h"

namespace ac::net {

namespace {

constexpr size_t kMaxPacket = 1452;             // an Ethernet MTU less IPv4/UDP
constexpr size_t kDatagramQueue = 64;           // audio held back at most this many packets
constexpr uint64_t kMaxDatagramFrame = 1400;    // ≥ 1200 (spec §1)
constexpr uint64_t kKeepaliveNs = 500'000'000;  // spec §2.5

Unexpected quic_fail(const std::string& what, int code) {
  return unexpected(make_error(ErrorDomain::net, what + " (ngtcp2: " + ngtcp2_strerror(code) + ")"));
}

ngtcp2_path path_of(const sockaddr_in& local, const sockaddr_in& remote) {
  ngtcp2_path p{};
  p.local.addr = reinterpret_cast<ngtcp2_sockaddr*>(const_cast<sockaddr_in*>(&local));
  p.local.addrlen = sizeof local;
  p.remote.addr = reinterpret_cast<ngtcp2_sockaddr*>(const_cast<sockaddr_in*>(&remote));
  p.remote.addrlen = sizeof remote;
  return p;
}

ngtcp2_cid random_cid(size_t length) {
  ngtcp2_cid cid{};
  cid.datalen = length;
  (void)gnutls_rnd(GNUTLS_RND_RANDOM, cid.data, length);
  return cid;
}

// The TLS alerts a certificate refusal sends, by name (RFC 8446 §6).
std::string alert_name(uint8_t alert) {
  switch (alert) {
    case 40:
      return "handshake_failure";
    case 42:
      return "bad_certificate";
    case 43:
      return "unsupported_certificate";
    case 44:
      return "certificate_revoked";
    case 45:
      return "certificate_expired";
    case 46:
      return "certificate_unknown";
    case 48:
      return "unknown_ca";
    case 116:
      return "certificate_required";
    case 120:
      return "no_application_protocol";
    default:
      return "alert " + std::to_string(alert);
  }
}

}  // namespace

// ngtcp2's callbacks: `user_data` is the QuicConnection.
struct QuicCallbacks {
  static QuicConnection& self(void* user) { return *static_cast<QuicConnection*>(user); }

  static void rand(uint8_t* dest, size_t length, const ngtcp2_rand_ctx*) {
    (void)gnutls_rnd(GNUTLS_RND_RANDOM, dest, length);
  }
  static int new_connection_id(ngtcp2_conn*, ngtcp2_cid* cid, uint8_t* token, size_t length, void*) {
    *cid = random_cid(length);
    return gnutls_rnd(GNUTLS_RND_RANDOM, token, NGTCP2_STATELESS_RESET_TOKENLEN) == 0 ? 0 : NGTCP2_ERR_CALLBACK_FAILURE;
  }
  static int stream_data(ngtcp2_conn*, uint32_t flags, int64_t stream, uint64_t, const uint8_t* data, size_t length,
                         void* user, void*) {
    self(user).take_stream_data(stream, {data, length}, (flags & NGTCP2_STREAM_DATA_FLAG_FIN) != 0);
    return 0;
  }
  static int acked(ngtcp2_conn*, int64_t, uint64_t offset, uint64_t length, void* user, void*) {
    self(user).acked(offset, length);
    return 0;
  }
  static int handshake_completed(ngtcp2_conn*, void* user) {
    self(user).handshake_done();
    return 0;
  }
  static int datagram(ngtcp2_conn*, uint32_t, const uint8_t* data, size_t length, void* user) {
    QuicConnection& c = self(user);
    ++c.counters_.datagrams_received;
    // Audio before both hellos is not on any link yet.
    if (c.hello_received_) c.setup_.events->datagram(c.setup_.id, {data, length});
    return 0;
  }
  static ngtcp2_conn* conn_of(ngtcp2_crypto_conn_ref* ref) {
    return static_cast<QuicConnection*>(ref->user_data)->conn_;
  }

  static ngtcp2_callbacks table(bool server) {
    ngtcp2_callbacks cb{};
    if (server) {
      cb.recv_client_initial = ngtcp2_crypto_recv_client_initial_cb;
    } else {
      cb.client_initial = ngtcp2_crypto_client_initial_cb;
      cb.recv_retry = ngtcp2_crypto_recv_retry_cb;
    }
    cb.recv_crypto_data = ngtcp2_crypto_recv_crypto_data_cb;
    cb.encrypt = ngtcp2_crypto_encrypt_cb;
    cb.decrypt = ngtcp2_crypto_decrypt_cb;
    cb.hp_mask = ngtcp2_crypto_hp_mask_cb;
    cb.update_key = ngtcp2_crypto_update_key_cb;
    cb.delete_crypto_aead_ctx = ngtcp2_crypto_delete_crypto_aead_ctx_cb;
    cb.delete_crypto_cipher_ctx = ngtcp2_crypto_delete_crypto_cipher_ctx_cb;
    cb.get_path_challenge_data = ngtcp2_crypto_get_path_challenge_data_cb;
    cb.version_negotiation = ngtcp2_crypto_version_negotiation_cb;
    cb.rand = rand;
    cb.get_new_connection_id = new_connection_id;
    cb.recv_stream_data = stream_data;
    cb.acked_stream_data_offset = acked;
    cb.handshake_completed = handshake_completed;
    cb.recv_datagram = datagram;
    return cb;
  }
};

namespace {

void defaults(ngtcp2_settings& settings, ngtcp2_transport_params& params, uint64_t now_ns) {
  ngtcp2_settings_default(&settings);
  settings.initial_ts = now_ns;
  settings.cc_algo = NGTCP2_CC_ALGO_CUBIC;
  settings.handshake_timeout = 5 * NGTCP2_SECONDS;
  settings.max_tx_udp_payload_size = kMaxPacket;
  ngtcp2_transport_params_default(&params);
  params.initial_max_streams_bidi = 1;  // the intent stream (spec §1)
  params.initial_max_streams_uni = 0;
  params.initial_max_stream_data_bidi_local = 256 * 1024;
  params.initial_max_stream_data_bidi_remote = 256 * 1024;
  params.initial_max_data = 1024 * 1024;
  // A silent peer is gone after a second (spec §2.5: keepalive every 500 ms).
  params.max_idle_timeout = 1 * NGTCP2_SECONDS;
  params.max_datagram_frame_size = kMaxDatagramFrame;
  params.disable_active_migration = 1;
}

}  // namespace

QuicConnection::QuicConnection(const Setup& setup) : setup_(setup) {
  link_.ref.get_conn = QuicCallbacks::conn_of;
  link_.ref.user_data = this;
  link_.check = &check_;
}

QuicConnection::~QuicConnection() {
  if (conn_) ngtcp2_conn_del(conn_);
  if (session_) gnutls_deinit(session_);
}

Expected<void> QuicConnection::start_tls(bool server) {
  server_ = server;
  auto s = setup_.tls->new_session(server, &link_);
  if (!s) return unexpected(s.error());
  session_ = *s;
  ngtcp2_conn_set_tls_native_handle(conn_, session_);
  return {};
}

Expected<std::unique_ptr<QuicConnection>> QuicConnection::client(const Setup& setup, uint64_t now_ns) {
  std::unique_ptr<QuicConnection> c(new QuicConnection(setup));
  ngtcp2_settings settings;
  ngtcp2_transport_params params;
  defaults(settings, params, now_ns);
  const ngtcp2_cid dcid = random_cid(18), scid = random_cid(16);
  const ngtcp2_path path = path_of(c->setup_.local, c->setup_.remote);
  const ngtcp2_callbacks cb = QuicCallbacks::table(false);
  const int rc = ngtcp2_conn_client_new(&c->conn_, &dcid, &scid, &path, NGTCP2_PROTO_VER_V1, &cb, &settings, &params,
                                        nullptr, c.get());
  if (rc != 0) return quic_fail("cannot open a QUIC connection", rc);
  if (auto ok = c->start_tls(false); !ok) return unexpected(ok.error());
  return c;
}

Expected<std::unique_ptr<QuicConnection>> QuicConnection::server(const Setup& setup, std::span<const uint8_t> packet,
                                                                 uint64_t now_ns) {
  ngtcp2_pkt_hd hd;
  if (ngtcp2_accept(&hd, packet.data(), packet.size()) != 0)
    return unexpected(make_error(ErrorDomain::net, "not a QUIC v1 Initial packet"));
  std::unique_ptr<QuicConnection> c(new QuicConnection(setup));
  ngtcp2_settings settings;
  ngtcp2_transport_params params;
  defaults(settings, params, now_ns);
  params.original_dcid = hd.dcid;
  const ngtcp2_cid scid = random_cid(16);
  const ngtcp2_path path = path_of(c->setup_.local, c->setup_.remote);
  const ngtcp2_callbacks cb = QuicCallbacks::table(true);
  const int rc =
      ngtcp2_conn_server_new(&c->conn_, &hd.scid, &scid, &path, hd.version, &cb, &settings, &params, nullptr, c.get());
  if (rc != 0) return quic_fail("cannot accept a QUIC connection", rc);
  if (auto ok = c->start_tls(true); !ok) return unexpected(ok.error());
  return c;
}

void QuicConnection::read(std::span<const uint8_t> packet, uint64_t now_ns) {
  if (finished_) return;
  ngtcp2_path path = path_of(setup_.local, setup_.remote);
  ngtcp2_pkt_info pi{};
  const int rc = ngtcp2_conn_read_pkt(conn_, &path, &pi, packet.data(), packet.size(), now_ns);
  if (rc == 0) return;
  if (rc == NGTCP2_ERR_DRAINING) {
    finish(peer_close_reason());
  } else if (rc == NGTCP2_ERR_CRYPTO) {
    // Our side of the handshake refused: the check says why; else the alert.
    const uint8_t alert = ngtcp2_conn_get_tls_alert(conn_);
    close_reason_ = !check_.refusal.empty()
                        ? "refused " + (check_.name.empty() ? std::string("the peer") : "peer '" + check_.name + "'") +
                              ": " + check_.refusal
                        : "the TLS handshake failed (" + alert_name(alert) + ")";
    ngtcp2_connection_close_error e;
    ngtcp2_connection_close_error_set_transport_error_tls_alert(&e, alert, nullptr, 0);
    std::vector<uint8_t> out(kMaxPacket);
    ngtcp2_path_storage ps;
    ngtcp2_path_storage_zero(&ps);
    ngtcp2_pkt_info opi{};
    const ngtcp2_ssize n =
        ngtcp2_conn_write_connection_close(conn_, &ps.path, &opi, out.data(), out.size(), &e, now_ns);
    pending_close_.assign(out.begin(), out.begin() + (n > 0 ? n : 0));
    finish(close_reason_);
  } else if (rc != NGTCP2_ERR_DROP_CONN) {
    close_reason_ = std::string("the connection failed (ngtcp2: ") + ngtcp2_strerror(rc) + ")";
    finish(close_reason_);
  } else {
    finish("dropped by the QUIC stack");
  }
}

// Why the peer closed, from its CONNECTION_CLOSE.
std::string QuicConnection::peer_close_reason() {
  ngtcp2_connection_close_error e;
  ngtcp2_conn_get_connection_close_error(conn_, &e);
  const std::string reason(reinterpret_cast<const char*>(e.reason), e.reason ? e.reasonlen : 0);
  if (e.type == NGTCP2_CONNECTION_CLOSE_ERROR_CODE_TYPE_APPLICATION)
    return std::string("the peer closed the connection (") + wire::error_name(static_cast<uint32_t>(e.error_code)) +
           (reason.empty() ? "" : ": " + reason) + ")";
  if (e.error_code >= 0x100 && e.error_code < 0x200)
    return "the peer refused this node in the TLS handshake (" + alert_name(static_cast<uint8_t>(e.error_code)) +
           "): is this node's certificate from the peer's cluster CA, valid and not revoked?";
  if (e.error_code == 0) return "the peer closed the connection";
  return "the peer closed the connection (QUIC error " + std::to_string(e.error_code) + ")";
}

void QuicConnection::finish(const std::string& why) {
  if (finished_) return;
  finished_ = true;
  setup_.events->closed(setup_.id, why);
}

void QuicConnection::handshake_done() {
  handshake_done_ = true;
  const ngtcp2_transport_params* remote = ngtcp2_conn_get_remote_transport_params(conn_);
  if (!remote || remote->max_datagram_frame_size < 1200) {
    datagrams_refused_ = true;  // closed on the next write, when a packet can be sent
    return;
  }
  if (!server_) queue(*setup_.hello);  // the client speaks first (spec §2.5)
}

void QuicConnection::take_stream_data(int64_t stream, std::span<const uint8_t> data, bool) {
  if (intent_stream_ < 0 && server_ && stream == 0) intent_stream_ = 0;
  if (stream != intent_stream_) {
    (void)ngtcp2_conn_shutdown_stream(conn_, stream, static_cast<uint64_t>(wire::ErrorCode::unknown_stream));
    ngtcp2_conn_extend_max_offset(conn_, data.size());
    return;
  }
  inbox_.insert(inbox_.end(), data.begin(), data.end());
  ngtcp2_conn_extend_max_stream_offset(conn_, stream, data.size());
  ngtcp2_conn_extend_max_offset(conn_, data.size());
  // Whole messages: a varint length, then that many bytes of CBOR.
  size_t at = 0;
  while (!protocol_error_) {
    size_t used = 0;
    const auto length = quic::read_varint(std::span<const uint8_t>(inbox_).subspan(at), used);
    if (!length) break;
    if (*length > wire::kMaxMessageBytes) {
      protocol_error_ = wire::ErrorCode::message_too_large;
      protocol_error_text_ = "a message of " + std::to_string(*length) + " bytes (at most 65536)";
      break;
    }
    if (inbox_.size() - at - used < *length) break;
    take_message(std::span<const uint8_t>(inbox_).subspan(at + used, *length));
    at += used + *length;
  }
  inbox_.erase(inbox_.begin(), inbox_.begin() + static_cast<std::ptrdiff_t>(at));
}

void QuicConnection::take_message(std::span<const uint8_t> item) {
  ++counters_.messages_received;
  wire::Decoded d = wire::decode(item);
  if (d.code == wire::ErrorCode::unknown_message) {
    wire::ErrorMessage e;
    e.code = static_cast<uint32_t>(d.code);
    e.text = d.error;
    queue(e);  // answered, not fatal (spec §2.2)
    return;
  }
  if (!d.ok()) {
    protocol_error_ = d.code;
    protocol_error_text_ = d.error;
    return;
  }
  if (!hello_received_) {
    const auto* hello = std::get_if<wire::Hello>(&d.message);
    if (!hello) {
      protocol_error_ = wire::ErrorCode::malformed;
      protocol_error_text_ = std::string("the first message was '") + wire::type_name(d.type) + "', not hello";
      return;
    }
    if (hello->version != wire::kVersionMajor) {
      protocol_error_ = wire::ErrorCode::unsupported_version;
      protocol_error_text_ = "the peer speaks wire version " + std::to_string(hello->version) + ", this node " +
                             std::to_string(wire::kVersionMajor);
      return;
    }
    // The name a peer gives is the one its certificate proves.
    if (hello->name != check_.name) {
      protocol_error_ = wire::ErrorCode::not_authorised;
      protocol_error_text_ =
          "the peer says it is '" + hello->name + "' but its certificate is for '" + check_.name + "'";
      return;
    }
    hello_received_ = true;
    if (server_) queue(*setup_.hello);
    setup_.events->connected(setup_.id, *hello);
    return;
  }
  setup_.events->message(setup_.id, d.message);
}

void QuicConnection::acked(uint64_t offset, uint64_t length) {
  const uint64_t end = offset + length;
  while (!outbox_.empty() && outbox_base_ + outbox_.front().size() <= end) {
    outbox_base_ += outbox_.front().size();
    outbox_.pop_front();
  }
}

void QuicConnection::queue(const wire::Message& m) {
  if (finished_) return;
  outbox_.push_back(wire::frame(m));
  outbox_end_ += outbox_.back().size();
  ++counters_.messages_sent;
}

void QuicConnection::queue_datagram(std::vector<uint8_t> bytes) {
  if (finished_) return;
  if (datagrams_.size() >= kDatagramQueue) {
    datagrams_.pop_front();
    ++counters_.datagrams_dropped;
  }
  datagrams_.push_back(std::move(bytes));
}

}  // namespace ac::net

namespace ac::net {

// One packet: audio first, then the intent stream, then whatever QUIC
// itself has to say (acknowledgements, the handshake). False when there
// was nothing (more) to send now.
bool QuicConnection::write_one(uint64_t now_ns, const SendPacket& send) {
  uint8_t buf[kMaxPacket];
  ngtcp2_path_storage ps;
  ngtcp2_path_storage_zero(&ps);
  ngtcp2_pkt_info pi{};
  ngtcp2_ssize n = 0;
  if (hello_received_ && !datagrams_.empty()) {
    int accepted = 0;
    ngtcp2_vec v{datagrams_.front().data(), datagrams_.front().size()};
    n = ngtcp2_conn_writev_datagram(conn_, &ps.path, &pi, buf, sizeof buf, &accepted, NGTCP2_WRITE_DATAGRAM_FLAG_NONE,
                                    next_datagram_id_++, &v, 1, now_ns);
    if (n == NGTCP2_ERR_INVALID_ARGUMENT) {  // larger than the peer takes: never will fit
      datagrams_.pop_front();
      ++counters_.datagrams_dropped;
      return true;
    }
    if (accepted) {
      datagrams_.pop_front();
      ++counters_.datagrams_sent;
      last_sent_ns_ = now_ns;
    }
    if (n < 0) return fail_write(n);
    if (n > 0) {
      send(setup_.remote, {buf, static_cast<size_t>(n)});
      return true;
    }
  }
  if (intent_stream_ >= 0 && outbox_sent_ < outbox_end_) {
    uint64_t offset = outbox_base_;
    ngtcp2_vec v{};
    for (const auto& chunk : outbox_) {
      if (outbox_sent_ < offset + chunk.size()) {
        v.base = const_cast<uint8_t*>(chunk.data()) + (outbox_sent_ - offset);
        v.len = static_cast<size_t>(offset + chunk.size() - outbox_sent_);
        break;
      }
      offset += chunk.size();
    }
    ngtcp2_ssize written = -1;
    n = ngtcp2_conn_writev_stream(conn_, &ps.path, &pi, buf, sizeof buf, &written, NGTCP2_WRITE_STREAM_FLAG_NONE,
                                  intent_stream_, &v, 1, now_ns);
    if (n == NGTCP2_ERR_STREAM_DATA_BLOCKED || n == NGTCP2_ERR_STREAM_SHUT_WR) {
      n = ngtcp2_conn_write_pkt(conn_, &ps.path, &pi, buf, sizeof buf, now_ns);
    } else if (written > 0) {
      outbox_sent_ += static_cast<uint64_t>(written);
      last_sent_ns_ = now_ns;
    }
  } else {
    n = ngtcp2_conn_write_pkt(conn_, &ps.path, &pi, buf, sizeof buf, now_ns);
  }
  if (n < 0) return fail_write(n);
  if (n == 0) return false;
  send(setup_.remote, {buf, static_cast<size_t>(n)});
  return true;
}

bool QuicConnection::fail_write(long rc) {
  finish(std::string("the connection failed (ngtcp2: ") + ngtcp2_strerror(static_cast<int>(rc)) + ")");
  return false;
}

void QuicConnection::write(uint64_t now_ns, const SendPacket& send) {
  if (!pending_close_.empty()) {
    send(setup_.remote, pending_close_);
    pending_close_.clear();
  }
  if (finished_) return;
  if (datagrams_refused_)
    return close(wire::ErrorCode::datagrams_unsupported, "the peer offers no QUIC datagrams", send);
  if (protocol_error_) return close(*protocol_error_, protocol_error_text_, send);
  if (!server_ && handshake_done_ && intent_stream_ < 0) {
    int64_t id = -1;
    if (ngtcp2_conn_open_bidi_stream(conn_, &id, nullptr) == 0) intent_stream_ = id;
  }
  if (hello_received_ && now_ns - last_sent_ns_ >= kKeepaliveNs) {
    wire::Keepalive k;
    k.media_time_ns = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    queue(k);
  }
  for (int i = 0; i < 256 && !finished_ && write_one(now_ns, send); ++i) {
  }
  if (!finished_) ngtcp2_conn_update_pkt_tx_time(conn_, now_ns);
}

uint64_t QuicConnection::expiry() const {
  if (finished_) return UINT64_MAX;
  const uint64_t quic = ngtcp2_conn_get_expiry(conn_);
  const uint64_t keepalive = hello_received_ ? last_sent_ns_ + kKeepaliveNs : UINT64_MAX;
  return std::min(quic, keepalive);
}

void QuicConnection::on_timer(uint64_t now_ns, const SendPacket& send) {
  if (finished_) return;
  const int rc = ngtcp2_conn_handle_expiry(conn_, now_ns);
  if (rc == NGTCP2_ERR_IDLE_CLOSE) return finish("the peer went silent for 1 s (idle timeout)");
  if (rc == NGTCP2_ERR_HANDSHAKE_TIMEOUT) return finish("no handshake within 5 s (is a fabric node listening there?)");
  if (rc != 0) return finish(std::string("the connection failed (ngtcp2: ") + ngtcp2_strerror(rc) + ")");
  write(now_ns, send);
}

void QuicConnection::close(wire::ErrorCode code, const std::string& reason, const SendPacket& send) {
  if (finished_) return;
  const uint64_t now_ns = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
  if (hello_received_ && intent_stream_ >= 0) {
    wire::Close c;
    c.code = static_cast<uint32_t>(code);
    if (!reason.empty()) c.reason = reason;
    queue(c);
    for (int i = 0; i < 16 && !finished_ && write_one(now_ns, send); ++i) {
    }
  }
  if (finished_) return;
  ngtcp2_connection_close_error e;
  ngtcp2_connection_close_error_set_application_error(&e, static_cast<uint64_t>(code),
                                                      reinterpret_cast<const uint8_t*>(reason.data()), reason.size());
  uint8_t buf[kMaxPacket];
  ngtcp2_path_storage ps;
  ngtcp2_path_storage_zero(&ps);
  ngtcp2_pkt_info pi{};
  const ngtcp2_ssize n = ngtcp2_conn_write_connection_close(conn_, &ps.path, &pi, buf, sizeof buf, &e, now_ns);
  if (n > 0) send(setup_.remote, {buf, static_cast<size_t>(n)});
  finish(std::string("closed by this node (") + wire::error_name(static_cast<uint32_t>(code)) +
         (reason.empty() ? "" : ": " + reason) + ")");
}

}  // namespace ac::net
