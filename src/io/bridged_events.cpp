#include "io/bridged_events.h"

#include <cmath>

namespace ac {

BridgedEvents::BridgedEvents(uint32_t capacity) : queue_(capacity) {}

void BridgedEvents::push(const EventBuffer& events, uint64_t base) noexcept {
  for (const UmpEvent& e : events.all()) {
    if (!queue_.try_push(Positioned{base + static_cast<uint64_t>(e.at), e}))
      dropped_.fetch_add(1, std::memory_order_relaxed);
  }
}

void BridgedEvents::pop(ClockBridge::Span span, FrameCount frames, EventBuffer& out) noexcept {
  const double width = span.end - span.begin;
  for (;;) {
    if (!holding_ && !queue_.try_pop(next_)) return;
    holding_ = true;
    const auto at = static_cast<double>(next_.position);
    if (at >= span.end) return;  // its audio comes later
    FrameOffset frame = 0;
    if (width > 0.0 && at > span.begin) {
      frame = static_cast<FrameOffset>(std::floor((at - span.begin) / width * frames + 0.5));
      if (frame >= frames) frame = frames - 1;
    }
    UmpEvent e = next_.event;
    e.at = frame;
    if (!out.push(e)) dropped_.fetch_add(1, std::memory_order_relaxed);
    holding_ = false;
  }
}

}  // namespace ac
