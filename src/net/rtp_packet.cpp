#include "net/rtp_packet.h"

namespace ac::rtp {
namespace {

uint16_t be16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

Unexpected reject(Rejection r, Rejection* why) {
  if (why) *why = r;
  return unexpected(make_error(ErrorDomain::io, std::string("RTP: ") + to_string(r)));
}

}  // namespace

const char* to_string(Rejection r) {
  switch (r) {
    case Rejection::too_short:
      return "shorter than an RTP header (12 bytes)";
    case Rejection::bad_version:
      return "not RTP version 2";
    case Rejection::bad_csrc:
      return "CSRC list longer than the datagram";
    case Rejection::bad_extension:
      return "header extension longer than the datagram";
    case Rejection::bad_padding:
      return "padding count 0 or longer than the payload";
    case Rejection::count_:
      break;
  }
  return "?";
}

void encode_header(const Header& h, std::span<uint8_t, kFixedHeaderBytes> out) {
  out[0] = kVersion << 6;  // no padding, no extension, no CSRCs
  out[1] = static_cast<uint8_t>((h.marker ? 0x80 : 0) | (h.payload_type & 0x7F));
  out[2] = static_cast<uint8_t>(h.sequence >> 8);
  out[3] = static_cast<uint8_t>(h.sequence);
  for (size_t i = 0; i < 4; ++i) {
    out[4 + i] = static_cast<uint8_t>(h.timestamp >> (24 - 8 * i));
    out[8 + i] = static_cast<uint8_t>(h.ssrc >> (24 - 8 * i));
  }
}

Expected<PacketView> decode(std::span<const uint8_t> d, Rejection* why) {
  if (d.size() < kFixedHeaderBytes) return reject(Rejection::too_short, why);
  if ((d[0] >> 6) != kVersion) return reject(Rejection::bad_version, why);
  PacketView v;
  const bool padding = (d[0] & 0x20) != 0;
  v.had_extension = (d[0] & 0x10) != 0;
  v.csrc_count = d[0] & 0x0F;
  v.header.marker = (d[1] & 0x80) != 0;
  v.header.payload_type = d[1] & 0x7F;
  v.header.sequence = be16(&d[2]);
  v.header.timestamp = be32(&d[4]);
  v.header.ssrc = be32(&d[8]);
  size_t at = kFixedHeaderBytes + 4u * v.csrc_count;
  if (at > d.size()) return reject(Rejection::bad_csrc, why);
  if (v.had_extension) {
    // 16-bit profile field, 16-bit length in 32-bit words, then the words.
    if (at + 4 > d.size()) return reject(Rejection::bad_extension, why);
    const size_t words = be16(&d[at + 2]);
    at += 4 + 4 * words;
    if (at > d.size()) return reject(Rejection::bad_extension, why);
  }
  size_t end = d.size();
  if (padding) {
    const uint8_t count = d[d.size() - 1];
    if (count == 0 || count > d.size() - at) return reject(Rejection::bad_padding, why);
    end -= count;
  }
  v.payload = d.subspan(at, end - at);
  return v;
}

}  // namespace ac::rtp
