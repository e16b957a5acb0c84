#include "graph/compiler.h"

#include <algorithm>

#include "graph/compile_phases.h"

namespace ac {

Expected<std::unique_ptr<Plan>> compile(const Graph& graph, const CompileOptions& options) {
  auto plan = std::make_unique<Plan>();
  plan->config.sample_rate = graph.sample_rate;
  plan->config.max_block = graph.block_size;
  plan->config.realtime = options.realtime;
  plan->config.media_clock = options.media_clock;
  plan->fade_frames = std::max<FrameCount>(options.fade_frames, 1);
  CompileState s(graph, options, *plan);
  for (auto phase : {build_nodes, split_cycles, order_vertices}) {
    if (auto ok = phase(s); !ok) return unexpected(ok.error());
  }
  for (auto phase : {compensate_latency, find_dependencies, schedule_steps, assign_buffers, lay_out_pool, make_views,
                     route_events, route_params, finish_plan}) {
    phase(s);
  }
  return plan;
}

}  // namespace ac
