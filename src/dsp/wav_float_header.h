#pragma once
// The header of a 32-bit float WAV file as sox and Microsoft's WAVE rules
// write it: a WAVEFORMATEX fmt chunk (tag 3, IEEE float) with its cbSize
// field, and a fact chunk with the frame count. libsndfile writes the
// 16-byte fmt chunk without cbSize, which readers such as sox flag as a
// header "missing extended part of fmt chunk" (its WAVE_FORMAT_EXTENSIBLE
// form is flagged by sox the same way), so float WAV files are written
// with this header and raw little-endian samples.
#include <array>
#include <cstddef>
#include <cstdint>

namespace ac {

inline constexpr size_t kWavFloatHeaderBytes = 58;

// The header for `frames` frames (the data follows it directly).
std::array<uint8_t, kWavFloatHeaderBytes> wav_float_header(uint32_t channels, uint32_t sample_rate, uint64_t frames);

// The most frames a WAV file (32-bit sizes) holds at `channels`.
uint64_t wav_float_max_frames(uint32_t channels);

}  // namespace ac
