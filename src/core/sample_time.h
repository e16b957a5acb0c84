#pragma once
// Strong time types. Samples on a media clock, frame offsets inside a block
// and nanoseconds never mix silently: each is its own type and converting
// between them is explicit.
#include <compare>
#include <cstdint>

namespace ac {

// Absolute time on a clock domain's media clock, in samples at the domain's
// rate. Signed 64-bit: ~6 million years at 48 kHz.
struct SampleTime {
  int64_t value = 0;

  constexpr SampleTime() = default;
  constexpr explicit SampleTime(int64_t v) : value(v) {}
  constexpr auto operator<=>(const SampleTime&) const = default;
  constexpr SampleTime operator+(int64_t frames) const { return SampleTime{value + frames}; }
  constexpr int64_t operator-(SampleTime o) const { return value - o.value; }
  constexpr SampleTime& operator+=(int64_t frames) {
    value += frames;
    return *this;
  }
};

// Offset of a frame inside the current block, 0 <= at < block frames.
using FrameOffset = uint32_t;

// A count of frames (block sizes, latencies, ramp lengths).
using FrameCount = uint32_t;

// Nanoseconds of PTP, local and system clock time: core/clock_time.h.

}  // namespace ac
