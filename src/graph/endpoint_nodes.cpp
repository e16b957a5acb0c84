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

// Copies the driver's event stream of its slot onto its `midi` port.
class HostEventInputNode final : public Node {
 public:
  HostEventInputNode() : Node({}) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override {
    if (!ctx.host || ctx.host_slot >= ctx.host->event_input_count) return;
    const EventBuffer& src = *ctx.host->event_input[ctx.host_slot];
    for (const UmpEvent& e : src.window(ctx.block_offset, ctx.block_offset + ctx.frames)) ctx.event_outputs[0]->push(e);
  }
};

// Hands its `midi` port's events to the driver's stream of its slot.
class HostEventOutputNode final : public Node {
 public:
  HostEventOutputNode() : Node({}) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override {
    if (!ctx.host || ctx.host_slot >= ctx.host->event_output_count) return;
    EventBuffer& dst = *ctx.host->event_output[ctx.host_slot];
    for (const UmpEvent& e : ctx.events_in(0)) dst.push(e);
  }
};

}  // namespace

NodeType host_event_input_node_type(std::string name, std::string summary, std::vector<ParamSpec> options) {
  NodeType t;
  t.name = std::move(name);
  t.summary = std::move(summary);
  t.options = std::move(options);
  t.is_host_event_input = true;
  t.layout = [](const NodeOptions&) -> Expected<NodeLayout> {
    NodeLayout l;
    l.event_outputs = {{"midi", 1}};
    return l;
  };
  t.create = [](const NodeOptions&, const NodeLayout&) -> Expected<std::unique_ptr<Node>> {
    return std::unique_ptr<Node>(std::make_unique<HostEventInputNode>());
  };
  return t;
}

NodeType host_event_output_node_type(std::string name, std::string summary, std::vector<ParamSpec> options) {
  NodeType t;
  t.name = std::move(name);
  t.summary = std::move(summary);
  t.options = std::move(options);
  t.is_host_event_output = true;
  t.layout = [](const NodeOptions&) -> Expected<NodeLayout> {
    NodeLayout l;
    l.event_inputs = {{"midi", 1}};
    return l;
  };
  t.create = [](const NodeOptions&, const NodeLayout&) -> Expected<std::unique_ptr<Node>> {
    return std::unique_ptr<Node>(std::make_unique<HostEventOutputNode>());
  };
  return t;
}

NodeType host_input_node_type(std::string name, std::string summary, std::vector<ParamSpec> extra_options) {
  NodeType in;
  in.name = std::move(name);
  in.summary = std::move(summary);
  in.options = {channels_option(2)};
  in.options.insert(in.options.end(), extra_options.begin(), extra_options.end());
  in.is_host_input = true;
  in.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    return NodeLayout{{}, {{"out", o.count("channels")}}, {}};
  };
  in.create = [](const NodeOptions&, const NodeLayout&) -> Expected<std::unique_ptr<Node>> {
    return std::unique_ptr<Node>(std::make_unique<HostInputNode>());
  };
  return in;
}

NodeType host_output_node_type(std::string name, std::string summary, std::vector<ParamSpec> extra_options) {
  NodeType out;
  out.name = std::move(name);
  out.summary = std::move(summary);
  out.options = {channels_option(2)};
  out.options.insert(out.options.end(), extra_options.begin(), extra_options.end());
  out.is_host_output = true;
  out.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    return NodeLayout{{{"in", o.count("channels")}}, {}, {}};
  };
  out.create = [](const NodeOptions&, const NodeLayout&) -> Expected<std::unique_ptr<Node>> {
    return std::unique_ptr<Node>(std::make_unique<HostOutputNode>());
  };
  return out;
}

void register_endpoint_nodes(NodeRegistry& registry) {
  registry.add(host_input_node_type("input", "the driver's capture channels (silence when rendering offline)", {}));
  registry.add(
      host_output_node_type("output", "the graph's result: the driver's playback channels or the rendered file", {}));
}

}  // namespace ac
