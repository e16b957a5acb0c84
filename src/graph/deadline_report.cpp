#include "graph/deadline_report.h"

#include <algorithm>

#include "core/cycle_clock.h"

namespace ac {

DeadlineReport read_deadline_report(const Plan& plan) {
  DeadlineReport r;
  const double us_per_tick = 1e6 / cycle_ticks_per_second();
  const BlockCounters& b = plan.run.block_counters;
  r.blocks = b.blocks.load(std::memory_order_relaxed);
  r.misses = b.misses.load(std::memory_order_relaxed);
  const double frames = static_cast<double>(b.total_frames.load(std::memory_order_relaxed));
  const double full_period = plan.ticks_per_frame * plan.config.max_block;
  if (frames > 0)
    r.load_mean = static_cast<double>(b.total_ticks.load(std::memory_order_relaxed)) / (plan.ticks_per_frame * frames);
  r.load_last = static_cast<double>(b.last_ticks.load(std::memory_order_relaxed)) / full_period;
  r.load_max = static_cast<double>(b.max_ticks.load(std::memory_order_relaxed)) / full_period;

  const size_t n = plan.steps.size();
  std::vector<double> step_mean(n, 0.0);
  r.nodes.resize(plan.nodes.size());
  for (size_t i = 0; i < plan.nodes.size(); ++i) r.nodes[i].id = plan.node_ids[i];
  for (size_t s = 0; s < n; ++s) {
    const StepCounters& c = plan.run.counters[s];
    NodeCost& nc = r.nodes[plan.steps[s].node];
    step_mean[s] =
        r.blocks ? static_cast<double>(c.ticks.load(std::memory_order_relaxed)) / static_cast<double>(r.blocks) : 0;
    nc.mean_us_per_block += step_mean[s] * us_per_tick;
    nc.max_us += static_cast<double>(c.max.load(std::memory_order_relaxed)) * us_per_tick;
    nc.misses += c.misses.load(std::memory_order_relaxed);
    nc.bypassed = nc.bypassed || c.bypassed.load(std::memory_order_relaxed);
  }
  const double period_us = full_period * us_per_tick;
  for (auto& nc : r.nodes) nc.share = period_us > 0 ? nc.mean_us_per_block / period_us : 0;

  // Critical path: the costliest chain through the step dependencies, by
  // mean cost (steps are in a topological order).
  std::vector<double> best(n, 0.0);
  std::vector<int64_t> from(n, -1);
  for (size_t s = 0; s < n; ++s) {
    best[s] += step_mean[s];
    const PlanStep& st = plan.steps[s];
    for (uint32_t k = 0; k < st.successor_count; ++k) {
      const uint32_t next = plan.successors[st.first_successor + k];
      if (best[s] > best[next]) {
        best[next] = best[s];
        from[next] = static_cast<int64_t>(s);
      }
    }
  }
  if (n) {
    auto end = static_cast<int64_t>(std::max_element(best.begin(), best.end()) - best.begin());
    r.critical_path_us = best[static_cast<size_t>(end)] * us_per_tick;
    for (int64_t s = end; s >= 0; s = from[static_cast<size_t>(s)]) {
      r.critical_path.push_back(plan.node_ids[plan.steps[static_cast<size_t>(s)].node]);
    }
    std::reverse(r.critical_path.begin(), r.critical_path.end());
  }
  return r;
}

std::vector<std::string> bypassed_nodes(const Plan& plan) {
  std::vector<std::string> out;
  for (size_t s = 0; s < plan.steps.size(); ++s) {
    if (plan.run.counters[s].bypassed.load(std::memory_order_acquire)) out.push_back(plan.node_ids[plan.steps[s].node]);
  }
  return out;
}

bool restore_node(Plan& plan, const std::string& node_id) {
  bool found = false;
  for (size_t s = 0; s < plan.steps.size(); ++s) {
    if (plan.node_ids[plan.steps[s].node] != node_id) continue;
    found = true;
    plan.run.counters[s].over_in_row.store(0, std::memory_order_relaxed);
    plan.run.counters[s].bypassed.store(false, std::memory_order_release);
  }
  return found;
}

}  // namespace ac
