#pragma once
// AudioBuffer owns non-interleaved samples: one contiguous allocation, made
// at construction on a control thread, never resized on the audio path.
#include <cstdint>
#include <vector>

#include "core/audio_view.h"

namespace ac {

class AudioBuffer {
 public:
  AudioBuffer() = default;
  // [control] Allocates channels x frames zeroed samples.
  AudioBuffer(uint32_t channels, FrameCount frames);

  AudioBuffer(const AudioBuffer&) = delete;
  AudioBuffer& operator=(const AudioBuffer&) = delete;
  AudioBuffer(AudioBuffer&&) noexcept;
  AudioBuffer& operator=(AudioBuffer&&) noexcept;

  uint32_t channel_count() const { return static_cast<uint32_t>(pointers_.size()); }
  FrameCount frames() const { return frames_; }
  float* channel(uint32_t c) { return pointers_[c]; }
  const float* channel(uint32_t c) const { return pointers_[c]; }

  // [any] Views of all channels over frames [offset, offset + frames).
  AudioView view(FrameOffset offset, FrameCount frames);
  AudioView view() { return view(0, frames_); }
  ConstAudioView view() const;

  // [audio] Zeroes every sample; never allocates.
  void clear() noexcept;

 private:
  void rebuild_pointers();

  std::vector<float> samples_;
  std::vector<float*> pointers_;
  FrameCount frames_ = 0;
};

}  // namespace ac
