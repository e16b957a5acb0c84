#pragma once
// The fabric's TLS (docs/spec/wire.md §1): TLS 1.3 only, ALPN
// `audiocloud/0` required, and mutual certificate authentication against
// the cluster CA (and its revocation list, when one is given). GnuTLS,
// configured for QUIC by ngtcp2's crypto helper.
//
// A peer is refused when it presents no certificate, one from another CA,
// an expired or not yet valid one, or a revoked one; the refusal says
// which, in words, from the check itself (not from the TLS alert alone).
#include <memory>
#include <string>

#include "core/expected.h"

typedef struct gnutls_session_int* gnutls_session_t;
typedef struct gnutls_certificate_credentials_st* gnutls_certificate_credentials_t;

namespace ac::net {

struct FabricSessionLink;

struct FabricCredentials {
  std::string ca;           // the cluster CA's certificate (PEM)
  std::string certificate;  // this node's certificate (PEM), signed by the CA
  std::string key;          // its key (PEM)
  std::string crl;          // the CA's revocation list (PEM); "" for none
};

// What the handshake's certificate check found about the peer.
struct PeerCheck {
  std::string name;     // the peer certificate's common name ("" before the check)
  std::string refusal;  // why it was refused ("" when accepted or not yet checked)
};

class FabricTls {
 public:
  // [control] Loads and checks the files: each must exist and parse, and
  // this node's certificate must chain to the CA and be valid now (a node
  // that its peers would refuse does not start, rather than fail every
  // link). `check_own` false skips that check: tests play a peer that
  // is misconfigured elsewhere.
  static Expected<std::shared_ptr<FabricTls>> load(const FabricCredentials& files, bool check_own = true);
  ~FabricTls();
  FabricTls(const FabricTls&) = delete;
  FabricTls& operator=(const FabricTls&) = delete;

  // [network] A session for one connection, set up for QUIC; `link` lets
  // ngtcp2's helper find the connection and receives what the peer's
  // certificate check found (it must outlive the session).
  Expected<gnutls_session_t> new_session(bool server, FabricSessionLink* link) const;

  const std::string& own_name() const { return own_name_; }

 private:
  FabricTls() = default;
  gnutls_certificate_credentials_t credentials_ = nullptr;
  std::string own_name_;
};

// [any] "the certificate is not signed by the cluster CA", ... from a
// GnuTLS verification status (bits of gnutls_certificate_status_t).
std::string describe_certificate_status(unsigned status);

}  // namespace ac::net
