#include "net/certificates.h"

#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <unistd.h>

#include <ctime>
#include <memory>
#include <vector>

#include "core/file_access.h"

namespace ac::net {
namespace {

struct CrtFree {
  void operator()(gnutls_x509_crt_int* c) const { gnutls_x509_crt_deinit(c); }
};
struct KeyFree {
  void operator()(gnutls_x509_privkey_int* k) const { gnutls_x509_privkey_deinit(k); }
};
using Crt = std::unique_ptr<gnutls_x509_crt_int, CrtFree>;
using Key = std::unique_ptr<gnutls_x509_privkey_int, KeyFree>;

Unexpected fail(const std::string& what, int code) {
  return unexpected(make_error(ErrorDomain::net, what + " (GnuTLS: " + gnutls_strerror(code) + ")"));
}

Expected<Key> new_key() {
  gnutls_x509_privkey_t k = nullptr;
  int rc = gnutls_x509_privkey_init(&k);
  if (rc < 0) return fail("cannot make a key", rc);
  Key key(k);
  rc = gnutls_x509_privkey_generate(k, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
  if (rc < 0) return fail("cannot generate an ECDSA P-256 key", rc);
  return key;
}

// The parts every certificate here shares: v3, a random positive 128-bit
// serial, CN, validity from an hour ago (clocks differ) for `days`, the key
// and its subject key id.
Expected<Crt> new_certificate(const std::string& cn, int days, gnutls_x509_privkey_t key) {
  gnutls_x509_crt_t c = nullptr;
  int rc = gnutls_x509_crt_init(&c);
  if (rc < 0) return fail("cannot make a certificate", rc);
  Crt crt(c);
  unsigned char serial[16];
  if ((rc = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial)) < 0) return fail("no random serial", rc);
  serial[0] &= 0x7f;
  const time_t now = std::time(nullptr);
  unsigned char id[64];
  size_t id_size = sizeof id;
  if ((rc = gnutls_x509_crt_set_version(c, 3)) < 0 || (rc = gnutls_x509_crt_set_serial(c, serial, sizeof serial)) < 0 ||
      (rc = gnutls_x509_crt_set_activation_time(c, now - 3600)) < 0 ||
      (rc = gnutls_x509_crt_set_expiration_time(c, now + static_cast<time_t>(days) * 86400)) < 0 ||
      (rc = gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME, 0, cn.data(),
                                          static_cast<unsigned>(cn.size()))) < 0 ||
      (rc = gnutls_x509_crt_set_key(c, key)) < 0 || (rc = gnutls_x509_crt_get_key_id(c, 0, id, &id_size)) < 0 ||
      (rc = gnutls_x509_crt_set_subject_key_id(c, id, id_size)) < 0)
    return fail("cannot fill in the certificate for '" + cn + "'", rc);
  return crt;
}

std::string pem_of(int (*export2)(void*, gnutls_x509_crt_fmt_t, gnutls_datum_t*), void* object) {
  gnutls_datum_t out{};
  if (export2(object, GNUTLS_X509_FMT_PEM, &out) < 0) return "";
  std::string s(reinterpret_cast<const char*>(out.data), out.size);
  gnutls_free(out.data);
  return s;
}

std::string certificate_pem(gnutls_x509_crt_t c) {
  return pem_of([](void* o, gnutls_x509_crt_fmt_t f,
                   gnutls_datum_t* d) { return gnutls_x509_crt_export2(static_cast<gnutls_x509_crt_t>(o), f, d); },
                c);
}

std::string key_pem(gnutls_x509_privkey_t k) {
  return pem_of(
      [](void* o, gnutls_x509_crt_fmt_t f, gnutls_datum_t* d) {
        return gnutls_x509_privkey_export2(static_cast<gnutls_x509_privkey_t>(o), f, d);
      },
      k);
}

// Writes `text` to a new file (never over an existing one) with `mode`.
Expected<void> write_new(const std::string& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    return unexpected(make_error(
        ErrorDomain::io, errno == EEXIST ? path + " exists already (not overwritten)" : "cannot create " + path));
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) return unexpected(make_error(ErrorDomain::io, "cannot write " + path));
  return {};
}

// A PEM file, through the project's bounded reader (a key or a certificate
// is a few kB; 1 MB is generous).
Expected<std::string> read_file(const std::string& path) {
  auto bytes = read_whole_file(path, 1 << 20);
  if (!bytes)
    return unexpected(make_error(ErrorDomain::io, "cannot read " + path + " (" + bytes.error().message + ")"));
  return std::string(bytes->begin(), bytes->end());
}

Expected<CertificateFiles> write_pair(const std::string& dir, const std::string& base, gnutls_x509_crt_t crt,
                                      gnutls_x509_privkey_t key) {
  const CertificateFiles files{dir + "/" + base + ".pem", dir + "/" + base + ".key"};
  const std::string cert_text = certificate_pem(crt), key_text = key_pem(key);
  if (cert_text.empty() || key_text.empty())
    return unexpected(make_error(ErrorDomain::net, "cannot export the certificate or key as PEM"));
  // Both names are checked first: nothing is written unless both can be.
  for (const std::string& p : {files.certificate, files.key})
    if (::access(p.c_str(), F_OK) == 0)
      return unexpected(make_error(ErrorDomain::io, p + " exists already (not overwritten)"));
  if (auto ok = write_new(files.key, key_text, 0600); !ok) return unexpected(ok.error());
  if (auto ok = write_new(files.certificate, cert_text, 0644); !ok) return unexpected(ok.error());
  return files;
}

