#pragma once
// What the deadline accounting saw, read on a control thread while the Plan
// runs (relaxed atomic loads only: the audio thread is never locked or
// waited for). Used by `render`'s summary and, later, the metrics endpoint.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/plan.h"

namespace ac {

struct NodeCost {
  std::string id;
  double mean_us_per_block = 0;  // over all blocks so far
  double max_us = 0;             // the worst single block
  double share = 0;              // mean cost / block period
  uint64_t misses = 0;           // missed deadlines it was the slowest step in
  bool bypassed = false;         // by the overrun policy
};

struct DeadlineReport {
  uint64_t blocks = 0;
  uint64_t misses = 0;
  double load_last = 0;  // DSP load of the latest block: time used / block period
  double load_mean = 0;
  double load_max = 0;                     // of the worst block (against the full block period)
  std::vector<NodeCost> nodes;             // per graph node (halves of a split node added)
  std::vector<std::string> critical_path;  // node ids along the costliest dependent chain
  double critical_path_us = 0;             // its mean cost per block
};

// [control] A snapshot of the Plan's counters.
DeadlineReport read_deadline_report(const Plan& plan);

// [control] Nodes the overrun policy has bypassed.
std::vector<std::string> bypassed_nodes(const Plan& plan);

// [control] Brings a bypassed node back (it runs again from the next block).
// Returns false if `node_id` is not in the Plan.
bool restore_node(Plan& plan, const std::string& node_id);

}  // namespace ac
