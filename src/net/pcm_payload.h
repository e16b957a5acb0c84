#pragma once
// L16 and L24 payloads (RFC 3190, RFC 3551 section 4.5.11): signed
// big-endian samples, interleaved by frame. Float samples map to integers
// as the sound-file writer does (scale 2^(bits-1), rounded to nearest,
// halves away from zero, clipped), and back exactly, so a stream of
// integer-valued samples crosses bit for bit.
#include <cstddef>
#include <cstdint>
#include <span>

#include "net/aes67_format.h"

namespace ac::rtp {

// [audio] `frames` frames of `channels` interleaved floats into `out`
// (frames * channels * 2 or 3 bytes). Returns the samples clipped.
size_t pack_pcm(const float* interleaved, size_t frames, uint32_t channels, Encoding e, uint8_t* out) noexcept;

// [any] The payload's samples as interleaved floats; `out` holds
// payload.size() / (2 or 3) floats.
void unpack_pcm(std::span<const uint8_t> payload, Encoding e, float* out) noexcept;

}  // namespace ac::rtp
