// `delay`: a fractional delay line (Catmull-Rom cubic interpolation; exact
// when the delay is a whole number of frames). Its maximum length is fixed
// at creation. On a feedback cycle the compiler splits it: the read half runs
// first in the block and the write half last, which is exact as long as the
// delay is at least one block (enforced: shorter delays are clamped).
#include <algorithm>
#include <cmath>
#include <vector>

#include "dsp/builtin_nodes.h"
#include "dsp/node_type_helpers.h"

namespace ac {
namespace {

enum : ParamId { kTime };

class DelayNode final : public Node {
 public:
  DelayNode(const NodeOptions& o, const NodeLayout& l)
      : Node(l.params), channels_(o.count("channels")), max_ms_(o.number("max_time")) {}

  Expected<void> prepare(const StreamConfig& c) override {
    rate_ = c.sample_rate;
    max_block_ = c.max_block;
    max_frames_ = max_ms_ * rate_ / 1000.0;
    uint32_t size = 1;
    const auto need = static_cast<uint64_t>(std::ceil(max_frames_)) + c.max_block + 4;
    while (size < need) size <<= 1;
    // A typo like max_time: 600000 at 768 kHz on 64 channels would ask for
    // gigabytes: refuse clearly instead of failing to allocate.
    constexpr uint64_t kMaxBytes = uint64_t{512} << 20;
    const uint64_t bytes = uint64_t{size} * channels_ * sizeof(float);
    if (bytes > kMaxBytes) {
      return unexpected(make_error(ErrorDomain::dsp, "max_time " + std::to_string(max_ms_) + " ms on " +
                                                         std::to_string(channels_) + " channels needs " +
                                                         std::to_string(bytes >> 20) +
                                                         " MiB of delay memory (limit 512 MiB)"));
    }
    mask_ = size - 1;
    rings_.assign(channels_, std::vector<float>(size, 0.0f));
    return {};
  }
  void reset() noexcept override {
    for (auto& r : rings_) std::fill(r.begin(), r.end(), 0.0f);
    pos_ = 0;
  }

  bool can_close_cycle() const override { return true; }
  FrameCount min_cycle_delay() const override {
    return static_cast<FrameCount>(std::floor(frames_for(param_value(kTime))));
  }

  void process(ProcessContext& ctx) noexcept override {
    SmoothedParam& t = param(kTime);
    double d = frames_for(t.value());
    for (FrameCount i = 0; i < ctx.frames; ++i) {
      if (t.ramping()) d = frames_for(t.next());
      for (uint32_t c = 0; c < channels_; ++c) {
        rings_[c][pos_] = ctx.in(0).channel(c)[i];
        ctx.out(0).channel(c)[i] = read(rings_[c].data(), pos_, d, 0);
      }
      pos_ = (pos_ + 1) & mask_;
    }
  }

  void process_cycle_read(ProcessContext& ctx) noexcept override {
    SmoothedParam& t = param(kTime);
    const double min_d = max_block_;
    double d = std::max(frames_for(t.value()), min_d);
    for (FrameCount i = 0; i < ctx.frames; ++i) {
      if (t.ramping()) d = std::max(frames_for(t.next()), min_d);
      const uint32_t at = ctx.block_offset + i;  // frames after the last written one
      for (uint32_t c = 0; c < channels_; ++c) {
        ctx.out(0).channel(c)[i] = read(rings_[c].data(), (pos_ + at) & mask_, d, at + 1);
      }
    }
  }

  void process_cycle_write(ProcessContext& ctx) noexcept override {
    for (FrameCount i = 0; i < ctx.frames; ++i) {
      for (uint32_t c = 0; c < channels_; ++c) rings_[c][(pos_ + i) & mask_] = ctx.in(0).channel(c)[i];
    }
    pos_ = (pos_ + ctx.frames) & mask_;
  }

 private:
  double frames_for(float ms) const noexcept { return std::clamp(ms * rate_ / 1000.0, 0.0, max_frames_); }

  // The sample `d` frames before position `pos`. Samples with a delay below
  // `oldest_unwritten` ... are not written yet: a cubic that would need one
  // falls back to linear interpolation.
  float read(const float* ring, uint32_t pos, double d, uint32_t unavailable_below) const noexcept {
    const auto whole = static_cast<uint32_t>(d);
    const auto frac = static_cast<float>(d - whole);
    const float x0 = ring[(pos - whole) & mask_];
    if (frac == 0.0f) return x0;
    const float x1 = ring[(pos - whole - 1) & mask_];
    if (whole < unavailable_below + 1) return x0 + frac * (x1 - x0);
    const float xm1 = ring[(pos - whole + 1) & mask_];
    const float x2 = ring[(pos - whole - 2) & mask_];
    const float c1 = 0.5f * (x1 - xm1);
    const float c2 = xm1 - 2.5f * x0 + 2.0f * x1 - 0.5f * x2;
    const float c3 = 0.5f * (x2 - xm1) + 1.5f * (x0 - x1);
    return ((c3 * frac + c2) * frac + c1) * frac + x0;
  }

  uint32_t channels_;
  double max_ms_;
  double rate_ = 48000.0;
  double max_frames_ = 0.0;
  FrameCount max_block_ = 64;
  std::vector<std::vector<float>> rings_;
  uint32_t mask_ = 0;
  uint32_t pos_ = 0;  // where the next input frame is written
};

}  // namespace

NodeType delay_node_type() {
  NodeType t;
  t.name = "delay";
  t.summary = "fractional delay line; on a feedback cycle it must be at least one block";
  t.options = {number_param("max_time", 1, 60000, 1000, "ms", "longest delay (memory is reserved for it)"),
               channels_option(1)};
  t.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    const uint32_t ch = o.count("channels");
    const double max = o.number("max_time");
    return NodeLayout{{{"in", ch}}, {{"out", ch}}, {number_param("time", 0, max, std::min(250.0, max), "ms", "delay")}};
  };
  t.create = make_node<DelayNode>;
  return t;
}

}  // namespace ac