bool dns_label(const std::string& s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  for (const char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

Expected<void> check_days(int days) {
  if (days < 1 || days > 36500) return unexpected(make_error(ErrorDomain::net, "--days must be 1 to 36500"));
  return {};
}

}  // namespace

Expected<CertificateFiles> make_ca(const std::string& dir, const std::string& name, int days) {
  if (auto ok = check_days(days); !ok) return unexpected(ok.error());
  if (name.empty() || name.size() > 64) return unexpected(make_error(ErrorDomain::net, "a CA name is 1 to 64 bytes"));
  auto key = new_key();
  if (!key) return unexpected(key.error());
  auto crt = new_certificate(name, days, key->get());
  if (!crt) return unexpected(crt.error());
  gnutls_x509_crt_t c = crt->get();
  int rc = 0;
  if ((rc = gnutls_x509_crt_set_basic_constraints(c, 1, 0)) < 0 ||
      (rc = gnutls_x509_crt_set_key_usage(c, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN)) < 0 ||
      (rc = gnutls_x509_crt_sign2(c, c, key->get(), GNUTLS_DIG_SHA256, 0)) < 0)
    return fail("cannot sign the CA certificate", rc);
  return write_pair(dir, "ca", c, key->get());
}

Expected<CertificateFiles> make_node_certificate(const std::string& dir, const std::string& node,
                                                 const std::string& ca_dir, int days) {
  if (auto ok = check_days(days); !ok) return unexpected(ok.error());
  if (!dns_label(node))
    return unexpected(
        make_error(ErrorDomain::net, "node name '" + node + "': letters, digits and '-' (not first or last), 1 to 63"));
  auto ca_text = read_file(ca_dir + "/ca.pem");
  if (!ca_text) return unexpected(ca_text.error());
  auto ca_key_text = read_file(ca_dir + "/ca.key");
  if (!ca_key_text) return unexpected(ca_key_text.error());
  gnutls_x509_crt_t ca_raw = nullptr;
  gnutls_x509_privkey_t ca_key_raw = nullptr;
  gnutls_x509_crt_init(&ca_raw);
  gnutls_x509_privkey_init(&ca_key_raw);
  Crt ca(ca_raw);
  Key ca_key(ca_key_raw);
  gnutls_datum_t d{reinterpret_cast<unsigned char*>(ca_text->data()), static_cast<unsigned>(ca_text->size())};
  int rc = gnutls_x509_crt_import(ca_raw, &d, GNUTLS_X509_FMT_PEM);
  if (rc < 0) return fail(ca_dir + "/ca.pem is not a PEM certificate", rc);
  d = {reinterpret_cast<unsigned char*>(ca_key_text->data()), static_cast<unsigned>(ca_key_text->size())};
  if ((rc = gnutls_x509_privkey_import(ca_key_raw, &d, GNUTLS_X509_FMT_PEM)) < 0)
    return fail(ca_dir + "/ca.key is not a PEM private key", rc);
  unsigned critical = 0;
  if (gnutls_x509_crt_get_ca_status(ca_raw, &critical) <= 0)
    return unexpected(make_error(ErrorDomain::net, ca_dir + "/ca.pem is not a CA certificate"));
  auto key = new_key();
  if (!key) return unexpected(key.error());
  auto crt = new_certificate(node, days, key->get());
  if (!crt) return unexpected(crt.error());
  gnutls_x509_crt_t c = crt->get();
  unsigned char ca_id[64];
  size_t ca_id_size = sizeof ca_id;
  if ((rc = gnutls_x509_crt_get_subject_key_id(ca_raw, ca_id, &ca_id_size, &critical)) < 0 ||
      (rc = gnutls_x509_crt_set_authority_key_id(c, ca_id, ca_id_size)) < 0 ||
      (rc = gnutls_x509_crt_set_basic_constraints(c, 0, -1)) < 0 ||
      (rc = gnutls_x509_crt_set_key_usage(c, GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
      (rc = gnutls_x509_crt_set_key_purpose_oid(c, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0 ||
      (rc = gnutls_x509_crt_set_key_purpose_oid(c, GNUTLS_KP_TLS_WWW_CLIENT, 0)) < 0 ||
      (rc = gnutls_x509_crt_set_subject_alt_name(c, GNUTLS_SAN_DNSNAME, node.data(), static_cast<unsigned>(node.size()),
                                                 GNUTLS_FSAN_SET)) < 0 ||
      (rc = gnutls_x509_crt_sign2(c, ca_raw, ca_key_raw, GNUTLS_DIG_SHA256, 0)) < 0)
    return fail("cannot make the certificate of node '" + node + "'", rc);
  return write_pair(dir, node, c, key->get());
}

}  // namespace ac::net
