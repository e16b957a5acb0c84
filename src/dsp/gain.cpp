// `gain`: a level change in dB. A `set` glides over `smoothing` ms (in dB,
// which sounds even) so a jump does not click; ramps run as written.
#include <cmath>

#include "core/decibels.h"
#include "dsp/builtin_nodes.h"
#include "dsp/node_type_helpers.h"

namespace ac {
namespace {

enum : ParamId { kGain };

class GainNode final : public Node {
 public:
  GainNode(const NodeOptions& o, const NodeLayout& l) : Node(l.params), smoothing_ms_(o.number("smoothing")) {}
  Expected<void> prepare(const StreamConfig& c) override {
    smoothing_frames_ = static_cast<FrameCount>(std::lround(smoothing_ms_ * c.sample_rate / 1000.0));
    prepared_ = true;
    return {};
  }
  void set_param(ParamId id, float value, FrameCount ramp) noexcept override {
    // Initial values (before prepare) jump; later sets glide.
    if (prepared_ && ramp <= 1) ramp = smoothing_frames_;
    Node::set_param(id, value, ramp);
  }
  void process(ProcessContext& ctx) noexcept override {
    const ConstAudioView& in = ctx.in(0);
    const AudioView& out = ctx.out(0);
    SmoothedParam& g = param(kGain);
    if (!g.ramping()) {
      const float k = db_to_gain(g.value());
      for (uint32_t c = 0; c < in.channel_count; ++c) {
        const float* x = in.channel(c);
        float* y = out.channel(c);
        for (FrameCount i = 0; i < ctx.frames; ++i) y[i] = k * x[i];
      }
      return;
    }
    for (FrameCount i = 0; i < ctx.frames; ++i) {
      const float k = db_to_gain(g.next());
      for (uint32_t c = 0; c < in.channel_count; ++c) out.channel(c)[i] = k * in.channel(c)[i];
    }
  }

 private:
  double smoothing_ms_;
  FrameCount smoothing_frames_ = 0;
  bool prepared_ = false;
};

}  // namespace

NodeType gain_node_type() {
  NodeType t;
  t.name = "gain";
  t.summary = "level change in dB; jumps glide over `smoothing` ms";
  t.options = {channels_option(1), number_param("smoothing", 0, 1000, 5, "ms", "glide time of a set (0: exact jump)")};
  t.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    const uint32_t ch = o.count("channels");
    return NodeLayout{
        {{"in", ch}}, {{"out", ch}}, {number_param("gain", -120, 24, 0, "dB", "gain (-120 dB is silence)")}};
  };
  t.create = make_node<GainNode>;
  return t;
}

}  // namespace ac
