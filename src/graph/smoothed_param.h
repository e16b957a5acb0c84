#pragma once
// One automatable parameter as a node sees it on the audio thread: a value
// that is either steady or on a linear ramp. Events from the executor call
// set()/ramp_to() at the exact frame they apply; the node advances the ramp
// once per frame with next(), or by a whole window with advance().
#include <cstdint>

#include "core/sample_time.h"

namespace ac {

class SmoothedParam {
 public:
  // [audio] Jumps to `v`: the next frame reads `v`.
  void set(float v) noexcept {
    value_ = target_ = start_ = v;
    remaining_ = 0;
    dirty_ = true;
  }

  // [audio] Starts a linear ramp to `v` over `frames` frames: frame k of the
  // ramp (k = 1..frames) reads start + (v - start) * k / frames, so the ramp
  // reaches `v` on its last frame. frames <= 1 is set().
  void ramp_to(float v, FrameCount frames) noexcept {
    if (frames <= 1) {
      set(v);
      return;
    }
    start_ = value_;
    target_ = v;
    length_ = frames;
    remaining_ = frames;
    dirty_ = true;
  }

  bool ramping() const noexcept { return remaining_ > 0; }
  float value() const noexcept { return value_; }
  float target() const noexcept { return target_; }

  // [audio] The value for the next frame (advances a ramp by one frame).
  float next() noexcept {
    if (remaining_ == 0) return value_;
    --remaining_;
    // Computed from the ramp's start, not accumulated, so the value at a frame
    // does not depend on how the ramp was cut into blocks.
    const uint32_t k = length_ - remaining_;
    value_ =
        remaining_ == 0 ? target_ : start_ + (target_ - start_) * (static_cast<float>(k) / static_cast<float>(length_));
    return value_;
  }

  // [audio] Advances by `frames` frames without reading each value.
  void advance(FrameCount frames) noexcept {
    if (remaining_ == 0) return;
    if (frames >= remaining_) {
      remaining_ = 0;
      value_ = target_;
      return;
    }
    remaining_ -= frames;
    const uint32_t k = length_ - remaining_;
    value_ = start_ + (target_ - start_) * (static_cast<float>(k) / static_cast<float>(length_));
  }

  // [audio] True once after each set()/ramp_to(): lets a node recompute
  // derived state (filter coefficients) only when something changed.
  bool take_dirty() noexcept {
    // Write only when set: nodes on different threads must not keep
    // dirtying each other's cache lines with a store of `false`.
    if (!dirty_) return false;
    dirty_ = false;
    return true;
  }

 private:
  float value_ = 0.0f;
  float start_ = 0.0f;
  float target_ = 0.0f;
  uint32_t length_ = 0;
  uint32_t remaining_ = 0;
  bool dirty_ = true;
};

}  // namespace ac
