// Ring modulator, mono, written against the C++ layer
// (audiocloud_plugin.hpp): out = in * ((1 - mix) + mix * sin(phase)).
// A note-on (MIDI 1.0 or 2.0 UMP) tunes the carrier to the note's pitch
// until the `frequency` parameter next changes. The carrier's phase is the
// plug-in's state, so a hot swap continues it.
#include <math.h>

#include "audiocloud_plugin.hpp"

namespace {

constexpr double kTwoPi = 6.283185307179586;

struct RingTraits {
  static constexpr uint32_t inputs = 1, outputs = 1;
  static constexpr uint32_t params = 2;
  static constexpr uint32_t state_size = sizeof(double);
  static constexpr uint32_t max_block = 8192, event_capacity = 256;
};

enum : uint32_t { kFrequency, kMix };

const ac_port_info kIn[] = {{"in", 1}};
const ac_port_info kOut[] = {{"out", 1}};
const ac_param_info kParamInfo[] = {
    {"frequency", "Carrier frequency", "Hz", 20.0f, 5000.0f, 440.0f, AC_CURVE_LOG},
    {"mix", "Mix", "", 0.0f, 1.0f, 1.0f, AC_CURVE_LINEAR},
};
const ac_descriptor kDescriptor = {AC_PLUGIN_ABI_VERSION,
                                   "org.audiocloud.example.ring",
                                   "Ring modulator (C++)",
                                   "audiocloud examples",
                                   "1.0.0",
                                   1,
                                   kIn,
                                   1,
                                   kOut,
                                   1,
                                   0,
                                   2,
                                   kParamInfo,
                                   0,
                                   RingTraits::state_size};

}  // namespace

class Ring : public audiocloud::Plugin<Ring, RingTraits> {
 public:
  static const ac_descriptor& descriptor() { return kDescriptor; }

  bool prepare() {
    tune(param(kFrequency));
    return true;
  }

  void parameter_changed(uint32_t index, float value) {
    if (index == kFrequency) tune(value);
  }

  void ump(const uint32_t (&w)[4]) {
    const uint32_t type = w[0] >> 28, status = (w[0] >> 20) & 0xF;
    if (status != 0x9) return;
    const uint32_t note = (w[0] >> 8) & 0x7F;
    // MIDI 1.0 in UMP: velocity 0 is a note-off. MIDI 2.0: velocity in w[1].
    if (type == 0x2 && (w[0] & 0x7F) == 0) return;
    if (type != 0x2 && type != 0x4) return;
    tune(440.0 * pow(2.0, (static_cast<double>(note) - 69.0) / 12.0));
  }

  void render(const float* const* in, float* const* out, uint32_t frames) {
    const double mix = param(kMix);
    for (uint32_t i = 0; i < frames; ++i) {
      out[0][i] = static_cast<float>(in[0][i] * ((1.0 - mix) + mix * sin(phase_)));
      phase_ += increment_;
      if (phase_ >= kTwoPi) phase_ -= kTwoPi;
    }
  }

  void reset() { phase_ = 0.0; }
  uint32_t save(uint8_t* dst) {
    memcpy(dst, &phase_, sizeof phase_);
    return sizeof phase_;
  }
  bool load(const uint8_t* src, uint32_t size) {
    if (size != sizeof phase_) return false;
    memcpy(&phase_, src, sizeof phase_);
    return true;
  }

 private:
  void tune(double hz) { increment_ = kTwoPi * hz / sample_rate(); }

  double phase_ = 0.0;
  double increment_ = 0.0;
};

AUDIOCLOUD_PLUGIN(Ring)
