#include "net/pcm_payload.h"

#include <cmath>

namespace ac::rtp {

size_t pack_pcm(const float* x, size_t frames, uint32_t channels, Encoding e, uint8_t* out) noexcept {
  const int bits = e == Encoding::l24 ? 24 : 16;
  const double scale = static_cast<double>(int64_t{1} << (bits - 1));
  const double lo = -scale, hi = scale - 1.0;
  size_t clipped = 0;
  const size_t n = frames * channels;
  for (size_t i = 0; i < n; ++i) {
    double v = std::round(static_cast<double>(x[i]) * scale);  // halves away from zero
    if (v < lo || v > hi || std::isnan(v)) {
      ++clipped;
      v = std::isnan(v) ? 0.0 : (v < lo ? lo : hi);
    }
    const auto s = static_cast<int32_t>(v);
    if (bits == 24) {
      *out++ = static_cast<uint8_t>(s >> 16);
      *out++ = static_cast<uint8_t>(s >> 8);
      *out++ = static_cast<uint8_t>(s);
    } else {
      *out++ = static_cast<uint8_t>(s >> 8);
      *out++ = static_cast<uint8_t>(s);
    }
  }
  return clipped;
}

void unpack_pcm(std::span<const uint8_t> p, Encoding e, float* out) noexcept {
  if (e == Encoding::l24) {
    constexpr float kScale = 1.0f / 8388608.0f;
    for (size_t i = 0; i + 3 <= p.size(); i += 3) {
      // Sign-extend the 24-bit value through the top of an int32.
      const auto u = static_cast<uint32_t>((p[i] << 24) | (p[i + 1] << 16) | (p[i + 2] << 8));
      *out++ = static_cast<float>(static_cast<int32_t>(u) >> 8) * kScale;
    }
  } else {
    constexpr float kScale = 1.0f / 32768.0f;
    for (size_t i = 0; i + 2 <= p.size(); i += 2)
      *out++ = static_cast<float>(static_cast<int16_t>((p[i] << 8) | p[i + 1])) * kScale;
  }
}

}  // namespace ac::rtp
