// `mixer`: N inputs of C channels summed into one output, each input with
// its own gain, plus a master level. Inputs are summed in index order, so
// the result is the same bits on every run.
#include "core/decibels.h"
#include "dsp/builtin_nodes.h"
#include "dsp/node_type_helpers.h"

namespace ac {
namespace {

class MixerNode final : public Node {
 public:
  MixerNode(const NodeOptions& o, const NodeLayout& l) : Node(l.params), inputs_(o.count("inputs")) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override {
    const AudioView& out = ctx.out(0);
    SmoothedParam& master = param(inputs_);
    bool any_ramp = master.ramping();
    for (uint32_t i = 0; i < inputs_; ++i) any_ramp = any_ramp || param(i).ramping();
    if (!any_ramp) {
      const float m = db_to_gain(master.value());
      for (uint32_t c = 0; c < out.channel_count; ++c) {
        float* y = out.channel(c);
        for (uint32_t i = 0; i < inputs_; ++i) {
          const float k = m * db_to_gain(param(i).value());
          const float* x = ctx.in(i).channel(c);
          if (i == 0) {
            for (FrameCount f = 0; f < ctx.frames; ++f) y[f] = k * x[f];
          } else {
            for (FrameCount f = 0; f < ctx.frames; ++f) y[f] += k * x[f];
          }
        }
      }
      return;
    }
    for (FrameCount f = 0; f < ctx.frames; ++f) {
      const float m = db_to_gain(master.next());
      for (uint32_t c = 0; c < out.channel_count; ++c) out.channel(c)[f] = 0.0f;
      for (uint32_t i = 0; i < inputs_; ++i) {
        const float k = m * db_to_gain(param(i).next());
        for (uint32_t c = 0; c < out.channel_count; ++c) out.channel(c)[f] += k * ctx.in(i).channel(c)[f];
      }
    }
  }

 private:
  uint32_t inputs_;
};

}  // namespace

NodeType mixer_node_type() {
  NodeType t;
  t.name = "mixer";
  t.summary = "sums N inputs (in0, in1, ...) with per-input gains (gain0, gain1, ...) and a master level";
  t.options = {integer_param("inputs", 1, 64, 2, "number of inputs"), channels_option(1)};
  t.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    NodeLayout l;
    const uint32_t ch = o.count("channels");
    for (uint32_t i = 0; i < o.count("inputs"); ++i) {
      l.inputs.push_back({"in" + std::to_string(i), ch});
      l.params.push_back(
          number_param("gain" + std::to_string(i), -120, 24, 0, "dB", "gain of input " + std::to_string(i)));
    }
    l.params.push_back(level_param(0.0));
    l.outputs.push_back({"out", ch});
    return l;
  };
  t.create = make_node<MixerNode>;
  return t;
}

}  // namespace ac
