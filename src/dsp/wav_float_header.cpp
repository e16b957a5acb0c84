#include "dsp/wav_float_header.h"

#include <cstring>

namespace ac {
namespace {

struct HeaderBytes {
  std::array<uint8_t, kWavFloatHeaderBytes> bytes{};
  size_t at = 0;
  void tag(const char* four) {
    std::memcpy(bytes.data() + at, four, 4);
    at += 4;
  }
  void u16(uint32_t v) {
    bytes[at++] = static_cast<uint8_t>(v);
    bytes[at++] = static_cast<uint8_t>(v >> 8);
  }
  void u32(uint64_t v) {
    for (int i = 0; i < 4; ++i) bytes[at++] = static_cast<uint8_t>(v >> (8 * i));
  }
};

}  // namespace

uint64_t wav_float_max_frames(uint32_t channels) {
  return (0xFFFFFFFFull - kWavFloatHeaderBytes) / (4ull * channels);
}

std::array<uint8_t, kWavFloatHeaderBytes> wav_float_header(uint32_t channels, uint32_t sample_rate, uint64_t frames) {
  const uint64_t data = frames * channels * 4;
  HeaderBytes h;
  h.tag("RIFF");
  h.u32(kWavFloatHeaderBytes - 8 + data);
  h.tag("WAVE");
  h.tag("fmt ");
  h.u32(18);
  h.u16(3);  // WAVE_FORMAT_IEEE_FLOAT
  h.u16(channels);
  h.u32(sample_rate);
  h.u32(static_cast<uint64_t>(sample_rate) * channels * 4);  // bytes per second
  h.u16(channels * 4);                                       // block align
  h.u16(32);                                                 // bits per sample
  h.u16(0);                                                  // cbSize: no extension
  h.tag("fact");
  h.u32(4);
  h.u32(frames);
  h.tag("data");
  h.u32(data);
  return h.bytes;
}

}  // namespace ac
