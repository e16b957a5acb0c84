// `pan`: mono to stereo with a constant-power (sin/cos) law: -1 is hard
// left, +1 hard right, 0 puts each side at -3.01 dB so the power stays 1.
#include <cmath>
#include <numbers>

#include "dsp/builtin_nodes.h"
#include "dsp/node_type_helpers.h"

namespace ac {
namespace {

enum : ParamId { kPan };

class PanNode final : public Node {
 public:
  PanNode(const NodeOptions&, const NodeLayout& l) : Node(l.params) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override {
    const float* x = ctx.in(0).channel(0);
    float* left = ctx.out(0).channel(0);
    float* right = ctx.out(0).channel(1);
    SmoothedParam& p = param(kPan);
    float l = 0, r = 0;
    gains(p.value(), l, r);
    for (FrameCount i = 0; i < ctx.frames; ++i) {
      if (p.ramping()) gains(p.next(), l, r);
      left[i] = l * x[i];
      right[i] = r * x[i];
    }
  }

 private:
  static void gains(float pan, float& l, float& r) noexcept {
    const double theta = (static_cast<double>(pan) + 1.0) * std::numbers::pi / 4.0;
    l = static_cast<float>(std::cos(theta));
    r = static_cast<float>(std::sin(theta));
  }
};

}  // namespace

NodeType pan_node_type() {
  NodeType t;
  t.name = "pan";
  t.summary = "mono to stereo, constant-power law (-3 dB each side at centre)";
  t.layout = [](const NodeOptions&) -> Expected<NodeLayout> {
    return NodeLayout{
        {{"in", 1}}, {{"out", 2}}, {number_param("pan", -1, 1, 0, "", "-1 left .. 0 centre .. +1 right")}};
  };
  t.create = make_node<PanNode>;
  return t;
}

}  // namespace ac
