// The example plug-ins behave as their DSP says, compiled and interpreted
// alike (bit-identical: the interpreter is the compiled engine's oracle).
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstring>

#include "plugin/wasm_plugin.h"
#include "plugin_test_support.h"

namespace ac::wasm {
namespace {

using Channels = std::vector<std::vector<float>>;

struct Event {
  int64_t at;  // absolute frame
  uint32_t type;
  uint32_t data[4];
};

// Runs `plugin` over `in` (or `frames` frames without inputs) in 64-frame
// blocks, with `params` sent at frame 0 and `events` at their frames.
Channels run_plugin(const std::string& plugin, EngineChoice engine, const Channels& in, int64_t frames,
                    const std::vector<std::pair<uint32_t, float>>& params, const std::vector<Event>& events = {}) {
  test::use_test_cache();
  PluginOptions o;
  o.engine = engine;
  auto p = load_plugin(test::example_plugin(plugin), o);
  EXPECT_TRUE(p) << p.error().message;
  if (!p) return {};
  auto r = PluginRunner::create(*p, 48000, 64, 0);
  EXPECT_TRUE(r) << r.error().message;
  if (!r) return {};
  PluginRunner& run = **r;
  Channels out(run.descriptor().output_channels(), std::vector<float>(static_cast<size_t>(frames)));
  size_t next = 0;
  for (int64_t at = 0; at < frames; at += 64) {
    const auto n = static_cast<uint32_t>(std::min<int64_t>(64, frames - at));
    run.begin(n);
    for (uint32_t c = 0; c < run.descriptor().input_channels(); ++c) {
      std::memcpy(run.input(c), in[c].data() + at, n * sizeof(float));
    }
    if (at == 0) {
      for (auto [id, value] : params) {
        uint32_t d[4] = {id, 0, 0, 0};
        std::memcpy(&d[1], &value, 4);
        run.push_event(0, kEventParam, d);
      }
    }
    while (next < events.size() && events[next].at < at + n) {
      run.push_event(static_cast<uint32_t>(events[next].at - at), events[next].type, events[next].data);
      ++next;
    }
    EXPECT_EQ(run.run(), TrapCode::none);
    for (uint32_t c = 0; c < out.size(); ++c) std::memcpy(out[c].data() + at, run.output(c), n * sizeof(float));
  }
  return out;
}

Channels both_engines(const std::string& plugin, const Channels& in, int64_t frames,
                      const std::vector<std::pair<uint32_t, float>>& params, const std::vector<Event>& events = {}) {
  Channels compiled = run_plugin(plugin, EngineChoice::compiled, in, frames, params, events);
  Channels interpreted = run_plugin(plugin, EngineChoice::interpreted, in, frames, params, events);
  EXPECT_EQ(compiled, interpreted) << plugin << ": compiled and interpreted output differ";
  return compiled;
}

std::vector<float> sine(double hz, int64_t frames, double amp = 0.5) {
  std::vector<float> s(static_cast<size_t>(frames));
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<float>(amp * std::sin(2 * M_PI * hz * double(i) / 48000.0));
  return s;
}

double rms(const std::vector<float>& x, size_t from, size_t to) {
  double e = 0;
  for (size_t i = from; i < to; ++i) e += double(x[i]) * x[i];
  return std::sqrt(e / double(to - from));
}

// |H| of one RBJ cookbook biquad, evaluated on the unit circle.
double rbj_magnitude(int kind, double f0, double gain_db, double q, double f) {
  const double A = std::pow(10.0, gain_db / 40.0), w0 = 2 * M_PI * f0 / 48000.0;
  const double c = std::cos(w0), s = std::sin(w0);
  double b[3], a[3];
  if (kind == 1) {
    const double alpha = s / (2 * q);
    b[0] = 1 + alpha * A, b[1] = -2 * c, b[2] = 1 - alpha * A;
    a[0] = 1 + alpha / A, a[1] = -2 * c, a[2] = 1 - alpha / A;
  } else {
    const double sq = 2 * std::sqrt(A) * (s / 2 * std::sqrt(2.0));
    const double sign = kind == 0 ? 1 : -1;  // low shelf / high shelf
    b[0] = A * ((A + 1) - sign * (A - 1) * c + sq);
    b[1] = sign * 2 * A * ((A - 1) - sign * (A + 1) * c);
    b[2] = A * ((A + 1) - sign * (A - 1) * c - sq);
    a[0] = (A + 1) + sign * (A - 1) * c + sq;
    a[1] = -sign * 2 * ((A - 1) + sign * (A + 1) * c);
    a[2] = (A + 1) + sign * (A - 1) * c - sq;
  }
  const std::complex<double> z = std::polar(1.0, -2 * M_PI * f / 48000.0);
  return std::abs((b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z));
}

TEST(PluginExamples, EqMatchesTheCookbookResponse) {
  // low shelf 200 Hz +6 dB, peak 2 kHz -9 dB Q 2, high shelf 10 kHz +4 dB
  const std::vector<std::pair<uint32_t, float>> params = {{0, 200}, {1, 6},     {2, 2000}, {3, -9},
                                                          {4, 2},   {5, 10000}, {6, 4}};
  for (double f : {50.0, 200.0, 700.0, 2000.0, 2600.0, 6000.0, 15000.0}) {
    const int64_t frames = 24000;
    const auto x = sine(f, frames);
    const Channels y = both_engines("eq", {x, x}, frames, params);
    ASSERT_EQ(y.size(), 2u);
    const double measured = 20 * std::log10(rms(y[0], 12000, 24000) / rms(x, 12000, 24000));
    const double expected = 20 * std::log10(rbj_magnitude(0, 200, 6, 0.7071, f) * rbj_magnitude(1, 2000, -9, 2, f) *
                                            rbj_magnitude(2, 10000, 4, 0.7071, f));
    EXPECT_NEAR(measured, expected, 0.05) << f << " Hz";
    EXPECT_EQ(y[0], y[1]);
  }
}

// Reverb time from the Schroeder backward integral of the impulse response
// (T30 fit between -5 and -35 dB, scaled to 60 dB).
double t60(const std::vector<float>& ir) {
  std::vector<double> energy(ir.size());
  double acc = 0;
  for (size_t i = ir.size(); i-- > 0;) energy[i] = acc += double(ir[i]) * ir[i];
  size_t i5 = 0, i35 = 0;
  for (size_t i = 0; i < ir.size(); ++i) {
    const double db = 10 * std::log10(energy[i] / energy[0]);
    if (!i5 && db < -5) i5 = i;
    if (!i35 && db < -35) i35 = i;
  }
  if (!i35) return 1e9;
  return double(i35 - i5) / 48000.0 * 2.0;
}

TEST(PluginExamples, ReverbDecaysAndRoomSizeLengthensIt) {
  const int64_t frames = 48000 * 6;
  std::vector<float> impulse(static_cast<size_t>(frames), 0.0f);
  impulse[0] = 1.0f;
  const auto small = both_engines("reverb", {impulse, impulse}, frames, {{0, 0.3f}, {1, 0.2f}, {2, 1.0f}, {3, 0.0f}});
  const auto large = run_plugin("reverb", EngineChoice::compiled, {impulse, impulse}, frames,
                                {{0, 0.9f}, {1, 0.2f}, {2, 1.0f}, {3, 0.0f}});
  const double t_small = t60(small[0]), t_large = t60(large[0]);
  EXPECT_GT(t_small, 0.3);
  EXPECT_LT(t_small, 3.0);
  EXPECT_GT(t_large, 2.0 * t_small) << "small " << t_small << " s, large " << t_large << " s";
  // Nothing before the shortest comb delay (1116 samples at 44.1 kHz, scaled).
  for (size_t i = 0; i < 1200; ++i) ASSERT_EQ(small[0][i], 0.0f) << i;
  // Decorrelated channels (the right delays are longer).
  EXPECT_NE(small[0], small[1]);
}

TEST(PluginExamples, SynthPlaysAUmpNoteAtItsFrameAndPitch) {
  const int64_t frames = 48000;
  const int64_t on = 292;  // inside the fifth block
  // MIDI 2.0 note on (type 4), note 69, velocity 0xC000; MIDI 1.0 note off.
  const std::vector<Event> ev = {{on, kEventUmp, {0x40903C00u | 0u, 0xC0000000u, 0, 0}},
                                 {on + 30000, kEventUmp, {0x20803C00u, 0, 0, 0}}};
  std::vector<Event> a4 = ev;
  a4[0].data[0] = 0x40904500u;  // note 69
  a4[1].data[0] = 0x20804540u;
  const auto y = both_engines("synth", {}, frames, {{1, 0.0f}}, a4);
  ASSERT_EQ(y.size(), 1u);
  for (int64_t i = 0; i <= on; ++i) ASSERT_EQ(y[0][static_cast<size_t>(i)], 0.0f) << i;  // phase 0 at the note's frame
  EXPECT_NE(y[0][static_cast<size_t>(on + 1)], 0.0f);
  // Pitch from rising zero crossings over 0.5 s of the held note.
  double first = -1, last = -1;
  int crossings = 0;
  for (size_t i = 2000; i < 26000; ++i) {
    if (y[0][i - 1] < 0 && y[0][i] >= 0) {
      const double t = double(i - 1) + y[0][i - 1] / (y[0][i - 1] - y[0][i]);
      if (first < 0) first = t;
      last = t;
      ++crossings;
    }
  }
  const double hz = (crossings - 1) / ((last - first) / 48000.0);
  EXPECT_NEAR(hz, 440.0, 0.05);
  // Released: silent once the 50 ms release has run.
  EXPECT_EQ(rms(y[0], static_cast<size_t>(on + 30000 + 2500), 48000), 0.0);
}

TEST(PluginExamples, FaustTremoloModulatesAtItsRate) {
  const int64_t frames = 48000;
  std::vector<float> dc(static_cast<size_t>(frames), 0.5f);
  // depth 1 (its first slider), rate 5 Hz (second)
  const auto y = both_engines("tremolo", {dc, dc}, frames, {{0, 1.0f}, {1, 5.0f}});
  ASSERT_EQ(y.size(), 2u);
  float lo = 1, hi = 0;
  for (size_t i = 9600; i < 19200; ++i) {
    lo = std::min(lo, y[0][i]);
    hi = std::max(hi, y[0][i]);
  }
  EXPECT_LT(lo, 0.02f);
  EXPECT_GT(hi, 0.48f);
  EXPECT_EQ(y[0], y[1]);
}

TEST(PluginExamples, GainAppliesDecibels) {
  const int64_t frames = 9600;
  const auto x = sine(1000, frames);
  const auto y = both_engines("gain", {x, x}, frames, {{0, -12.0f}});
  EXPECT_NEAR(rms(y[0], 4800, 9600) / rms(x, 4800, 9600), std::pow(10.0, -12.0 / 20), 1e-4);
}

// The C++ layer (sdk/include/audiocloud_plugin.hpp) through its example:
// every event cuts the block at its frame, parameters are clamped to their
// range, a UMP note retunes the carrier. The reference is the ring
// modulator's formula evaluated here, sample by sample, with each change
// applied at its frame; one frame late is off by ~0.03.
TEST(PluginExamples, CppLayerCutsTheBlockAtEveryEvent) {
  const int64_t frames = 4800;
  const auto x = sine(1000, frames);
  float nan = std::nanf("");
  uint32_t nan_bits;
  std::memcpy(&nan_bits, &nan, 4);
  auto param = [](int64_t at, uint32_t index, float v) {
    Event e{at, kEventParam, {index, 0, 0, 0}};
    std::memcpy(&e.data[1], &v, 4);
    return e;
  };
  std::vector<Event> ev = {param(100, 0, 1200.0f),  // inside the second block
                           param(200, 1, 0.25f),
                           {333, kEventUmp, {0x40905100u, 0xC0000000u, 0, 0}},  // MIDI 2.0 note on, note 81
                           {400, kEventUmp, {0x20904500u, 0, 0, 0}},            // MIDI 1.0 velocity 0: a note-off
                           param(1000, 0, 1.0e6f),                              // above the range: 5000 Hz
                           param(2000, 1, 0.0f)};
  Event nan_mix{3000, kEventParam, {1, nan_bits, 0, 0}};  // NaN: the range's minimum
  ev.push_back(nan_mix);
  ev.push_back(param(3500, 1, 1.0f));
  const auto y = both_engines("ring", {x}, frames, {{0, 300.0f}, {1, 0.75f}}, ev);
  ASSERT_EQ(y.size(), 1u);

  double phase = 0.0, inc = 2 * M_PI * 300.0 / 48000.0, mix = 0.75;
  size_t next = 0;
  double worst = 0.0;
  size_t worst_at = 0;
  for (int64_t i = 0; i < frames; ++i) {
    for (; next < ev.size() && ev[next].at == i; ++next) {
      const Event& e = ev[next];
      if (e.type == kEventUmp) {
        const uint32_t note = (e.data[0] >> 8) & 0x7F;
        if (e.data[0] >> 28 == 4) inc = 2 * M_PI * 440.0 * std::pow(2.0, (note - 69.0) / 12.0) / 48000.0;
        continue;
      }
      float v;
      std::memcpy(&v, &e.data[1], 4);
      if (e.data[0] == 0) inc = 2 * M_PI * std::min(5000.0, double(v)) / 48000.0;
      if (e.data[0] == 1) mix = std::isnan(v) ? 0.0 : v;
    }
    const auto expect = static_cast<float>(x[size_t(i)] * ((1.0 - mix) + mix * std::sin(phase)));
    const double d = std::abs(double(y[0][size_t(i)]) - expect);
    if (d > worst) worst = d, worst_at = size_t(i);
    phase += inc;
    if (phase >= 2 * M_PI) phase -= 2 * M_PI;
  }
  EXPECT_LT(worst, 1e-6) << "at frame " << worst_at;
  // Mix 0 (from NaN) passes the input through exactly.
  for (size_t i = 3000; i < 3500; ++i) ASSERT_EQ(y[0][i], x[i]) << i;
}

// The carrier's phase is the plug-in's state: saved from one instance and
// loaded into another, the output goes on as if nothing happened.
TEST(PluginExamples, CppLayerCarriesStateIntoANewInstance) {
  test::use_test_cache();
  const auto x = sine(250, 2048);
  auto make = [] {
    auto p = load_plugin(test::example_plugin("ring"), PluginOptions{});
    EXPECT_TRUE(p) << p.error().message;
    auto r = PluginRunner::create(*p, 48000, 64, 0);
    EXPECT_TRUE(r) << r.error().message;
    return std::move(*r);
  };
  // Frames [from, to) in blocks of 64; the frequency (a parameter, not
  // state: the host sends it to every new instance) at `from`.
  auto play = [&](PluginRunner& run, size_t from, size_t to, std::vector<float>& out) {
    for (size_t at = from; at < to; at += 64) {
      run.begin(64);
      std::memcpy(run.input(0), x.data() + at, 64 * sizeof(float));
      if (at == from) {
        uint32_t d[4] = {0, 0, 0, 0};
        const float hz = 777.0f;
        std::memcpy(&d[1], &hz, 4);
        run.push_event(0, kEventParam, d);
      }
      ASSERT_EQ(run.run(), TrapCode::none);
      std::memcpy(out.data() + at, run.output(0), 64 * sizeof(float));
    }
  };
  std::vector<float> whole(x.size()), split(x.size());
  play(*make(), 0, x.size(), whole);
  auto first = make();
  play(*first, 0, 1024, split);
  auto state = first->save_state();
  ASSERT_TRUE(state) << state.error().message;
  auto second = make();
  ASSERT_TRUE(second->load_state(*state));
  play(*second, 1024, x.size(), split);
  EXPECT_EQ(whole, split);
  // Without the state the second half starts at phase 0, and differs.
  std::vector<float> restarted = split;
  play(*make(), 1024, x.size(), restarted);
  EXPECT_NE(whole, restarted);
}

}  // namespace
}  // namespace ac::wasm
