// `noise`: white or pink noise from a seeded generator, so a render is the
// same every time. Pink is Paul Kellet's refined filter over the white
// source (within 0.05 dB of -3 dB/octave above ~9 Hz at 44.1 kHz).
#include <cstdint>

#include "core/decibels.h"
#include "dsp/builtin_nodes.h"
#include "dsp/node_type_helpers.h"

namespace ac {
namespace {

enum : ParamId { kLevel };

// xoshiro128+ : fast, good enough for audio, and fully deterministic.
class Xoshiro128 {
 public:
  explicit Xoshiro128(uint64_t seed) { reseed(seed); }
  void reseed(uint64_t seed) {
    for (auto& w : s_) {  // splitmix64 expands the seed
      seed += 0x9E3779B97F4A7C15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      w = static_cast<uint32_t>(z ^ (z >> 31));
    }
  }
  // Uniform in [-1, 1).
  float next_bipolar() noexcept {
    const uint32_t r = s_[0] + s_[3];
    const uint32_t t = s_[1] << 9;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = (s_[3] << 11) | (s_[3] >> 21);
    return static_cast<float>(static_cast<int32_t>(r)) * 0x1p-31f;
  }

 private:
  uint32_t s_[4] = {};
};

class NoiseNode final : public Node {
 public:
  NoiseNode(const NodeOptions& o, const NodeLayout& l)
      : Node(l.params), seed_(static_cast<uint64_t>(o.number("seed"))), pink_(o.text("color") == "pink"), rng_(seed_) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void reset() noexcept override {
    rng_.reseed(seed_);
    b0_ = b1_ = b2_ = b3_ = b4_ = b5_ = b6_ = 0.0f;
  }
  void process(ProcessContext& ctx) noexcept override {
    float* out = ctx.out(0).channel(0);
    SmoothedParam& l = param(kLevel);
    float gain = db_to_gain(l.value());
    for (FrameCount i = 0; i < ctx.frames; ++i) {
      if (l.ramping()) gain = db_to_gain(l.next());
      const float w = rng_.next_bipolar();
      out[i] = gain * (pink_ ? pink(w) : w);
    }
  }

 private:
  float pink(float white) noexcept {
    b0_ = 0.99886f * b0_ + white * 0.0555179f;
    b1_ = 0.99332f * b1_ + white * 0.0750759f;
    b2_ = 0.96900f * b2_ + white * 0.1538520f;
    b3_ = 0.86650f * b3_ + white * 0.3104856f;
    b4_ = 0.55000f * b4_ + white * 0.5329522f;
    b5_ = -0.7616f * b5_ - white * 0.0168980f;
    const float p = b0_ + b1_ + b2_ + b3_ + b4_ + b5_ + b6_ + white * 0.5362f;
    b6_ = white * 0.115926f;
    return p * 0.11f;  // about the same peak range as the white source
  }
  uint64_t seed_;
  bool pink_;
  Xoshiro128 rng_;
  float b0_ = 0, b1_ = 0, b2_ = 0, b3_ = 0, b4_ = 0, b5_ = 0, b6_ = 0;
};

}  // namespace

NodeType noise_node_type() {
  NodeType t;
  t.name = "noise";
  t.summary = "white or pink noise, seeded (the same seed renders the same samples)";
  t.options = {choice_param("color", {"white", "pink"}, "white", "spectrum"),
               integer_param("seed", 0, 4294967295LL, 1, "generator seed")};
  t.layout = [](const NodeOptions&) -> Expected<NodeLayout> {
    return NodeLayout{{}, {{"out", 1}}, {level_param(-12.0)}};
  };
  t.create = make_node<NoiseNode>;
  return t;
}

}  // namespace ac
