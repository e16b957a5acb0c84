#include "net/rtp_jitter_buffer.h"

namespace ac::rtp {

JitterBuffer::JitterBuffer(uint32_t fpp, uint32_t channels, uint32_t slots)
    : fpp_(fpp),
      channels_(channels),
      slots_(slots),
      slot_(std::make_unique<Slot[]>(slots)),
      samples_(std::make_unique<std::atomic<float>[]>(size_t{slots} * fpp * channels)) {}

void JitterBuffer::reset() noexcept {
  for (uint32_t i = 0; i < slots_; ++i) slot_[i].timestamp.store(0, std::memory_order_relaxed);
  started_.store(false, std::memory_order_release);
  playing_.store(false, std::memory_order_release);
  have_headroom_.store(false, std::memory_order_release);
}

std::optional<int32_t> JitterBuffer::least_headroom() const noexcept {
  if (!have_headroom_.load(std::memory_order_acquire)) return std::nullopt;
  return least_headroom_.load(std::memory_order_relaxed);
}

void JitterBuffer::note_headroom(int32_t headroom) noexcept {
  if (!have_headroom_.load(std::memory_order_relaxed) || headroom < least_headroom_.load(std::memory_order_relaxed)) {
    least_headroom_.store(headroom, std::memory_order_relaxed);
    have_headroom_.store(true, std::memory_order_release);
  }
}

JitterBuffer::Put JitterBuffer::put(uint32_t ts, const float* x) noexcept {
  if (!started_.load(std::memory_order_relaxed)) {
    base_.store(ts, std::memory_order_relaxed);
    newest_.store(ts, std::memory_order_relaxed);
    started_.store(true, std::memory_order_release);
  }
  uint32_t from_base = ts - base_.load(std::memory_order_relaxed);
  if (from_base >= 0x80000000u && from_base % fpp_ == 0) {
    // Half-way to the timestamp's wrap (2^32 is no multiple of a packet):
    // move the grid's origin on by whole rings of slots, so every slot and
    // every frame keeps its place for a reader on either origin.
    const uint32_t ring = fpp_ * slots_;
    const uint32_t moved = from_base / ring * ring;
    base_.store(base_.load(std::memory_order_relaxed) + moved, std::memory_order_release);
    from_base -= moved;
  }
  if (from_base % fpp_ != 0) return Put::misaligned;
  Slot& s = slot_[(from_base / fpp_) % slots_];
  const uint32_t v = s.version.load(std::memory_order_relaxed);
  // A copy of a packet already here (ST 2022-7's other leg) is a duplicate,
  // however late it comes.
  if ((v & 1u) == 0 && v != 0 && s.timestamp.load(std::memory_order_relaxed) == ts) return Put::duplicate;
  if (playing_.load(std::memory_order_acquire)) {
    // One reading of the play head for both: a packet is late exactly when
    // its headroom is a packet or less below zero.
    const auto headroom = static_cast<int32_t>(ts - played_.load(std::memory_order_acquire));
    note_headroom(headroom);
    // Late: its last frame is at or before what has been played.
    if (headroom + static_cast<int32_t>(fpp_) <= 0) return Put::late;
  }
  // Odd while written. The read-modify-write's acquire keeps the writes
  // below from moving above it (no fences: ThreadSanitizer cannot see them).
  s.version.fetch_add(1, std::memory_order_acq_rel);
  s.timestamp.store(ts, std::memory_order_relaxed);
  std::atomic<float>* to = &samples_[size_t{(from_base / fpp_) % slots_} * fpp_ * channels_];
  for (size_t i = 0; i < size_t{fpp_} * channels_; ++i) to[i].store(x[i], std::memory_order_relaxed);
  s.version.store(v + 2, std::memory_order_release);
  if (static_cast<int32_t>(ts - newest_.load(std::memory_order_relaxed)) > 0)
    newest_.store(ts, std::memory_order_release);
  return Put::stored;
}

uint32_t JitterBuffer::read(uint32_t ts, uint32_t frames, float* const* out) noexcept {
  uint32_t missing = 0;
  const uint32_t base = base_.load(std::memory_order_acquire);
  const bool started = started_.load(std::memory_order_acquire);
  for (uint32_t f = 0; f < frames;) {
    const uint32_t from_base = ts + f - base;
    const uint32_t in_packet = from_base % fpp_;
    const uint32_t n = fpp_ - in_packet < frames - f ? fpp_ - in_packet : frames - f;
    const uint32_t packet_ts = ts + f - in_packet;
    // Before the first packet: nothing was sent to us yet, so nothing is
    // missing (the stream starts there).
    const bool before_start = static_cast<int32_t>(from_base) < 0;
    Slot& s = slot_[(from_base / fpp_) % slots_];
    const uint32_t v1 = s.version.load(std::memory_order_acquire);
    bool ok = started && (v1 & 1u) == 0 && v1 != 0 && s.timestamp.load(std::memory_order_relaxed) == packet_ts;
    if (ok) {
      const std::atomic<float>* from =
          &samples_[size_t{(from_base / fpp_) % slots_} * fpp_ * channels_ + size_t{in_packet} * channels_];
      // Acquire loads keep the version's second read below them.
      for (uint32_t i = 0; i < n; ++i)
        for (uint32_t c = 0; c < channels_; ++c)
          out[c][f + i] = from[size_t{i} * channels_ + c].load(std::memory_order_acquire);
      ok = s.version.load(std::memory_order_relaxed) == v1;
    }
    if (!ok) {
      for (uint32_t i = 0; i < n; ++i)
        for (uint32_t c = 0; c < channels_; ++c) out[c][f + i] = 0.0f;
      if (!before_start) missing += n;
    }
    f += n;
  }
  played_.store(ts + frames, std::memory_order_release);
  playing_.store(true, std::memory_order_release);
  return missing;
}

}  // namespace ac::rtp
