#pragma once
// Events on a graph's event ports: MIDI 2.0 Universal MIDI Packets (one to
// four 32-bit words), each at a frame of the current block. One EventBuffer
// holds one port's events for one block; its capacity is fixed when the Plan
// is compiled, so pushing never allocates (a full buffer drops and counts).
#include <cstdint>
#include <vector>

#include "core/sample_time.h"

namespace ac {

// One UMP packet at a frame of the block. Unused words are zero; the packet's
// size follows from its message type (midi/ump.h).
struct UmpEvent {
  FrameOffset at = 0;  // frame inside the block (not inside a cut of it)
  uint32_t words[4] = {0, 0, 0, 0};
};

// A contiguous run of events, sorted by `at`.
struct EventSpan {
  const UmpEvent* first = nullptr;
  const UmpEvent* last = nullptr;
  const UmpEvent* begin() const noexcept { return first; }
  const UmpEvent* end() const noexcept { return last; }
  uint32_t size() const noexcept { return static_cast<uint32_t>(last - first); }
  bool empty() const noexcept { return first == last; }
};

class EventBuffer {
 public:
  static constexpr uint32_t kDefaultCapacity = 1024;

  // [control] Allocates room for `capacity` events.
  explicit EventBuffer(uint32_t capacity = kDefaultCapacity) : events_(capacity) {}

  // [audio] Forget this block's events (the drop counter stays).
  void clear() noexcept { size_ = 0; }

  // [audio] Appends, keeping the buffer sorted: an event earlier than the
  // last one is moved to the last one's frame (order of arrival wins). A full
  // buffer drops the event and counts it; returns false then.
  bool push(UmpEvent e) noexcept {
    if (size_ == events_.size()) {
      ++dropped_;
      return false;
    }
    if (size_ > 0 && e.at < events_[size_ - 1].at) e.at = events_[size_ - 1].at;
    events_[size_++] = e;
    return true;
  }

  // [audio] The events with from <= at < to.
  EventSpan window(FrameOffset from, FrameOffset to) const noexcept {
    const UmpEvent* b = events_.data();
    const UmpEvent* e = b + size_;
    // Lower bounds by hand: short lists, no <algorithm> on the audio path.
    const UmpEvent* lo = b;
    while (lo != e && lo->at < from) ++lo;
    const UmpEvent* hi = lo;
    while (hi != e && hi->at < to) ++hi;
    return {lo, hi};
  }

  EventSpan all() const noexcept { return {events_.data(), events_.data() + size_}; }
  uint32_t size() const noexcept { return size_; }
  uint32_t capacity() const noexcept { return static_cast<uint32_t>(events_.size()); }
  uint64_t dropped() const noexcept { return dropped_; }

 private:
  std::vector<UmpEvent> events_;
  uint32_t size_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace ac
