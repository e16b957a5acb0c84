#include "graph/plan_handover.h"

#include <map>
#include <utility>

namespace ac {

void skip_past_events(Plan& next, SampleTime time) noexcept {
  for (size_t s = 0; s < next.steps.size(); ++s) {
    const PlanStep& st = next.steps[s];
    const PlanEvent* ev = next.events.data() + st.first_event;
    uint32_t lo = 0, hi = st.event_count;
    while (lo < hi) {
      const uint32_t mid = (lo + hi) / 2;
      if (ev[mid].at < time)
        lo = mid + 1;
      else
        hi = mid;
    }
    next.event_cursor[s] = lo;
  }
}

void carry_counters(const Plan& from, Plan& to) {
  constexpr auto relaxed = std::memory_order_relaxed;
  std::map<std::pair<uint32_t, PlanStep::Kind>, size_t> step_of;
  for (size_t s = 0; s < from.steps.size(); ++s) step_of[{from.steps[s].node, from.steps[s].kind}] = s;
  for (size_t s = 0; s < to.steps.size(); ++s) {
    auto it = step_of.find({to.steps[s].node, to.steps[s].kind});
    if (it == step_of.end()) continue;
    const StepCounters& a = from.counters[it->second];
    StepCounters& b = to.counters[s];
    b.last.store(a.last.load(relaxed), relaxed);
    b.max.store(a.max.load(relaxed), relaxed);
    b.misses.store(a.misses.load(relaxed), relaxed);
    b.over_in_row.store(a.over_in_row.load(relaxed), relaxed);
    b.bypassed.store(a.bypassed.load(relaxed), relaxed);
    b.ticks.store(a.ticks.load(relaxed), relaxed);
  }
  const BlockCounters& a = from.block_counters;
  BlockCounters& b = to.block_counters;
  b.blocks.store(a.blocks.load(relaxed), relaxed);
  b.misses.store(a.misses.load(relaxed), relaxed);
  b.last_ticks.store(a.last_ticks.load(relaxed), relaxed);
  b.max_ticks.store(a.max_ticks.load(relaxed), relaxed);
  b.total_ticks.store(a.total_ticks.load(relaxed), relaxed);
  b.total_frames.store(a.total_frames.load(relaxed), relaxed);
}

}  // namespace ac
