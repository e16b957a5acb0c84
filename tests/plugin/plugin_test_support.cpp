#include "plugin_test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "core/audio_buffer.h"
#include "graph/compiler.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"
#include "graph/parallel_executor.h"
#include "plugin/plugin_nodes.h"

namespace ac::test {

void use_test_cache() {
  setenv("AUDIOCLOUD_CACHE_DIR", AUDIOCLOUD_TEST_CACHE_DIR, 1);
}

NodeRegistry plugin_registry() {
  use_test_cache();
  return test_registry([](NodeRegistry& r) { register_plugin_nodes(r); });
}

std::string Rendered::fault(const std::string& node_id) const {
  for (size_t i = 0; i < plan->node_ids.size(); ++i) {
    if (plan->node_ids[i] == node_id) return plan->nodes[i]->fault();
  }
  return "no node " + node_id;
}

Rendered render_plugin_graph(const std::string& yaml, int64_t frames, uint32_t threads) {
  Rendered r;
  const NodeRegistry registry = plugin_registry();
  auto graph = load_graph_text(yaml, "test.yaml", registry);
  if (!graph) {
    ADD_FAILURE() << graph.error().to_string();
    return r;
  }
  CompileOptions o;
  o.realtime = false;
  o.threads = threads;
  auto plan = compile(*graph, o);
  if (!plan) {
    ADD_FAILURE() << plan.error().to_string();
    return r;
  }
  r.plan = std::move(*plan);
  Plan& p = *r.plan;
  std::unique_ptr<ParallelExecutor> pool;
  if (threads > 1) pool = std::make_unique<ParallelExecutor>(ParallelExecutorOptions{threads, 0, 20000});
  AudioBuffer out(p.host_output_channels, p.config.max_block);
  HostIo host;
  host.output = out.view();
  r.channels.assign(p.host_output_channels, std::vector<float>(static_cast<size_t>(frames)));
  for (int64_t done = 0; done < frames;) {
    const auto n = static_cast<FrameCount>(std::min<int64_t>(p.config.max_block, frames - done));
    out.clear();
    if (pool) {
      pool->run(p, SampleTime{done}, n, &host);
    } else {
      run_block(p, SampleTime{done}, n, &host);
    }
    for (uint32_t c = 0; c < p.host_output_channels; ++c) {
      std::copy(out.channel(c), out.channel(c) + n, r.channels[c].begin() + done);
    }
    done += n;
  }
  return r;
}

}  // namespace ac::test
