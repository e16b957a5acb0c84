// `biquad`: every RBJ cookbook filter (dsp/rbj_biquad.h), direct form I in
// double precision. Direct form I, summed so that only a1*y[n-1] waits for
// the previous output, has the shortest feedback latency (one multiply and
// one subtract per sample, vs three operations for transposed form II). Coefficients are recomputed once per change,
// or every frame while a parameter ramps (exact, if costly, during glides).
#include <array>

#include "dsp/builtin_nodes.h"
#include "dsp/node_type_helpers.h"
#include "dsp/rbj_biquad.h"

namespace ac {
namespace {

enum : ParamId { kFrequency, kQ, kGain };
constexpr uint32_t kMaxChannels = 64;

const std::vector<std::string>& shape_names() {
  static const std::vector<std::string> names = {"lowpass", "highpass", "bandpass", "bandpass_skirt", "notch",
                                                 "allpass", "peaking",  "lowshelf", "highshelf"};
  return names;
}

class BiquadNode final : public Node {
 public:
  BiquadNode(const NodeOptions& o, const NodeLayout& l) : Node(l.params) {
    const auto& names = shape_names();
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == o.text("shape")) shape_ = static_cast<BiquadShape>(i);
    }
  }
  Expected<void> prepare(const StreamConfig& c) override {
    rate_ = c.sample_rate;
    update();
    return {};
  }
  void reset() noexcept override { state_ = {}; }
  void process(ProcessContext& ctx) noexcept override {
    SmoothedParam& f = param(kFrequency);
    SmoothedParam& q = param(kQ);
    SmoothedParam& g = param(kGain);
    // Every flag must be taken (cleared), so no short-circuit here.
    const bool f_changed = f.take_dirty();
    const bool q_changed = q.take_dirty();
    const bool g_changed = g.take_dirty();
    const bool changed = f_changed || q_changed || g_changed;
    const ConstAudioView& in = ctx.in(0);
    const AudioView& out = ctx.out(0);
    if (!f.ramping() && !q.ramping() && !g.ramping()) {
      if (changed) update();
      for (uint32_t c = 0; c < in.channel_count; ++c) run(c, in.channel(c), out.channel(c), ctx.frames);
      return;
    }
    for (FrameCount i = 0; i < ctx.frames; ++i) {
      f.next();
      q.next();
      g.next();
      update();
      for (uint32_t c = 0; c < in.channel_count; ++c) run(c, in.channel(c) + i, out.channel(c) + i, 1);
    }
  }

 private:
  void update() noexcept {
    k_ = design_biquad(shape_, rate_, param(kFrequency).value(), param(kQ).value(), param(kGain).value());
  }
  void run(uint32_t c, const float* x, float* y, FrameCount frames) noexcept {
    State& st = state_[c];
    double x1 = st.x1, x2 = st.x2, y1 = st.y1, y2 = st.y2;
    const double b0 = k_.b0, b1 = k_.b1, b2 = k_.b2, a1 = k_.a1, a2 = k_.a2;
    for (FrameCount i = 0; i < frames; ++i) {
      const double in = x[i];
      const double partial = b0 * in + b1 * x1 + b2 * x2 - a2 * y2;  // off the critical path
      const double out = partial - a1 * y1;
      x2 = x1;
      x1 = in;
      y2 = y1;
      y1 = out;
      y[i] = static_cast<float>(out);
    }
    st = State{x1, x2, y1, y2};
  }
  BiquadShape shape_ = BiquadShape::lowpass;
  double rate_ = 48000.0;
  BiquadCoefficients k_;
  struct State {
    double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  };
  std::array<State, kMaxChannels> state_{};
};

}  // namespace

NodeType biquad_node_type() {
  NodeType t;
  t.name = "biquad";
  t.summary =
      "RBJ cookbook filter: lowpass, highpass, bandpass, bandpass_skirt, notch, allpass, peaking, lowshelf, highshelf";
  t.options = {choice_param("shape", shape_names(), "lowpass", "filter type"), channels_option(1)};
  t.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    const uint32_t ch = o.count("channels");
    return NodeLayout{
        {{"in", ch}},
        {{"out", ch}},
        {frequency_param(1000.0, 10.0), number_param("q", 0.025, 40, 0.7071, "", "quality (shelves: slope)"),
         number_param("gain", -48, 48, 0, "dB", "boost/cut (peaking and shelves)")}};
  };
  t.create = make_node<BiquadNode>;
  return t;
}

}  // namespace ac
