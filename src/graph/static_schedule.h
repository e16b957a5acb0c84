#pragma once
// A static schedule for the parallel executor: each step assigned to one
// of T threads, each thread's steps in one list. Two candidates are
// simulated with a small penalty for an input produced on another thread:
// the step order cut into T contiguous ranges, and Graham's greedy list
// scheduling (interleaved). The ranges win unless clearly slower: a
// thread's steps then lie together in memory (nodes, buffers, counters), so
// the cores do not share pages, which the wide-graph benchmark showed costs
// ~10 % per step. Pure: no Plan, no threads.
#include <cstdint>
#include <vector>

namespace ac {

struct StaticSchedule {
  std::vector<uint32_t> thread_of;           // per step
  std::vector<std::vector<uint32_t>> lists;  // per thread, in the input order
};

// `preds[s]` lists the steps s reads, all earlier than s (the steps are in
// a topological order). `cost[s]` is a relative cost (1 for unknown).
StaticSchedule make_static_schedule(const std::vector<std::vector<uint32_t>>& preds, const std::vector<double>& cost,
                                    uint32_t threads);

}  // namespace ac
