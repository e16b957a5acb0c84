#pragma once
// The fabric's certificates (docs/spec/wire.md §1: TLS 1.3 with mutual
// authentication from a cluster CA), made with GnuTLS: a self-signed
// cluster CA, and node certificates it signs. ECDSA P-256 keys, SHA-256
// signatures, X.509 v3:
//   CA:   CN=<name>, basicConstraints CA:TRUE (path length 0),
//         keyUsage keyCertSign + cRLSign, a subject key id;
//   node: CN=<node name>, subjectAltName DNS:<node name>, CA:FALSE,
//         keyUsage digitalSignature, extendedKeyUsage serverAuth +
//         clientAuth (a node is both ends of its links), the CA's key id.
// Keys are written PEM, mode 0600; an existing file is never overwritten.
#include <string>

#include "core/expected.h"

namespace ac::net {

struct CertificateFiles {
  std::string certificate;  // PEM
  std::string key;          // PEM, mode 0600
};

// [control] A cluster CA named `name`, valid for `days`, into `dir`
// (ca.pem, ca.key).
Expected<CertificateFiles> make_ca(const std::string& dir, const std::string& name, int days);

// [control] A node certificate for `node` signed by the CA in `ca_dir`
// (ca.pem, ca.key), valid for `days`, into `dir` (NODE.pem, NODE.key).
// The node name is a DNS label: letters, digits and '-', 1 to 63.
Expected<CertificateFiles> make_node_certificate(const std::string& dir, const std::string& node,
                                                 const std::string& ca_dir, int days);

}  // namespace ac::net
