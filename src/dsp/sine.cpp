// `sine`: a sine oscillator. Phase is kept in double precision so a long
// render does not drift, and frequency changes are phase-continuous.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/decibels.h"
#include "dsp/builtin_nodes.h"
#include "dsp/node_type_helpers.h"

namespace ac {
namespace {

enum : ParamId { kFrequency, kLevel };

class SineNode final : public Node {
 public:
  SineNode(const NodeOptions& o, const NodeLayout& l)
      : Node(l.params), start_phase_(o.number("phase") / 360.0), phase_(start_phase_) {}
  Expected<void> prepare(const StreamConfig& c) override {
    inv_rate_ = 1.0 / c.sample_rate;
    return {};
  }
  void reset() noexcept override { phase_ = start_phase_; }
  void process(ProcessContext& ctx) noexcept override {
    float* out = ctx.out(0).channel(0);
    SmoothedParam& f = param(kFrequency);
    SmoothedParam& l = param(kLevel);
    float gain = db_to_gain(l.value());
    for (FrameCount i = 0; i < ctx.frames; ++i) {
      if (l.ramping()) gain = db_to_gain(l.next());
      out[i] = gain * static_cast<float>(std::sin(2.0 * std::numbers::pi * phase_));
      // At most half a cycle per frame (Nyquist), so one wrap suffices.
      phase_ += std::min(static_cast<double>(f.next()) * inv_rate_, 0.5);
      if (phase_ >= 1.0) phase_ -= 1.0;  // the step is below 1 (frequency <= Nyquist)
    }
  }

 private:
  double start_phase_;
  double phase_;
  double inv_rate_ = 1.0 / 48000.0;
};

}  // namespace

NodeType sine_node_type() {
  NodeType t;
  t.name = "sine";
  t.summary = "sine oscillator";
  t.options = {number_param("phase", 0, 360, 0, "deg", "starting phase")};
  t.layout = [](const NodeOptions&) -> Expected<NodeLayout> {
    return NodeLayout{{}, {{"out", 1}}, {frequency_param(440.0), level_param(0.0)}};
  };
  t.create = make_node<SineNode>;
  return t;
}

}  // namespace ac
