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
    next.run.event_cursor[s] = lo;
  }
}

void carry_counters(const Plan& from, Plan& to) {
  auto copy = [](auto& into, const auto& value) {
    into.store(value.load(std::memory_order_relaxed), std::memory_order_relaxed);
  };
  std::map<std::pair<uint32_t, PlanStep::Kind>, size_t> step_of;
  for (size_t s = 0; s < from.steps.size(); ++s) step_of[{from.steps[s].node, from.steps[s].kind}] = s;
  for (size_t s = 0; s < to.steps.size(); ++s) {
    auto it = step_of.find({to.steps[s].node, to.steps[s].kind});
    if (it == step_of.end()) continue;
    const StepCounters& a = from.run.counters[it->second];
    StepCounters& b = to.run.counters[s];
    copy(b.last, a.last);
    copy(b.max, a.max);
    copy(b.misses, a.misses);
    copy(b.over_in_row, a.over_in_row);
    copy(b.bypassed, a.bypassed);
    copy(b.ticks, a.ticks);
  }
  const BlockCounters& a = from.run.block_counters;
  BlockCounters& b = to.run.block_counters;
  copy(b.blocks, a.blocks);
  copy(b.misses, a.misses);
  copy(b.last_ticks, a.last_ticks);
  copy(b.max_ticks, a.max_ticks);
  copy(b.total_ticks, a.total_ticks);
  copy(b.total_frames, a.total_frames);
}

Expected<std::unique_ptr<Plan>> rebalanced_plan(const Graph& graph, const Plan& running, const CostSampler& costs,
                                                CompileOptions options) {
  options.reuse = running.nodes;
  options.reuse_delays_from = &running;
  options.node_cost = costs.costs_us(running.nodes);
  auto next = compile(graph, options);
  if (!next) return next;
  if ((*next)->schedule.step_list == running.schedule.step_list)
    return std::unique_ptr<Plan>{};  // as good as the costs make it
  return next;
}

}  // namespace ac
