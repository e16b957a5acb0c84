#include "core/cycle_clock.h"

#include <thread>

namespace ac {

double cycle_ticks_per_second() {
#if defined(__x86_64__)
  static const double rate = [] {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    const uint64_t c0 = cycle_now();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const uint64_t c1 = cycle_now();
    const auto t1 = clock::now();
    const double secs = std::chrono::duration<double>(t1 - t0).count();
    return static_cast<double>(c1 - c0) / secs;
  }();
  return rate;
#else
  return 1e9;
#endif
}

}  // namespace ac
