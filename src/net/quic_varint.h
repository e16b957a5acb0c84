#pragma once
// QUIC variable-length integers (RFC 9000 §16): the two top bits of the
// first byte give the length (1, 2, 4 or 8 bytes), the rest is the value,
// big-endian. Values up to 2^62 - 1.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ac::quic {

inline constexpr uint64_t kMaxVarint = (uint64_t{1} << 62) - 1;

// [any] Appends `v` (at most kMaxVarint) in its shortest form.
inline void put_varint(std::vector<uint8_t>& out, uint64_t v) {
  const int bytes = v < 64 ? 1 : v < 16384 ? 2 : v < (uint64_t{1} << 30) ? 4 : 8;
  const uint8_t prefix = bytes == 1 ? 0x00 : bytes == 2 ? 0x40 : bytes == 4 ? 0x80 : 0xc0;
  for (int i = bytes - 1; i >= 0; --i) {
    auto b = static_cast<uint8_t>(v >> (8 * i));
    if (i == bytes - 1) b = static_cast<uint8_t>(b | prefix);
    out.push_back(b);
  }
}

// [any] The varint at the start of `in`, and how many bytes it took;
// nullopt when `in` ends inside it.
inline std::optional<uint64_t> read_varint(std::span<const uint8_t> in, size_t& used) {
  if (in.empty()) return std::nullopt;
  const size_t bytes = size_t{1} << (in[0] >> 6);
  if (in.size() < bytes) return std::nullopt;
  uint64_t v = in[0] & 0x3fu;
  for (size_t i = 1; i < bytes; ++i) v = (v << 8) | in[i];
  used = bytes;
  return v;
}

}  // namespace ac::quic
