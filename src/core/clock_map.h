#pragma once
// Where the media clock stands against the wall clock (CLOCK_REALTIME, the
// timescale of OSC timetags and NTP), so a control thread can turn "at this
// instant" into "at this sample". The audio thread reports each block's
// start; the map keeps one anchor and the nominal rate, and moves the anchor
// only when the blocks drift from it by more than `tolerance` (an xrun, a
// stalled device) — so schedules computed from it are exact relative to one
// another. A sequence counter lets the reader take a consistent anchor
// without locks.
#include <atomic>
#include <cstdint>
#include <optional>

#include "core/clock_time.h"
#include "core/sample_time.h"

namespace ac {

class ClockMap {
 public:
  explicit ClockMap(double sample_rate, double tolerance_seconds = 0.02)
      : rate_(sample_rate), tolerance_ns_(static_cast<int64_t>(tolerance_seconds * 1e9)) {}

  // [audio] The block starting at `time` began at `realtime` (the system
  // clock).
  void update(SampleTime time, RealtimeNanos realtime) noexcept {
    const int64_t realtime_ns = realtime.ns;
    if (anchored_) {
      const int64_t predicted =
          anchor_ns_ + static_cast<int64_t>(static_cast<double>(time.value - anchor_sample_) * 1e9 / rate_);
      const int64_t off = realtime_ns - predicted;
      if (off < tolerance_ns_ && off > -tolerance_ns_) return;
    }
    // A sequence lock without fences (which TSan cannot follow): the data
    // stores release the odd count before them, the reader's data loads
    // acquire it.
    const uint32_t s = seq_.load(std::memory_order_relaxed);
    seq_.store(s + 1, std::memory_order_relaxed);
    sample_.store(time.value, std::memory_order_release);
    ns_.store(realtime_ns, std::memory_order_release);
    seq_.store(s + 2, std::memory_order_release);
    anchored_ = true;
    anchor_sample_ = time.value;
    anchor_ns_ = realtime_ns;
  }

  // [control] The sample at system-clock instant `realtime`, once a block
  // has run.
  std::optional<SampleTime> sample_at(RealtimeNanos realtime) const noexcept {
    const int64_t realtime_ns = realtime.ns;
    for (;;) {
      const uint32_t s1 = seq_.load(std::memory_order_acquire);
      if (s1 == 0) return std::nullopt;
      if (s1 & 1u) continue;
      const int64_t sample = sample_.load(std::memory_order_acquire);
      const int64_t ns = ns_.load(std::memory_order_acquire);
      if (seq_.load(std::memory_order_relaxed) != s1) continue;
      const double offset = static_cast<double>(realtime_ns - ns) * rate_ / 1e9;
      return SampleTime{sample + static_cast<int64_t>(offset < 0 ? offset - 0.5 : offset + 0.5)};
    }
  }

 private:
  double rate_;
  int64_t tolerance_ns_;
  // Audio side.
  bool anchored_ = false;
  int64_t anchor_sample_ = 0, anchor_ns_ = 0;
  // Published.
  std::atomic<uint32_t> seq_{0};
  std::atomic<int64_t> sample_{0};
  std::atomic<int64_t> ns_{0};
};

}  // namespace ac
