#pragma once
// Turns a validated Graph into a Plan: builds and prepares the nodes, orders
// them (a cycle is an error unless a node that can close one, a delay, lies
// on it), aligns parallel paths of different latency with inserted delays,
// and assigns buffers with reuse by liveness.
#include <memory>

#include "core/expected.h"
#include "graph/graph.h"
#include "graph/plan.h"

namespace ac {

struct CompileOptions {
  bool realtime = true;  // see StreamConfig::realtime
  // Reuse a buffer only where every earlier user of it happens-before the
  // new writer in the dependency graph, so steps may run concurrently (the
  // parallel executor needs this). Serial plans reuse more.
  bool parallel = false;
};

// [control] Allocates everything the Plan needs. Errors name the graph file
// location of the node or connection at fault.
Expected<std::unique_ptr<Plan>> compile(const Graph& graph, const CompileOptions& options = {});

}  // namespace ac
