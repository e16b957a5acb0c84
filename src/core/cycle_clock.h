#pragma once
// A cheap monotonic tick counter for per-node cost accounting: the TSC on
// x86-64 (invariant on every CPU we target, ~7 ns per read), steady_clock
// elsewhere. Ticks are converted to seconds only off the audio thread.
#include <chrono>
#include <cstdint>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace ac {

// [any] Current tick; never blocks, never allocates.
inline uint64_t cycle_now() noexcept {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

// [control] Ticks per second, measured once against steady_clock (~20 ms the
// first time it is called).
double cycle_ticks_per_second();

}  // namespace ac
