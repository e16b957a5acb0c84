#pragma once
// Human-readable views of a compiled Plan: the text that `audiocloud graph`
// prints and the Graphviz that `--dot` writes.
#include <string>

#include "graph/graph.h"
#include "graph/plan.h"

namespace ac {

// [control] Execution order with each step's own and accumulated latency,
// inserted alignment delays, the total latency and buffer use.
std::string describe_plan(const Plan& plan, const Graph& graph);

// [control] How many steps could run at once on average: all steps divided
// by the longest chain of dependent steps (1.0 for a pure chain).
double plan_parallelism(const Plan& plan);

// [control] The same measure from a Graph's connections alone, without
// building any node (a cycle, which only a delay may close, counts as 1).
double graph_parallelism(const Graph& graph);

// [control] A Graphviz digraph: one box per node (type, latency), one edge
// per connected port pair (channels, inserted delay).
std::string plan_to_dot(const Plan& plan, const Graph& graph);

}  // namespace ac
