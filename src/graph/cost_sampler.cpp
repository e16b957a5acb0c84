#include "graph/cost_sampler.h"

#include <algorithm>

#include "core/cycle_clock.h"

namespace ac {

void CostSampler::follow(const Plan& plan) {
  plan_ = &plan;
  plan_windows_ = 0;
  last_blocks_ = 0;
  last_us_.assign(plan.nodes.size(), 0.0);
  std::map<const Node*, History> kept;
  for (const auto& n : plan.nodes) {
    auto it = history_.find(n.get());
    if (it != history_.end() && !it->second.node.expired()) kept.insert(*it);
  }
  history_ = std::move(kept);
}

void CostSampler::sample() {
  if (!plan_) return;
  const Plan& plan = *plan_;
  // The cheap check first: maintain() calls this often.
  const uint64_t blocks_now = plan.run.block_counters.blocks.load(std::memory_order_relaxed);
  if (blocks_now < last_blocks_ + min_window_blocks_) return;
  // Each node's summed cost (halves of a split node added), straight from
  // the step counters: the deadline report would also trace the critical
  // path, which nothing here needs.
  const double us_per_tick = 1e6 / cycle_ticks_per_second();
  total_us_.assign(plan.nodes.size(), 0.0);
  for (size_t s = 0; s < plan.steps.size(); ++s)
    total_us_[plan.steps[s].node] +=
        static_cast<double>(plan.run.counters[s].ticks.load(std::memory_order_relaxed)) * us_per_tick;
  const auto blocks = static_cast<double>(blocks_now - last_blocks_);
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    History& h = history_[plan.nodes[i].get()];
    if (h.node.expired()) h = History{plan.nodes[i], {}, 0};
    h.window_us[h.count % kWindows] = (total_us_[i] - last_us_[i]) / blocks;
    ++h.count;
    last_us_[i] = total_us_[i];
  }
  last_blocks_ = blocks_now;
  ++plan_windows_;
}

std::optional<double> CostSampler::cost_us(const Node* node) const {
  auto it = history_.find(node);
  if (it == history_.end() || it->second.count == 0 || it->second.node.expired()) return std::nullopt;
  const History& h = it->second;
  const size_t n = std::min(h.count, kWindows);
  double w[kWindows];
  std::copy(h.window_us, h.window_us + n, w);
  std::nth_element(w, w + n / 2, w + n);
  return w[n / 2];
}

std::vector<double> CostSampler::costs_us(const std::vector<std::shared_ptr<Node>>& nodes) const {
  std::vector<double> out(nodes.size(), 0.0);
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!nodes[i]) continue;
    if (auto us = cost_us(nodes[i].get())) out[i] = *us;
  }
  return out;
}

}  // namespace ac
