#include "test_nodes.h"

#include <memory>
#include <vector>

namespace ac::test {
namespace {

class LatentNode final : public Node {
 public:
  explicit LatentNode(FrameCount frames) : Node({}), ring_(frames + 1, 0.0f), frames_(frames) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  FrameCount latency() const override { return frames_; }
  void process(ProcessContext& ctx) noexcept override {
    const float* x = ctx.in(0).channel(0);
    float* y = ctx.out(0).channel(0);
    for (FrameCount i = 0; i < ctx.frames; ++i) {
      ring_[pos_] = x[i];
      y[i] = ring_[(pos_ + ring_.size() - frames_) % ring_.size()];
      pos_ = (pos_ + 1) % ring_.size();
    }
  }

 private:
  std::vector<float> ring_;
  FrameCount frames_;
  size_t pos_ = 0;
};

}  // namespace

void add_latent_node(NodeRegistry& r) {
  NodeType t;
  t.name = "latent";
  t.summary = "test: pure delay reported as latency";
  t.options = {integer_param("frames", 0, 100000, 0, "latency")};
  t.layout = [](const NodeOptions&) -> Expected<NodeLayout> { return NodeLayout{{{"in", 1}}, {{"out", 1}}, {}}; };
  t.create = [](const NodeOptions& o, const NodeLayout&) -> Expected<std::unique_ptr<Node>> {
    return std::unique_ptr<Node>(std::make_unique<LatentNode>(o.count("frames")));
  };
  r.add(std::move(t));
}

}  // namespace ac::test
