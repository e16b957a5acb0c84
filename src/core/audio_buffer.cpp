#include "core/audio_buffer.h"

#include <algorithm>
#include <utility>

namespace ac {

AudioBuffer::AudioBuffer(uint32_t channels, FrameCount frames)
    : samples_(static_cast<size_t>(channels) * frames, 0.0f), pointers_(channels), frames_(frames) {
  rebuild_pointers();
}

AudioBuffer::AudioBuffer(AudioBuffer&& o) noexcept
    : samples_(std::move(o.samples_)), pointers_(std::move(o.pointers_)), frames_(o.frames_) {
  o.frames_ = 0;
}

AudioBuffer& AudioBuffer::operator=(AudioBuffer&& o) noexcept {
  samples_ = std::move(o.samples_);
  pointers_ = std::move(o.pointers_);
  frames_ = o.frames_;
  o.frames_ = 0;
  return *this;
}

void AudioBuffer::rebuild_pointers() {
  for (size_t c = 0; c < pointers_.size(); ++c) pointers_[c] = samples_.data() + c * frames_;
}

AudioView AudioBuffer::view(FrameOffset offset, FrameCount frames) {
  return AudioView{pointers_.data(), channel_count(), offset, frames};
}

ConstAudioView AudioBuffer::view() const {
  return ConstAudioView{pointers_.data(), channel_count(), 0, frames_};
}

void AudioBuffer::clear() noexcept {
  std::fill(samples_.begin(), samples_.end(), 0.0f);
}

}  // namespace ac
