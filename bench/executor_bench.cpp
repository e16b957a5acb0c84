// Executor overhead per trivial node per block: chains and fans of 1..4096
// pass-through nodes, blocks of 16..1024 frames. A "trivial" node copies one
// channel (one memcpy); the same copies done by a plain loop in the same
// process are the baseline, so the difference is what the executor costs.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "core/audio_section.h"
#include "graph/compiler.h"
#include "graph/executor.h"
#include "graph/graph.h"
#include "graph/node_registry.h"

namespace ac {
namespace {

class CopyNode final : public Node {
 public:
  CopyNode() : Node({}) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override {
    std::memcpy(ctx.out(0).channel(0), ctx.in(0).channel(0), ctx.frames * sizeof(float));
  }
};

const NodeType& copy_type() {
  static const NodeType t = [] {
    NodeType n;
    n.name = "copy";
    n.layout = [](const NodeOptions&) -> Expected<NodeLayout> { return NodeLayout{{{"in", 1}}, {{"out", 1}}, {}}; };
    n.create = [](const NodeOptions&, const NodeLayout&) -> Expected<std::unique_ptr<Node>> {
      return std::unique_ptr<Node>(std::make_unique<CopyNode>());
    };
    return n;
  }();
  return t;
}

// A chain: n0 -> n1 -> ... ; a fan: n0 feeds all the others.
Graph make_graph(uint32_t nodes, uint32_t block, bool fan) {
  Graph g;
  g.block_size = block;
  for (uint32_t i = 0; i < nodes; ++i) {
    GraphNode n;
    n.id = "n" + std::to_string(i);
    n.type = &copy_type();
    n.layout = *copy_type().layout(n.options);
    g.nodes.push_back(std::move(n));
  }
  for (uint32_t i = 1; i < nodes; ++i) {
    Connection c;
    c.src_node = fan ? 0 : i - 1;
    c.dst_node = i;
    g.connections.push_back(c);
  }
  return g;
}

void run_executor(benchmark::State& state, bool fan) {
  const auto nodes = static_cast<uint32_t>(state.range(0));
  const auto block = static_cast<uint32_t>(state.range(1));
  auto plan = compile(make_graph(nodes, block, fan));
  if (!plan) {
    state.SkipWithError(plan.error().message.c_str());
    return;
  }
  int64_t t = 0;
  for (auto _ : state) {
    run_block(**plan, SampleTime{t}, block, nullptr);
    t += block;
  }
  state.counters["ns_per_node"] = benchmark::Counter(static_cast<double>(state.iterations()) * nodes,
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// The same copies without the executor: the work every node does anyway.
void run_baseline(benchmark::State& state) {
  const auto nodes = static_cast<uint32_t>(state.range(0));
  const auto block = static_cast<uint32_t>(state.range(1));
  std::vector<float> a(block, 1.0f), b(block, 0.0f);
  for (auto _ : state) {
    for (uint32_t i = 0; i < nodes; ++i) {
      std::memcpy((i & 1) ? a.data() : b.data(), (i & 1) ? b.data() : a.data(), block * sizeof(float));
      benchmark::ClobberMemory();
    }
  }
  state.counters["ns_per_node"] = benchmark::Counter(static_cast<double>(state.iterations()) * nodes,
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void args(benchmark::internal::Benchmark* b) {
  for (int64_t nodes : {1, 16, 256, 4096}) {
    for (int64_t block : {16, 64, 1024}) b->Args({nodes, block});
  }
}

void BM_ExecutorChain(benchmark::State& s) {
  run_executor(s, false);
}
void BM_ExecutorFan(benchmark::State& s) {
  run_executor(s, true);
}
void BM_BaselineCopies(benchmark::State& s) {
  run_baseline(s);
}
BENCHMARK(BM_ExecutorChain)->Apply(args);
BENCHMARK(BM_ExecutorFan)->Apply(args);
BENCHMARK(BM_BaselineCopies)->Apply(args);

// Prints the usual table, then the executor's own cost per node: executor
// time minus the baseline's, for each (nodes, block) pair, from this run.
class OverheadReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      const std::string name = r.benchmark_name();
      const auto slash = name.find('/');
      auto it = r.counters.find("ns_per_node");
      if (slash == std::string::npos || it == r.counters.end()) continue;
      results_[name.substr(0, slash)][name.substr(slash + 1)] = it->second.value * 1e9;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    const auto& base = results_["BM_BaselineCopies"];
    std::printf("\nexecutor overhead per node per block (executor - baseline copies), ns:\n");
    std::printf("%-12s %14s %14s\n", "nodes/block", "chain", "fan");
    double worst = 0;
    for (const auto& [args, b] : base) {
      const double chain = results_["BM_ExecutorChain"][args] - b;
      const double fan = results_["BM_ExecutorFan"][args] - b;
      std::printf("%-12s %14.1f %14.1f\n", args.c_str(), chain, fan);
      if (args.rfind("1/", 0) != 0) worst = std::max({worst, chain, fan});
    }
    std::printf("worst with >= 16 nodes: %.1f ns (target < 20 ns)\n", worst);
  }

 private:
  std::map<std::string, std::map<std::string, double>> results_;
};

}  // namespace
}  // namespace ac

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  ac::OverheadReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
