#pragma once
// How late blocks start against their media-clock time, as another clock
// sees it: the audio thread adds one figure per block, a control thread
// reads the summary. Lock-free; one writer.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>

namespace ac {

class MediaClockLag {
 public:
  struct Summary {
    uint64_t blocks = 0;
    double mean_ns = 0.0, min_ns = 0.0, max_ns = 0.0;
  };
  // [audio] One block started `lag_ns` after its media time (negative: early).
  void add(int64_t lag_ns) noexcept {
    count_.store(count_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    sum_.store(sum_.load(std::memory_order_relaxed) + lag_ns, std::memory_order_relaxed);
    min_.store(std::min(min_.load(std::memory_order_relaxed), lag_ns), std::memory_order_relaxed);
    max_.store(std::max(max_.load(std::memory_order_relaxed), lag_ns), std::memory_order_relaxed);
  }
  // [any] Each figure consistent on its own.
  Summary summary() const noexcept {
    Summary s;
    s.blocks = count_.load(std::memory_order_relaxed);
    if (s.blocks == 0) return s;
    s.mean_ns = static_cast<double>(sum_.load(std::memory_order_relaxed)) / static_cast<double>(s.blocks);
    s.min_ns = static_cast<double>(min_.load(std::memory_order_relaxed));
    s.max_ns = static_cast<double>(max_.load(std::memory_order_relaxed));
    return s;
  }

 private:
  std::atomic<uint64_t> count_{0};
  std::atomic<int64_t> sum_{0};
  std::atomic<int64_t> min_{std::numeric_limits<int64_t>::max()};
  std::atomic<int64_t> max_{std::numeric_limits<int64_t>::min()};
};

}  // namespace ac
