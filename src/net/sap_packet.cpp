#include "net/sap_packet.h"

namespace ac::sap {
namespace {

Unexpected reject(Rejection r, Rejection* why) {
  if (why) *why = r;
  return unexpected(make_error(ErrorDomain::io, std::string("SAP: ") + to_string(r)));
}

}  // namespace

const char* to_string(Rejection r) {
  switch (r) {
    case Rejection::too_short:
      return "shorter than its header";
    case Rejection::bad_version:
      return "not SAP version 1";
    case Rejection::encrypted:
      return "encrypted (not supported)";
    case Rejection::compressed:
      return "compressed (not supported)";
    case Rejection::bad_auth_length:
      return "authentication data longer than the packet";
    case Rejection::wrong_payload_type:
      return "payload is not application/sdp";
    case Rejection::count_:
      break;
  }
  return "?";
}

std::vector<uint8_t> encode(const Packet& p) {
  std::vector<uint8_t> out;
  out.reserve(8 + 16 + p.sdp.size());
  // V=1, A=0 (IPv4), R=0, T (deletion), E=0, C=0
  out.push_back(static_cast<uint8_t>(0x20 | (p.deletion ? 0x04 : 0)));
  out.push_back(0);  // no authentication data
  out.push_back(static_cast<uint8_t>(p.message_id_hash >> 8));
  out.push_back(static_cast<uint8_t>(p.message_id_hash));
  out.insert(out.end(), p.origin.begin(), p.origin.end());
  const std::string_view type = kSdpType;
  out.insert(out.end(), type.begin(), type.end());
  out.push_back(0);
  out.insert(out.end(), p.sdp.begin(), p.sdp.end());
  return out;
}

Expected<Packet> decode(std::span<const uint8_t> d, Rejection* why) {
  if (d.size() < 4) return reject(Rejection::too_short, why);
  if ((d[0] >> 5) != 1) return reject(Rejection::bad_version, why);
  Packet p;
  p.origin_ipv6 = (d[0] & 0x10) != 0;
  p.deletion = (d[0] & 0x04) != 0;
  if (d[0] & 0x02) return reject(Rejection::encrypted, why);
  if (d[0] & 0x01) return reject(Rejection::compressed, why);
  const size_t auth = 4u * d[1];
  p.message_id_hash = static_cast<uint16_t>((d[2] << 8) | d[3]);
  const size_t origin = p.origin_ipv6 ? 16 : 4;
  if (d.size() < 4 + origin) return reject(Rejection::too_short, why);
  if (!p.origin_ipv6)
    for (size_t i = 0; i < 4; ++i) p.origin[i] = d[4 + i];
  size_t at = 4 + origin;
  if (at + auth > d.size()) return reject(Rejection::bad_auth_length, why);
  at += auth;
  std::string_view rest(reinterpret_cast<const char*>(d.data() + at), d.size() - at);
  // RFC 2974: the payload type may be left out when the payload is SDP.
  if (rest.substr(0, 2) != "v=") {
    const size_t nul = rest.find('\0');
    if (nul == std::string_view::npos || rest.substr(0, nul) != kSdpType)
      return reject(Rejection::wrong_payload_type, why);
    rest.remove_prefix(nul + 1);
  }
  p.sdp = std::string(rest);
  return p;
}

uint16_t message_id_hash(std::string_view sdp) {
  // FNV-1a over the o= line, folded to 16 bits.
  const size_t o = sdp.find("o=");
  const size_t end = o == std::string_view::npos ? 0 : sdp.find_first_of("\r\n", o);
  const std::string_view origin = o == std::string_view::npos ? sdp : sdp.substr(o, end - o);
  uint32_t h = 2166136261u;
  for (const char c : origin) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  const auto folded = static_cast<uint16_t>((h >> 16) ^ (h & 0xFFFF));
  return folded == 0 ? 1 : folded;  // 0 would tell receivers not to use the hash
}

}  // namespace ac::sap
