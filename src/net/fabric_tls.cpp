#include "net/fabric_tls.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <ngtcp2/ngtcp2_crypto.h>
#include <ngtcp2/ngtcp2_crypto_gnutls.h>

#include <cstring>
#include <vector>

#include "core/file_access.h"
#include "net/fabric_session_link.h"
#include "net/wire_message.h"

namespace ac::net {
namespace {

// TLS 1.3 alone, with the AEADs QUIC defines; no middlebox compatibility
// mode (RFC 9001 §8.4).
constexpr const char* kPriorities =
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:+AES-128-CCM:"
    "-GROUP-ALL:+GROUP-SECP256R1:+GROUP-X25519:+GROUP-SECP384R1:+GROUP-SECP521R1:%DISABLE_TLS13_COMPAT_MODE";

Unexpected fail(const std::string& what, int code) {
  return unexpected(make_error(ErrorDomain::net, what + " (GnuTLS: " + gnutls_strerror(code) + ")"));
}

Expected<std::vector<uint8_t>> read_pem(const std::string& path, const char* what) {
  auto bytes = read_whole_file(path, 1 << 20);
  if (!bytes)
    return unexpected(make_error(ErrorDomain::net,
                                 std::string("cannot read the ") + what + " " + path + ": " + bytes.error().message));
  return bytes;
}

struct CrtFree {
  void operator()(gnutls_x509_crt_int* c) const { gnutls_x509_crt_deinit(c); }
};
using Crt = std::unique_ptr<gnutls_x509_crt_int, CrtFree>;

Expected<Crt> parse_certificate(const std::vector<uint8_t>& pem, const std::string& path) {
  gnutls_x509_crt_t c = nullptr;
  int rc = gnutls_x509_crt_init(&c);
  if (rc < 0) return fail("cannot read " + path, rc);
  Crt crt(c);
  const gnutls_datum_t d{const_cast<unsigned char*>(pem.data()), static_cast<unsigned>(pem.size())};
  if ((rc = gnutls_x509_crt_import(c, &d, GNUTLS_X509_FMT_PEM)) < 0) return fail(path + " is no PEM certificate", rc);
  return crt;
}

std::string common_name(gnutls_x509_crt_t c) {
  char cn[256];
  size_t size = sizeof cn;
  if (gnutls_x509_crt_get_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &size) < 0) return "";
  return std::string(cn, size);
}

// The peer's certificate, checked as the handshake asks: present, issued
// by the cluster CA, in its validity period, not revoked. What was wrong
// goes to the connection's PeerCheck in words; non-zero fails the
// handshake (GnuTLS then sends the peer the matching alert).
int verify_peer(gnutls_session_t session) {
  auto* link = static_cast<FabricSessionLink*>(gnutls_session_get_ptr(session));
  PeerCheck& check = *link->check;
  unsigned count = 0;
  const gnutls_datum_t* chain = gnutls_certificate_get_peers(session, &count);
  if (!chain || count == 0) {
    check.refusal = "it presented no certificate";
    return -1;
  }
  gnutls_x509_crt_t c = nullptr;
  if (gnutls_x509_crt_init(&c) == 0) {
    if (gnutls_x509_crt_import(c, &chain[0], GNUTLS_X509_FMT_DER) == 0) check.name = common_name(c);
    gnutls_x509_crt_deinit(c);
  }
  unsigned status = 0;
  const int rc = gnutls_certificate_verify_peers2(session, &status);
  if (rc < 0) {
    check.refusal = std::string("its certificate could not be checked (GnuTLS: ") + gnutls_strerror(rc) + ")";
    return -1;
  }
  if (status != 0) {
    check.refusal = describe_certificate_status(status);
    return -1;
  }
  return 0;
}

}  // namespace

std::string describe_certificate_status(unsigned status) {
  if (status & GNUTLS_CERT_REVOKED) return "its certificate was revoked by the cluster CA";
  if (status & GNUTLS_CERT_EXPIRED) return "its certificate has expired";
  if (status & GNUTLS_CERT_NOT_ACTIVATED) return "its certificate is not valid yet";
  if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA))
    return "its certificate is not signed by the cluster CA";
  if (status & GNUTLS_CERT_SIGNATURE_FAILURE) return "its certificate's signature does not verify";
  if (status & GNUTLS_CERT_INSECURE_ALGORITHM) return "its certificate uses an insecure algorithm";
  if (status & GNUTLS_CERT_PURPOSE_MISMATCH) return "its certificate is not for TLS client and server use";
  return "its certificate is not accepted (GnuTLS status " + std::to_string(status) + ")";
}

