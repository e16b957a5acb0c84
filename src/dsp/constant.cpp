// `constant`: a steady value (DC) on every channel. With events it is a
// control signal, a step or an impulse, which makes it the simplest probe of
// sample accuracy.
#include "dsp/builtin_nodes.h"
#include "dsp/node_type_helpers.h"

namespace ac {
namespace {

enum : ParamId { kValue };

class ConstantNode final : public Node {
 public:
  ConstantNode(const NodeOptions&, const NodeLayout& l) : Node(l.params) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override {
    const AudioView& out = ctx.out(0);
    float* first = out.channel(0);
    SmoothedParam& v = param(kValue);
    for (FrameCount i = 0; i < ctx.frames; ++i) first[i] = v.next();
    for (uint32_t c = 1; c < out.channel_count; ++c) {
      float* o = out.channel(c);
      for (FrameCount i = 0; i < ctx.frames; ++i) o[i] = first[i];
    }
  }
};

}  // namespace

NodeType constant_node_type() {
  NodeType t;
  t.name = "constant";
  t.summary = "a steady value on every channel; with events, a step, impulse or control ramp";
  t.options = {channels_option(1)};
  t.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    return NodeLayout{{},
                      {{"out", o.count("channels")}},
                      {number_param("value", -1e6, 1e6, 0.0, "", "the value written to every frame")}};
  };
  t.create = make_node<ConstantNode>;
  return t;
}

}  // namespace ac
