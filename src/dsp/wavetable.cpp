#include "dsp/wavetable.h"

#include <fftw3.h>

#include <cmath>
#include <mutex>
#include <numbers>

namespace ac {
namespace {
// FFTW's planner is not thread-safe; tables are built once, under this lock.
std::mutex g_fftw_mutex;
}  // namespace

const WavetableBank& WavetableBank::get(Waveform w) {
  static std::once_flag once[2];
  static const WavetableBank* banks[2] = {nullptr, nullptr};
  const auto i = static_cast<size_t>(w);
  std::call_once(once[i], [&] { banks[i] = new WavetableBank(w); });
  return *banks[i];
}

WavetableBank::WavetableBank(Waveform w) {
  // Every count up to 32, then about four tables per octave: a table switch
  // while a pitch glides changes brightness by at most a quarter octave of
  // top harmonics, which sit in the highest octave anyway.
  for (uint32_t h = 1; h <= 32; ++h) counts_.push_back(h);
  for (double h = 32.0 * std::pow(2.0, 0.25); h < kMaxHarmonics; h *= std::pow(2.0, 0.25)) {
    counts_.push_back(static_cast<uint32_t>(h));
  }
  counts_.push_back(kMaxHarmonics);

  constexpr uint32_t n = kTableSize;
  std::lock_guard<std::mutex> lock(g_fftw_mutex);
  auto* spectrum = static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * (n / 2 + 1)));
  auto* signal = static_cast<double*>(fftw_malloc(sizeof(double) * n));
  fftw_plan plan = fftw_plan_dft_c2r_1d(static_cast<int>(n), spectrum, signal, FFTW_ESTIMATE);
  for (uint32_t count : counts_) {
    for (uint32_t k = 0; k <= n / 2; ++k) spectrum[k][0] = spectrum[k][1] = 0.0;
    // x(t) = sum a_k sin(2 pi k t): bin k gets -a_k/2 * i (times n for FFTW's
    // unnormalised inverse, which also supplies the mirrored half).
    for (uint32_t k = 1; k <= count; ++k) {
      double a = 0.0;
      if (w == Waveform::saw) {
        a = -2.0 / (std::numbers::pi * k);  // rising ramp from -1 to 1
      } else if (k % 2 == 1) {
        a = 4.0 / (std::numbers::pi * k);  // +1 for the first half-cycle
      }
      spectrum[k][1] = -a / 2.0;
    }
    fftw_execute(plan);
    std::vector<float> table(n + 1);
    for (uint32_t i = 0; i < n; ++i) table[i] = static_cast<float>(signal[i]);
    table[n] = table[0];
    tables_.push_back(std::move(table));
  }
  fftw_destroy_plan(plan);
  fftw_free(signal);
  fftw_free(spectrum);

  index_of_limit_.resize(kMaxHarmonics + 1);
  uint16_t t = 0;
  for (uint32_t limit = 0; limit <= kMaxHarmonics; ++limit) {
    while (t + 1u < counts_.size() && counts_[t + 1u] <= limit) ++t;
    index_of_limit_[limit] = t;  // limit 0 (f above Nyquist) still plays the fundamental table
  }
}

}  // namespace ac
