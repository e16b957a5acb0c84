#pragma once
// `meter`: peak and RMS per channel, measured on the audio thread and read
// on a control thread. The audio side pushes one small record per channel
// per block into a lock-free ring; poll() folds them into readings.
#include <cstdint>
#include <vector>

#include "core/spsc_ring.h"
#include "graph/node.h"
#include "graph/node_options.h"

namespace ac {

using MeterChannelReading = LevelReading;

class MeterNode final : public Node, public LevelSource {
 public:
  MeterNode(const NodeOptions& options, const NodeLayout& layout);
  Expected<void> prepare(const StreamConfig& config) override;
  void process(ProcessContext& ctx) noexcept override;  // [audio]

  // [control] Drains what the audio thread measured; one reading per
  // channel. Call it at least every second (the ring holds ~5 s at 64
  // frames); records that did not fit are counted in dropped().
  const std::vector<MeterChannelReading>& poll();
  const std::vector<LevelReading>& poll_levels() override { return poll(); }
  LevelSource* levels() override { return this; }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::vector<std::string> counters() const override;
  uint32_t channels() const { return channels_; }

 private:
  struct Record {
    uint32_t channel;
    uint32_t frames;
    float peak;
    double sum_squares;
  };
  uint32_t channels_;
  SpscRing<Record> ring_;
  std::atomic<uint64_t> dropped_{0};
  // Control side.
  std::vector<MeterChannelReading> readings_;
  std::vector<double> total_squares_;
  std::vector<uint64_t> total_frames_;
};

}  // namespace ac
