#include "dsp/rbj_biquad.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ac {

BiquadCoefficients design_biquad(BiquadShape shape, double fs, double f0, double q, double gain_db) noexcept {
  f0 = std::clamp(f0, 1e-3, fs * 0.49999);
  q = std::max(q, 1e-4);
  const double a = std::pow(10.0, gain_db / 40.0);
  const double w0 = 2.0 * std::numbers::pi * f0 / fs;
  const double cw = std::cos(w0);
  const double sw = std::sin(w0);
  const double alpha = sw / (2.0 * q);
  // The denominator most shapes share (the cookbook's); peaking and the
  // shelves set their own.
  double b0 = 1, b1 = 0, b2 = 0, a0 = 1 + alpha, a1 = -2 * cw, a2 = 1 - alpha;
  switch (shape) {
    case BiquadShape::lowpass:
      b0 = (1 - cw) / 2;
      b1 = 1 - cw;
      b2 = (1 - cw) / 2;
      break;
    case BiquadShape::highpass:
      b0 = (1 + cw) / 2;
      b1 = -(1 + cw);
      b2 = (1 + cw) / 2;
      break;
    case BiquadShape::bandpass_skirt:
      b0 = sw / 2;
      b1 = 0;
      b2 = -sw / 2;
      break;
    case BiquadShape::bandpass:
      b0 = alpha;
      b1 = 0;
      b2 = -alpha;
      break;
    case BiquadShape::notch:
      b0 = 1;
      b1 = -2 * cw;
      b2 = 1;
      break;
    case BiquadShape::allpass:
      b0 = 1 - alpha;
      b1 = -2 * cw;
      b2 = 1 + alpha;
      break;
    case BiquadShape::peaking:
      b0 = 1 + alpha * a;
      b1 = -2 * cw;
      b2 = 1 - alpha * a;
      a0 = 1 + alpha / a;
      a1 = -2 * cw;
      a2 = 1 - alpha / a;
      break;
    case BiquadShape::lowshelf: {
      const double s = 2 * std::sqrt(a) * alpha;
      b0 = a * ((a + 1) - (a - 1) * cw + s);
      b1 = 2 * a * ((a - 1) - (a + 1) * cw);
      b2 = a * ((a + 1) - (a - 1) * cw - s);
      a0 = (a + 1) + (a - 1) * cw + s;
      a1 = -2 * ((a - 1) + (a + 1) * cw);
      a2 = (a + 1) + (a - 1) * cw - s;
      break;
    }
    case BiquadShape::highshelf: {
      const double s = 2 * std::sqrt(a) * alpha;
      b0 = a * ((a + 1) + (a - 1) * cw + s);
      b1 = -2 * a * ((a - 1) + (a + 1) * cw);
      b2 = a * ((a + 1) + (a - 1) * cw - s);
      a0 = (a + 1) - (a - 1) * cw + s;
      a1 = 2 * ((a - 1) - (a + 1) * cw);
      a2 = (a + 1) - (a - 1) * cw - s;
      break;
    }
  }
  return BiquadCoefficients{b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
}

}  // namespace ac
