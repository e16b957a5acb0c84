#pragma once
// Parameter changes that arrive while a graph runs, not from the graph
// file: from a mapper node earlier in the same block (a MIDI controller
// turned into a filter frequency) or from a control thread (OSC) through
// the Engine. Each node that has parameters gets one inbox per Plan; the
// executor applies its changes at their frames (cutting the block there, as
// for the file's events) and empties it after the node's step.
#include <cstdint>
#include <vector>

#include "core/sample_time.h"
#include "graph/param_spec.h"

namespace ac {

struct ParamChange {
  FrameOffset at = 0;  // frame in the block
  ParamId param = 0;
  float value = 0.0f;
  FrameCount ramp_frames = 0;
};

class ParamInbox {
 public:
  static constexpr uint32_t kCapacity = 256;

  ParamInbox() : items_(kCapacity) {}

  // [audio] Inserts in frame order (after changes at the same frame); a full
  // inbox drops the change and counts it.
  bool push(const ParamChange& c) noexcept {
    if (size_ == items_.size()) {
      ++dropped_;
      return false;
    }
    uint32_t i = size_;
    while (i > 0 && items_[i - 1].at > c.at) {
      items_[i] = items_[i - 1];
      --i;
    }
    items_[i] = c;
    ++size_;
    return true;
  }
  void clear() noexcept { size_ = 0; }
  uint32_t size() const noexcept { return size_; }
  const ParamChange& operator[](uint32_t i) const noexcept { return items_[i]; }
  uint64_t dropped() const noexcept { return dropped_; }

 private:
  std::vector<ParamChange> items_;
  uint32_t size_ = 0;
  uint64_t dropped_ = 0;
};

// Where a node that drives another node's parameter sends its changes.
struct ParamTargetRef {
  ParamInbox* inbox = nullptr;
  ParamId param = 0;
};

}  // namespace ac
