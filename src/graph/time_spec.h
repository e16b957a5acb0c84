#pragma once
// Times and durations as written in graph files and on the command line:
//   48000        samples (a bare integer)
//   1200 samples / 1200 smp
//   1.5s  250ms
//   3 beats  2 bars        (needs a tempo)
//   2:1  2:3:480           bar:beat[:tick], 1-based, 960 ticks per beat
// Seconds and beats are converted to the nearest sample.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.h"

namespace ac {

struct TimeContext {
  double sample_rate = 48000.0;
  std::optional<double> tempo_bpm;  // musical forms fail without it
  uint32_t beats_per_bar = 4;
};

inline constexpr int kTicksPerBeat = 960;

// An absolute position (bar:beat allowed). The error message says which forms
// are accepted; the caller adds the location.
Expected<int64_t> parse_time_point(std::string_view text, const TimeContext& ctx);

// A length (bar:beat not allowed: it is a position).
Expected<int64_t> parse_duration(std::string_view text, const TimeContext& ctx);

}  // namespace ac
