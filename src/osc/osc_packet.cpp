#include "osc/osc_packet.h"

#include <cstring>

namespace ac {
namespace {

Unexpected bad(const std::string& why) {
  return unexpected(make_error(ErrorDomain::osc, "malformed OSC packet: " + why));
}

uint32_t read_u32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

void put_string(std::vector<uint8_t>& out, const std::string& s) {
  out.insert(out.end(), s.begin(), s.end());
  out.insert(out.end(), 4 - s.size() % 4, 0);  // 1..4 NULs
}

constexpr uint8_t kBundleTag[8] = {'#', 'b', 'u', 'n', 'd', 'l', 'e', 0};

bool is_bundle(std::span<const uint8_t> bytes) {
  return bytes.size() >= 8 && std::memcmp(bytes.data(), kBundleTag, 8) == 0;
}

Expected<void> decode_into(std::span<const uint8_t> bytes, const std::optional<RealtimeNanos>& at, int depth,
                           std::vector<OscMessage>& out) {
  if (!is_bundle(bytes)) {
    auto m = decode_osc_message(bytes);
    if (!m) return unexpected(m.error());
    if (depth > 0) m->at = at;  // a message in a bundle takes the bundle's time
    out.push_back(std::move(*m));
    return {};
  }
  if (depth >= kMaxOscBundleDepth) return bad("bundles nested deeper than " + std::to_string(kMaxOscBundleDepth));
  if (bytes.size() < 16) return bad("a bundle without its timetag");
  const std::optional<RealtimeNanos> bundle_at = osc_timetag_to_realtime(read_u32(&bytes[8]), read_u32(&bytes[12]));
  size_t pos = 16;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < 4) return bad("a bundle element without its size");
    const uint32_t size = read_u32(&bytes[pos]);
    pos += 4;
    if (size == 0 || size % 4 != 0 || size > bytes.size() - pos)
      return bad("a bundle element of " + std::to_string(size) + " bytes where " + std::to_string(bytes.size() - pos) +
                 " remain");
    if (auto ok = decode_into(bytes.subspan(pos, size), bundle_at, depth + 1, out); !ok) return ok;
    pos += size;
  }
  return {};
}

}  // namespace

Expected<std::vector<OscMessage>> decode_osc_packet(std::span<const uint8_t> bytes) {
  if (bytes.empty() || bytes.size() % 4 != 0)
    return bad(std::to_string(bytes.size()) + " bytes (a packet is a multiple of 4)");
  std::vector<OscMessage> out;
  if (auto ok = decode_into(bytes, std::nullopt, 0, out); !ok) return unexpected(ok.error());
  return out;
}

std::vector<uint8_t> encode_osc_message(const std::string& path, const std::vector<OscArg>& args) {
  std::vector<uint8_t> out;
  put_string(out, path);
  std::string tags = ",";
  for (const OscArg& a : args) tags += a.type;
  put_string(out, tags);
  for (const OscArg& a : args) {
    switch (a.type) {
      case 'i':
        put_u32(out, static_cast<uint32_t>(a.integer));
        break;
      case 'h':
        put_u32(out, static_cast<uint32_t>(static_cast<uint64_t>(a.integer) >> 32));
        put_u32(out, static_cast<uint32_t>(a.integer));
        break;
      case 'f': {
        const auto f = static_cast<float>(a.number);
        uint32_t bits = 0;
        std::memcpy(&bits, &f, 4);
        put_u32(out, bits);
        break;
      }
      case 'd': {
        uint64_t bits = 0;
        std::memcpy(&bits, &a.number, 8);
        put_u32(out, static_cast<uint32_t>(bits >> 32));
        put_u32(out, static_cast<uint32_t>(bits));
        break;
      }
      case 's':
        put_string(out, a.text);
        break;
      default:
        break;  // T F N I: no data
    }
  }
  return out;
}

OscArg osc_float(float v) {
  OscArg a;
  a.type = 'f';
  a.number = v;
  return a;
}

OscArg osc_int64(int64_t v) {
  OscArg a;
  a.type = 'h';
  a.integer = v;
  return a;
}

OscArg osc_string(std::string s) {
  OscArg a;
  a.type = 's';
  a.text = std::move(s);
  return a;
}

}  // namespace ac
