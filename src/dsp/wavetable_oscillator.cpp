// `saw` and `square`: band-limited oscillators playing the wavetable bank
// (dsp/wavetable.h) with linear interpolation. The table is re-chosen every
// frame from the current frequency, so glides stay alias-free.
#include <algorithm>
#include <cmath>

#include "core/decibels.h"
#include "dsp/builtin_nodes.h"
#include "dsp/node_type_helpers.h"
#include "dsp/wavetable.h"

namespace ac {
namespace {

enum : ParamId { kFrequency, kLevel };

class WavetableOscillator final : public Node {
 public:
  WavetableOscillator(const NodeLayout& l, Waveform w) : Node(l.params), bank_(WavetableBank::get(w)) {}
  Expected<void> prepare(const StreamConfig& c) override {
    rate_ = c.sample_rate;
    return {};
  }
  void reset() noexcept override { phase_ = 0; }
  void process(ProcessContext& ctx) noexcept override {
    float* out = ctx.out(0).channel(0);
    SmoothedParam& f = param(kFrequency);
    SmoothedParam& l = param(kLevel);
    float gain = db_to_gain(l.value());
    double freq = f.value();
    uint64_t step = phase_step(freq);
    const float* table = table_for(freq);
    for (FrameCount i = 0; i < ctx.frames; ++i) {
      if (f.ramping()) {
        freq = f.next();
        step = phase_step(freq);
        table = table_for(freq);
      }
      if (l.ramping()) gain = db_to_gain(l.next());
      // The top 12 bits of the 64-bit phase index the 4096-sample table; the
      // next 32 are the interpolation fraction.
      const auto idx = static_cast<uint32_t>(phase_ >> 52);
      const auto frac = static_cast<float>(static_cast<double>((phase_ >> 20) & 0xFFFFFFFFu) * 0x1p-32);
      out[i] = gain * (table[idx] + frac * (table[idx + 1] - table[idx]));
      phase_ += step;  // wraps at one cycle by unsigned overflow
    }
  }

 private:
  static_assert(WavetableBank::kTableSize == 4096, "the phase layout assumes 12 index bits");

  // Cycles per frame as a 0.64 fixed-point step (resolution fs / 2^64),
  // capped at Nyquist: above it a tone only aliases.
  uint64_t phase_step(double freq) const noexcept {
    const double cycles = std::clamp(freq / rate_, 0.0, 0.5);
    return static_cast<uint64_t>(cycles * 0x1p64);
  }
  const float* table_for(double freq) const noexcept {
    const double limit = freq > 0.0 ? (rate_ * 0.5) / freq : WavetableBank::kMaxHarmonics;
    return bank_.table_for(limit >= WavetableBank::kMaxHarmonics ? WavetableBank::kMaxHarmonics
                                                                 : static_cast<uint32_t>(limit));
  }
  const WavetableBank& bank_;
  double rate_ = 48000.0;
  uint64_t phase_ = 0;  // 0.64 fixed point: one cycle is 2^64
};

NodeType oscillator_type(const char* name, const char* summary, Waveform w) {
  NodeType t;
  t.name = name;
  t.summary = summary;
  t.layout = [](const NodeOptions&) -> Expected<NodeLayout> {
    return NodeLayout{{}, {{"out", 1}}, {frequency_param(220.0), level_param(0.0)}};
  };
  t.create = [w](const NodeOptions&, const NodeLayout& l) -> Expected<std::unique_ptr<Node>> {
    return std::unique_ptr<Node>(std::make_unique<WavetableOscillator>(l, w));
  };
  return t;
}

}  // namespace

NodeType saw_node_type() {
  return oscillator_type("saw", "band-limited rising sawtooth (alias-free wavetables)", Waveform::saw);
}

NodeType square_node_type() {
  return oscillator_type("square", "band-limited square wave (alias-free wavetables)", Waveform::square);
}

}  // namespace ac
