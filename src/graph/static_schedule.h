#pragma once
// A static schedule for the parallel executor: each step assigned to one
// of T threads, each thread's steps in one list. Greedy list scheduling
// over the dependency graph (Graham's list scheduling with a small penalty
// for an input produced on another thread), so chains stay on one thread
// and independent work is spread evenly. Pure: no Plan, no threads.
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