Expected<std::shared_ptr<FabricTls>> FabricTls::load(const FabricCredentials& files, bool check_own) {
  if (files.ca.empty() || files.certificate.empty() || files.key.empty())
    return unexpected(make_error(ErrorDomain::net,
                                 "the fabric needs the cluster CA, this node's certificate and its key (make them with "
                                 "`audiocloud cert ca` and `audiocloud cert node NAME`); there is no plain-text mode"));
  auto ca_pem = read_pem(files.ca, "cluster CA");
  if (!ca_pem) return unexpected(ca_pem.error());
  auto own_pem = read_pem(files.certificate, "node certificate");
  if (!own_pem) return unexpected(own_pem.error());
  auto ca = parse_certificate(*ca_pem, files.ca);
  if (!ca) return unexpected(ca.error());
  auto own = parse_certificate(*own_pem, files.certificate);
  if (!own) return unexpected(own.error());
  std::shared_ptr<FabricTls> tls(new FabricTls());
  tls->own_name_ = common_name(own->get());
  int rc = gnutls_certificate_allocate_credentials(&tls->credentials_);
  if (rc < 0) return fail("cannot set up TLS", rc);
  if ((rc = gnutls_certificate_set_x509_trust_file(tls->credentials_, files.ca.c_str(), GNUTLS_X509_FMT_PEM)) <= 0)
    return fail("cannot use " + files.ca + " as the cluster CA", rc);
  if ((rc = gnutls_certificate_set_x509_key_file(tls->credentials_, files.certificate.c_str(), files.key.c_str(),
                                                 GNUTLS_X509_FMT_PEM)) < 0)
    return fail("cannot use " + files.certificate + " with the key " + files.key, rc);
  if (!files.crl.empty() &&
      (rc = gnutls_certificate_set_x509_crl_file(tls->credentials_, files.crl.c_str(), GNUTLS_X509_FMT_PEM)) < 0)
    return fail("cannot use " + files.crl + " as the revocation list", rc);
  // Our own certificate, checked as a peer will check it.
  gnutls_x509_crt_t trusted[1] = {ca->get()};
  unsigned status = 0;
  if ((rc = gnutls_x509_crt_verify(own->get(), trusted, 1, 0, &status)) < 0)
    return fail("cannot check " + files.certificate, rc);
  if (check_own && status != 0) {
    std::string why = describe_certificate_status(status);
    return unexpected(make_error(ErrorDomain::net, "this node's certificate " + files.certificate +
                                                       " would be refused by its peers: " + why.substr(4)));
  }
  gnutls_certificate_set_verify_function(tls->credentials_, verify_peer);
  return tls;
}

FabricTls::~FabricTls() {
  if (credentials_) gnutls_certificate_free_credentials(credentials_);
}

Expected<gnutls_session_t> FabricTls::new_session(bool server, FabricSessionLink* link) const {
  gnutls_session_t s = nullptr;
  int rc = gnutls_init(&s, (server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NO_END_OF_EARLY_DATA);
  if (rc < 0) return fail("cannot start a TLS session", rc);
  auto undo = [&](const std::string& what) {
    gnutls_deinit(s);
    return fail(what, rc);
  };
  if ((rc = gnutls_priority_set_direct(s, kPriorities, nullptr)) < 0) return undo("cannot set TLS 1.3 priorities");
  if ((rc = server ? ngtcp2_crypto_gnutls_configure_server_session(s)
                   : ngtcp2_crypto_gnutls_configure_client_session(s)) != 0)
    return undo("cannot set up TLS for QUIC");
  gnutls_session_set_ptr(s, link);
  if ((rc = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, credentials_)) < 0)
    return undo("cannot use the node's certificate");
  // Both ends authenticate: a client without a certificate is refused.
  if (server) gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
  const gnutls_datum_t alpn{reinterpret_cast<unsigned char*>(const_cast<char*>(wire::kAlpn)),
                            static_cast<unsigned>(std::strlen(wire::kAlpn))};
  if ((rc = gnutls_alpn_set_protocols(s, &alpn, 1, GNUTLS_ALPN_MANDATORY)) < 0)
    return undo("cannot set the ALPN " + std::string(wire::kAlpn));
  return s;
}

}  // namespace ac::net
