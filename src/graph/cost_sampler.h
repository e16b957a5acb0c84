// [control] What each node of a running Plan typically costs per block,
// robust to the stalls of a shared machine.
//
// The Plan's counters hold each step's cost summed over every block it ran.
// Their mean is pulled far off by one preemption: a gain that costs 1 µs
// and is descheduled for 5 ms once in 30 blocks averages 170 µs, and a
// scheduler fed that figure gives it a thread of its own. So the sampler
// reads the sums at intervals (windows of at least `min_window_blocks`
// blocks) and keeps the last windows' means per node; a node's cost is
// their median. A stall lands in one window and leaves the median alone,
// while a window still spans enough blocks for a node whose work comes in
// bursts (an FFT every few blocks) to show its mean.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "graph/plan.h"

namespace ac {

class CostSampler {
 public:
  static constexpr size_t kWindows = 16;        // kept per node
  static constexpr uint64_t kReadyWindows = 3;  // before the median is trusted for a whole Plan

  explicit CostSampler(uint64_t min_window_blocks = 16) : min_window_blocks_(min_window_blocks) {}

  // Follows a newly published Plan: its counters start at zero, and nodes
  // it does not hold are forgotten (nodes it carried over keep their
  // windows). Call it for every Plan published, even one built where a
  // freed Plan was.
  void follow(const Plan& plan);

  // Reads the followed Plan's counters and closes a window if at least the
  // minimum number of blocks ran since the last one.
  void sample();

  // Windows closed since the followed Plan was published.
  uint64_t windows_of_plan() const { return plan_windows_; }
  // Whether every node of the followed Plan has enough windows for a
  // schedule to be balanced by them.
  bool ready() const { return plan_windows_ >= kReadyWindows; }

  // The median of `node`'s windows, in µs per block; none before its first
  // window.
  std::optional<double> cost_us(const Node* node) const;
  // The same for each of `nodes` (a Plan's, or the instances a new Plan
  // reuses; null entries allowed), 0 where not known: what
  // CompileOptions::node_cost takes.
  std::vector<double> costs_us(const std::vector<std::shared_ptr<Node>>& nodes) const;

 private:
  struct History {
    std::weak_ptr<Node> node;  // an expired node's address may be reused
    double window_us[kWindows] = {};
    size_t count = 0;  // windows written (the ring holds the last kWindows)
  };

  uint64_t min_window_blocks_;
  const Plan* plan_ = nullptr;
  uint64_t plan_windows_ = 0;
  uint64_t last_blocks_ = 0;
  std::vector<double> last_us_;   // per plan node: its summed cost at the last window
  std::vector<double> total_us_;  // per plan node: scratch for the current sums
  std::map<const Node*, History> history_;
};

}  // namespace ac
