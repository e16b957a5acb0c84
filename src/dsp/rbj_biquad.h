#pragma once
// Biquad coefficients from Robert Bristow-Johnson's "Cookbook formulae for
// audio EQ biquad filter coefficients", normalised so a0 = 1:
//   y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]
// Shelves take their slope from Q (the cookbook's alpha = sin(w0)/(2Q)).
#include <cstdint>

namespace ac {

enum class BiquadShape : uint8_t {
  lowpass,
  highpass,
  bandpass,        // constant 0 dB peak gain
  bandpass_skirt,  // constant skirt gain, peak gain = Q
  notch,
  allpass,
  peaking,
  lowshelf,
  highshelf,
};

struct BiquadCoefficients {
  double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;
};

// [any] `frequency` is clamped into (0, Nyquist); `gain_db` is used by
// peaking and the shelves.
BiquadCoefficients design_biquad(BiquadShape shape, double sample_rate, double frequency, double q,
                                 double gain_db) noexcept;

}  // namespace ac
