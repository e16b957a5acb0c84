#pragma once
// Views of non-interleaved audio. A view never owns samples (AudioBuffer
// does); it is a channel-pointer table plus a frame window, so the executor
// can hand a node a sub-block without rewriting any pointer table.
#include <cstdint>

#include "core/sample_time.h"

namespace ac {

// Read-only channels.
struct ConstAudioView {
  const float* const* channels = nullptr;
  uint32_t channel_count = 0;
  FrameOffset offset = 0;  // first frame of the window inside each channel
  FrameCount frames = 0;

  // [any] Pointer to the first frame of the window in channel `c`.
  const float* channel(uint32_t c) const noexcept { return channels[c] + offset; }
};

// Writable channels.
struct AudioView {
  float* const* channels = nullptr;
  uint32_t channel_count = 0;
  FrameOffset offset = 0;
  FrameCount frames = 0;

  float* channel(uint32_t c) const noexcept { return channels[c] + offset; }
  ConstAudioView as_const() const noexcept {
    return ConstAudioView{const_cast<const float* const*>(channels), channel_count, offset, frames};
  }
};

}  // namespace ac
