// Oscillators play the frequency asked for (measured by interpolated zero
// crossings), and the band-limited saw aliases at least 40 dB less than a
// naive one at 5 kHz / 48 kHz (measured by FFT).
#include <fftw3.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "render_helpers.h"

namespace ac {
namespace {

std::vector<float> render_osc(const std::string& type, double freq, int64_t frames, const std::string& extra = "") {
  const std::string yaml = "nodes:\n  s: {type: " + type + ", params: {frequency: " + std::to_string(freq) + extra +
                           "}}\n  o: {type: output, channels: 1}\nconnections:\n  - s.out -> o.in\n";
  return test::render_yaml(yaml, frames)[0];
}

// Frequency from a least-squares line through the times of all rising zero
// crossings, each located by linear interpolation between the samples around
// it (the interpolation error depends on the sub-sample phase, so the fit
// averages it out over thousands of crossings).
double zero_crossing_frequency(const std::vector<float>& x, double fs) {
  std::vector<double> times;
  for (size_t n = 1; n < x.size(); ++n) {
    if (x[n - 1] < 0.0f && x[n] >= 0.0f) times.push_back(static_cast<double>(n - 1) + x[n - 1] / (x[n - 1] - x[n]));
  }
  const auto k = static_cast<double>(times.size());
  if (k < 2) return 0.0;
  double sk = 0, st = 0, skk = 0, skt = 0;
  for (size_t i = 0; i < times.size(); ++i) {
    const auto d = static_cast<double>(i);
    sk += d;
    st += times[i];
    skk += d * d;
    skt += d * times[i];
  }
  const double period = (k * skt - sk * st) / (k * skk - sk * sk);
  return fs / period;
}

TEST(Oscillators, PlayTheRequestedFrequency) {
  for (const char* type : {"sine", "saw", "square"}) {
    for (double f : {55.0, 440.0, 1234.5, 7000.0}) {
      const auto x = render_osc(type, f, 48000);
      EXPECT_NEAR(zero_crossing_frequency(x, 48000.0), f, 0.01) << type << " " << f;
    }
  }
}

TEST(Oscillators, SineHasTheRequestedLevel) {
  const auto x = render_osc("sine", 1000.0, 48000, ", level: -6");
  double peak = 0, sum = 0;
  for (float v : x) {
    peak = std::max(peak, static_cast<double>(std::fabs(v)));
    sum += static_cast<double>(v) * v;
  }
  EXPECT_NEAR(peak, std::pow(10.0, -6.0 / 20.0), 1e-4);
  EXPECT_NEAR(std::sqrt(sum / static_cast<double>(x.size())), std::pow(10.0, -6.0 / 20.0) / std::sqrt(2.0), 1e-4);
}

// |X[k]|^2 for k = 0..n/2 of a real signal (FFTW, double precision).
std::vector<double> power_spectrum(const std::vector<float>& x) {
  const int n = static_cast<int>(x.size());
  std::vector<double> in(x.begin(), x.end());
  std::vector<fftw_complex> out(static_cast<size_t>(n / 2 + 1));
  fftw_plan plan = fftw_plan_dft_r2c_1d(n, in.data(), out.data(), FFTW_ESTIMATE);
  fftw_execute(plan);
  fftw_destroy_plan(plan);
  std::vector<double> p(out.size());
  for (size_t k = 0; k < out.size(); ++k) p[k] = out[k][0] * out[k][0] + out[k][1] * out[k][1];
  return p;
}

// Power outside the harmonics of f0 (in 1 Hz bins over one second, where
// f0 is a whole number of cycles) relative to the total.
double alias_ratio_db(const std::vector<float>& x, double f0) {
  const auto p = power_spectrum(x);
  double harmonic = 0, alias = 0;
  for (size_t k = 1; k < p.size(); ++k) {
    if (k % static_cast<size_t>(f0) == 0)
      harmonic += p[k];
    else
      alias += p[k];
  }
  return 10.0 * std::log10(alias / (harmonic + alias));
}

TEST(Oscillators, BandLimitedSawAliasesAtLeast40dBLessThanANaiveSaw) {
  const double fs = 48000.0, f0 = 5000.0;
  const auto blep = render_osc("saw", f0, 48000);
  std::vector<float> naive(48000);
  double phase = 0;
  for (float& v : naive) {
    v = static_cast<float>(2.0 * phase - 1.0);
    phase += f0 / fs;
    phase -= std::floor(phase);
  }
  const double ours = alias_ratio_db(blep, f0);
  const double theirs = alias_ratio_db(naive, f0);
  RecordProperty("alias_db_band_limited", std::to_string(ours));
  RecordProperty("alias_db_naive", std::to_string(theirs));
  EXPECT_LE(ours, theirs - 40.0) << "band-limited " << ours << " dB, naive " << theirs << " dB";
}

TEST(Oscillators, SquareIsBandLimitedToo) {
  const auto sq = render_osc("square", 3000.0, 48000);
  EXPECT_LT(alias_ratio_db(sq, 3000.0), -60.0);
}

TEST(Oscillators, FrequencyRampIsPhaseContinuous) {
  // A glide must not jump: consecutive samples of a sine at <= 2 kHz differ
  // by at most 2*pi*f/fs.
  const char* yaml = R"(
nodes:
  s: {type: sine, params: {frequency: 100}}
  o: {type: output, channels: 1}
connections:
  - s.out -> o.in
events:
  - {at: 1000, ramp: s.frequency, to: 2000, over: 10000 samples}
)";
  const auto x = test::render_yaml(yaml, 20000)[0];
  const double bound = 2.0 * std::numbers::pi * 2000.0 / 48000.0 * 1.0001;
  for (size_t n = 1; n < x.size(); ++n) ASSERT_LE(std::fabs(x[n] - x[n - 1]), bound) << n;
}

TEST(Noise, WhiteIsUniformAndSeeded) {
  auto noise = [](int seed) {
    return test::render_yaml("nodes:\n  n: {type: noise, params: {seed: " + std::to_string(seed) +
                                 ", level: 0}}\n  o: {type: output, channels: 1}\nconnections:\n  - n.out -> o.in\n",
                             96000)[0];
  };
  const auto a = noise(7), b = noise(7), c = noise(8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  double sum = 0, sq = 0;
  for (float v : a) {
    ASSERT_GE(v, -1.0f);
    ASSERT_LT(v, 1.0f);
    sum += v;
    sq += static_cast<double>(v) * v;
  }
  EXPECT_NEAR(sum / 96000.0, 0.0, 0.01);
  EXPECT_NEAR(std::sqrt(sq / 96000.0), 1.0 / std::sqrt(3.0), 0.01);
}

TEST(Noise, PinkFallsThreeDecibelsPerOctave) {
  const auto x = test::render_yaml(
      "nodes:\n  n: {type: noise, params: {color: pink, level: 0}}\n  o: {type: output, channels: 1}\n"
      "connections:\n  - n.out -> o.in\n",
      1 << 20)[0];
  // Average power per 1 Hz in the octave 125-250 Hz vs 2-4 kHz (4 octaves up).
  const auto p = power_spectrum(x);
  const double hz = 48000.0 / static_cast<double>(x.size());
  auto band = [&](double lo, double hi) {
    double sum = 0;
    int count = 0;
    for (auto k = static_cast<size_t>(lo / hz); k < static_cast<size_t>(hi / hz); ++k, ++count) sum += p[k];
    return sum / count;
  };
  const double drop_db = 10.0 * std::log10(band(125, 250) / band(2000, 4000));
  EXPECT_NEAR(drop_db, 12.0, 1.0);
}

}  // namespace
}  // namespace ac
