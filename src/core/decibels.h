#pragma once
// Decibel conversions shared by nodes, meters and reports.
#include <cmath>

namespace ac {

// Gains at or below this many dB are silence (exactly 0).
inline constexpr double kSilenceDb = -120.0;

inline float db_to_gain(float db) noexcept {
  return db <= static_cast<float>(kSilenceDb) ? 0.0f : std::pow(10.0f, db / 20.0f);
}

inline double gain_to_db(double gain) noexcept {
  return gain <= 0.0 ? -INFINITY : 20.0 * std::log10(gain);
}

}  // namespace ac
