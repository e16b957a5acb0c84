#include "midi/translate.h"

namespace ac::ump {

uint32_t upscale(uint32_t value, uint8_t src_bits, uint8_t dst_bits) noexcept {
  const uint8_t scale_bits = static_cast<uint8_t>(dst_bits - src_bits);
  uint32_t result = value << scale_bits;
  const uint32_t center = 1u << (src_bits - 1);
  if (value <= center) return result;
  // Above the centre: repeat the value's bits below its top bit.
  const uint8_t repeat_bits = static_cast<uint8_t>(src_bits - 1);
  uint32_t repeat = value & ((1u << repeat_bits) - 1);
  if (scale_bits > repeat_bits)
    repeat <<= scale_bits - repeat_bits;
  else
    repeat >>= repeat_bits - scale_bits;
  while (repeat != 0) {
    result |= repeat;
    repeat >>= repeat_bits;
  }
  return result;
}

uint32_t downscale(uint32_t value, uint8_t src_bits, uint8_t dst_bits) noexcept {
  return value >> (src_bits - dst_bits);
}

}  // namespace ac::ump
