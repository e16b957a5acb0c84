// The graph's host endpoints: `input` exposes the driver's capture channels
// to the graph, `output` hands the graph's result to the driver (the sound
// card, JACK, or the WAV file of an offline render).
#include <cstring>

#include "graph/node_registry.h"

namespace ac {
namespace {

class HostInputNode final : public Node {
 public:
  HostInputNode() : Node({}) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override {
    const AudioView& out = ctx.out(0);
    for (uint32_t c = 0; c < out.channel_count; ++c) {
      if (ctx.host && c < ctx.host->input.channel_count) {
        std::memcpy(out.channel(c), ctx.host->input.channel(c) + ctx.block_offset, ctx.frames * sizeof(float));
      } else {
        std::memset(out.channel(c), 0, ctx.frames * sizeof(float));
      }
    }
  }
};

class HostOutputNode final : public Node {
 public:
  HostOutputNode() : Node({}) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override {
    if (!ctx.host) return;
    const ConstAudioView& in = ctx.in(0);
    const AudioView& out = ctx.host->output;
    for (uint32_t c = 0; c < in.channel_count && c < out.channel_count; ++c) {
      std::memcpy(out.channel(c) + ctx.block_offset, in.channel(c), ctx.frames * sizeof(float));
    }
  }
};

}  // namespace

void register_endpoint_nodes(NodeRegistry& registry) {
  NodeType in;
  in.name = "input";
  in.summary = "the driver's capture channels (silence when rendering offline)";
  in.options = {channels_option(2)};
  in.is_host_input = true;
  in.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    return NodeLayout{{}, {{"out", o.count("channels")}}, {}};
  };
  in.create = [](const NodeOptions&, const NodeLayout&) -> Expected<std::unique_ptr<Node>> {
    return std::unique_ptr<Node>(std::make_unique<HostInputNode>());
  };
  registry.add(std::move(in));

  NodeType out;
  out.name = "output";
  out.summary = "the graph's result: the driver's playback channels or the rendered file";
  out.options = {channels_option(2)};
  out.is_host_output = true;
  out.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    return NodeLayout{{{"in", o.count("channels")}}, {}, {}};
  };
  out.create = [](const NodeOptions&, const NodeLayout&) -> Expected<std::unique_ptr<Node>> {
    return std::unique_ptr<Node>(std::make_unique<HostOutputNode>());
  };
  registry.add(std::move(out));
}

}  // namespace ac
