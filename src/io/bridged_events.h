#pragma once
// Events (MIDI as UMP) crossing a clock bridge next to its audio. Each event
// is queued with its input position: the frame of the writer's stream it
// sits at. On the reader's side it comes out at the output frame whose
// audio was resampled from that position, so events and audio that left a
// device together arrive in the other clock's domain together, to the
// frame, whatever the two clocks' rates.
//
// Threads: push() on the bridge's writer thread, pop() on its reader's;
// neither allocates or locks. A full queue drops (counted).
#include <atomic>
#include <cstdint>

#include "clock/clock_bridge.h"
#include "core/event_buffer.h"
#include "core/spsc_ring.h"

namespace ac {

class BridgedEvents {
 public:
  // [control]
  explicit BridgedEvents(uint32_t capacity = 4096);

  // [writer] One block's events; `base` is the input position of the
  // block's first frame (ClockBridge::frames_written() before writing it).
  void push(const EventBuffer& events, uint64_t base) noexcept;
  // [reader] After the bridge's read of `frames` frames that came from
  // `span`: the events due by its end, into `out` at their frames. Events
  // whose audio was already played (or discarded by a restart) come at
  // frame 0; later ones wait.
  void pop(ClockBridge::Span span, FrameCount frames, EventBuffer& out) noexcept;

  // [any]
  uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

 private:
  struct Positioned {
    uint64_t position = 0;
    UmpEvent event;
  };
  SpscRing<Positioned> queue_;
  Positioned next_;       // [reader] taken from the queue, not yet due
  bool holding_ = false;  // [reader]
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace ac
