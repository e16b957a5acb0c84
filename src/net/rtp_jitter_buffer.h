#pragma once
// The receiver's jitter buffer: a ring of packet slots addressed by RTP
// timestamp, written by the network thread and read by the audio thread
// with no lock (a sequence counter per slot: a slot being written, or
// overwritten while read, reads as missing). A packet whose playout time
// has passed is late and dropped; a frame whose packet is missing plays as
// silence and is counted as concealed.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

namespace ac::rtp {

class JitterBuffer {
 public:
  // [control] `slots` packets of `frames_per_packet` x `channels`.
  JitterBuffer(uint32_t frames_per_packet, uint32_t channels, uint32_t slots);

  enum class Put : uint8_t { stored, duplicate, late, misaligned };
  // [network thread] One packet's interleaved samples at `timestamp`. The
  // first packet sets the grid the others must sit on (whole packets
  // apart); `reset()` lets a new one set it (a new SSRC, a jump).
  Put put(uint32_t timestamp, const float* interleaved) noexcept;
  // [network thread] Forget every packet and the grid.
  void reset() noexcept;
  // [any] Whether a packet arrived since the last reset, and the newest one.
  bool started() const noexcept { return started_.load(std::memory_order_acquire); }
  uint32_t newest() const noexcept { return newest_.load(std::memory_order_acquire); }
  // [any] The least headroom seen since the last reset: how many frames
  // before the play head reached it a packet's first frame arrived (the
  // play head is the end of the last block read; negative: late by that
  // much). It tells how much of the link offset the network and the
  // machine's stalls used up. nullopt before playout began.
  std::optional<int32_t> least_headroom() const noexcept;

  // [audio] The frames [timestamp, timestamp + frames) into `out` (one
  // pointer per channel); missing ones as zeros. Returns how many were
  // missing. Marks everything before `timestamp + frames` as played.
  uint32_t read(uint32_t timestamp, uint32_t frames, float* const* out) noexcept;

 private:
  void note_headroom(int32_t headroom) noexcept;

  struct Slot {
    std::atomic<uint32_t> version{0};  // odd while written
    std::atomic<uint32_t> timestamp{0};
  };
  uint32_t fpp_, channels_, slots_;
  std::unique_ptr<Slot[]> slot_;
  std::unique_ptr<std::atomic<float>[]> samples_;  // slots x fpp x channels
  std::atomic<bool> started_{false};
  std::atomic<uint32_t> base_{0};    // the grid: timestamps base + k * fpp
  std::atomic<uint32_t> newest_{0};  // the newest packet's timestamp
  std::atomic<uint32_t> played_{0};  // the audio thread's play head
  std::atomic<bool> playing_{false};
  std::atomic<int32_t> least_headroom_{0};  // written by the network thread only
  std::atomic<bool> have_headroom_{false};
};

}  // namespace ac::rtp
