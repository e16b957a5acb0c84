#pragma once
// Turns a validated Graph into a Plan: builds and prepares the nodes, orders
// them (a cycle is an error unless a node that can close one, a delay, lies
// on it), aligns parallel paths of different latency with inserted delays,
// and assigns buffers with reuse by liveness.
#include <functional>
#include <memory>

#include "core/expected.h"
#include "graph/graph.h"
#include "graph/plan.h"

namespace ac {

// Host event endpoint -> the driver's stream slot.
using HostSlotOf = std::function<uint32_t(const GraphNode& endpoint)>;

struct CompileOptions {
  bool realtime = true;  // see StreamConfig::realtime
  // Threads the Plan is scheduled for. Above 1, buffers are reused only
  // where every earlier user of one happens-before the new writer (so steps
  // may run at the same time) and a static schedule assigns each step to a
  // thread: what a ParallelExecutor with that many threads needs. Serial
  // plans (1) reuse more buffers.
  uint32_t threads = 1;
  // Hot swap: per graph node, an instance to keep (already prepared for the
  // same stream, possibly running in another Plan: the compiler only reads
  // its latency) or null to build a new one. Empty: build all.
  std::vector<std::shared_ptr<Node>> reuse{};
  // Hot swap: alignment delays of this running Plan are carried over (with
  // their contents) where the same connection needs the same delay.
  const Plan* reuse_delays_from = nullptr;
  // Length of fades on connections marked Fade::in / Fade::out.
  FrameCount fade_frames = 480;
  // Parallel plans: per graph node, its measured cost (any unit, e.g. µs
  // per block from a running Plan's deadline report), or 0 where unknown.
  // The static schedule balances the threads by these; unknown nodes count
  // as the median known one. Empty: every node costs the same.
  std::vector<double> node_cost{};
  // Which of the driver's event streams each host event endpoint uses (its
  // ProcessContext::host_slot). Unset: the endpoints of each direction in
  // graph order. A driver whose streams outlive a graph edit (JACK ports
  // added while running) maps them by name, so that removing one endpoint
  // does not move the others onto its port.
  HostSlotOf host_slot_of{};
  std::string media_clock{};  // see StreamConfig::media_clock
};

// [control] Allocates everything the Plan needs. Errors name the graph file
// location of the node or connection at fault.
Expected<std::unique_ptr<Plan>> compile(const Graph& graph, const CompileOptions& options = {});

}  // namespace ac
