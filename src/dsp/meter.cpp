#include "dsp/meter.h"

#include <cmath>

#include "dsp/builtin_nodes.h"
#include "dsp/node_type_helpers.h"

namespace ac {

MeterNode::MeterNode(const NodeOptions& o, const NodeLayout& l)
    : Node(l.params),
      channels_(o.count("channels")),
      ring_(static_cast<size_t>(o.count("channels")) * 4096),
      readings_(channels_),
      total_squares_(channels_, 0.0),
      total_frames_(channels_, 0) {}

Expected<void> MeterNode::prepare(const StreamConfig&) {
  return {};
}

void MeterNode::process(ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.in(0);
  for (uint32_t c = 0; c < channels_; ++c) {
    const float* x = in.channel(c);
    float peak = 0.0f;
    double sum = 0.0;
    for (FrameCount i = 0; i < ctx.frames; ++i) {
      const float a = std::fabs(x[i]);
      peak = a > peak ? a : peak;
      sum += static_cast<double>(x[i]) * x[i];
    }
    if (!ring_.try_push(Record{c, ctx.frames, peak, sum})) dropped_.fetch_add(1, std::memory_order_relaxed);
  }
}

const std::vector<MeterChannelReading>& MeterNode::poll() {
  std::vector<double> squares(channels_, 0.0);
  std::vector<uint64_t> frames(channels_, 0);
  for (auto& r : readings_) r.peak = 0.0f;
  Record rec{};
  while (ring_.try_pop(rec)) {
    MeterChannelReading& r = readings_[rec.channel];
    r.peak = std::max(r.peak, rec.peak);
    r.peak_total = std::max(r.peak_total, rec.peak);
    squares[rec.channel] += rec.sum_squares;
    frames[rec.channel] += rec.frames;
  }
  for (uint32_t c = 0; c < channels_; ++c) {
    total_squares_[c] += squares[c];
    total_frames_[c] += frames[c];
    if (frames[c]) readings_[c].rms = std::sqrt(squares[c] / static_cast<double>(frames[c]));
    if (total_frames_[c]) readings_[c].rms_total = std::sqrt(total_squares_[c] / static_cast<double>(total_frames_[c]));
  }
  return readings_;
}

NodeType meter_node_type() {
  NodeType t;
  t.name = "meter";
  t.summary = "peak and RMS per channel, read off the audio thread (shown by render and run)";
  t.options = {channels_option(1)};
  t.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    return NodeLayout{{{"in", o.count("channels")}}, {}, {}};
  };
  t.create = make_node<MeterNode>;
  return t;
}

}  // namespace ac

namespace ac {

std::vector<std::string> MeterNode::counters() const {
  if (dropped() == 0) return {};
  return {std::to_string(dropped()) + " readings dropped (nobody polled the meter for seconds)"};
}

}  // namespace ac
