#include "graph/static_schedule.h"

#include <algorithm>

namespace ac {

StaticSchedule make_static_schedule(const std::vector<std::vector<uint32_t>>& preds, const std::vector<double>& cost,
                                    uint32_t threads) {
  // Waiting for a value from another core costs a cache-line transfer or
  // two; priced here at a quarter of a typical step.
  constexpr double kCrossThreadPenalty = 0.25;
  const auto steps = static_cast<uint32_t>(preds.size());
  StaticSchedule out;
  out.thread_of.assign(steps, 0);
  out.lists.assign(threads, {});
  std::vector<double> finish(steps, 0.0), free_at(threads, 0.0);
  for (uint32_t s = 0; s < steps; ++s) {
    uint32_t best = 0;
    double best_start = 0;
    for (uint32_t t = 0; t < threads; ++t) {
      double start = free_at[t];
      for (uint32_t p : preds[s]) {
        start = std::max(start, finish[p] + (out.thread_of[p] == t ? 0.0 : kCrossThreadPenalty));
      }
      // Ties go to the lowest thread: deterministic, and the driver (thread
      // 0) is always awake.
      if (t == 0 || start < best_start) {
        best = t;
        best_start = start;
      }
    }
    out.thread_of[s] = best;
    finish[s] = best_start + cost[s];
    free_at[best] = finish[s];
    out.lists[best].push_back(s);
  }
  return out;
}

}  // namespace ac
