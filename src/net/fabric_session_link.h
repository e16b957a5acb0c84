#pragma once
// What a fabric TLS session points at: ngtcp2's connection reference first
// (ngtcp2's GnuTLS helper reads the session's pointer as one), then where
// the peer's certificate check reports.
#include <ngtcp2/ngtcp2_crypto.h>

#include "net/fabric_tls.h"

namespace ac::net {

struct FabricSessionLink {
  ngtcp2_crypto_conn_ref ref{};
  PeerCheck* check = nullptr;
};
static_assert(offsetof(FabricSessionLink, ref) == 0, "ngtcp2 reads the session pointer as its conn_ref");

}  // namespace ac::net
