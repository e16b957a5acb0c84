// The parallel executor against the serial one, in the same process:
//  - speedup on a wide graph: 64 parallel chains of 8 biquads, 64-frame
//    blocks (target >= 1.8x on 2 threads);
//  - scheduling overhead per block with 256 trivial nodes in parallel
//    (a fan: one source feeding 255 gains), parallel minus serial time
//    (target < 5 us at 64 frames);
//  - a graph of uneven node costs, scheduled by step count (what a new
//    graph gets) and by measured costs (what Engine::rebalance() gives it).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "core/audio_buffer.h"
#include "dsp/builtin_nodes.h"
#include "graph/compiler.h"
#include "graph/deadline_report.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"
#include "graph/parallel_executor.h"

namespace ac {
namespace {

const NodeRegistry& registry() {
  static const NodeRegistry r = [] {
    NodeRegistry reg;
    register_endpoint_nodes(reg);
    register_dsp_nodes(reg);
    return reg;
  }();
  return r;
}

// 64 chains of a noise source and 8 nodes (`node(chain, k)` gives each
// node's YAML after its id), all into one mixer.
template <class NodeText>
std::string chains_into_mixer(NodeText node) {
  std::string nodes = "nodes:\n  mix: {type: mixer, params: {inputs: 64}}\n  out: {type: output, channels: 1}\n";
  std::string conns = "connections:\n  - mix.out -> out.in\n";
  for (int c = 0; c < 64; ++c) {
    const std::string src = "s" + std::to_string(c);
    nodes += "  " + src + ": {type: noise, params: {seed: " + std::to_string(c + 1) + "}}\n";
    std::string prev = src;
    for (int k = 0; k < 8; ++k) {
      const std::string id = "f" + std::to_string(c) + "_" + std::to_string(k);
      nodes += "  " + id + ": " + node(c, k) + "\n";
      conns += "  - " + prev + ".out -> " + id + ".in\n";
      prev = id;
    }
    conns += "  - " + prev + ".out -> mix.in" + std::to_string(c) + "\n";
  }
  return nodes + conns;
}

std::string biquad(int k) {
  return "{type: biquad, params: {frequency: " + std::to_string(200 + 100 * k) + "}}";
}

std::string wide_graph() {
  return chains_into_mixer([](int, int k) { return biquad(k); });
}

// Uneven costs: 8 chains of 8 biquads and 56 chains of 8 gains (a gain
// costs a fraction of a biquad). By step count the first thread's half of
// the order holds every biquad chain; by measured cost the work splits.
std::string uneven_graph() {
  return chains_into_mixer(
      [](int c, int k) { return c < 8 ? biquad(k) : std::string("{type: gain, params: {gain: -0.5, smoothing: 0}}"); });
}

std::string trivial_fan(int nodes) {
  std::string y = "nodes:\n  src: {type: constant, params: {value: 1}}\n";
  std::string c = "connections:\n";
  for (int i = 1; i < nodes; ++i) {
    y += "  g" + std::to_string(i) + ": {type: gain, params: {smoothing: 0}}\n";
    c += "  - src.out -> g" + std::to_string(i) + ".in\n";
  }
  return y + c;
}

// One Plan run block after block on the calling thread, its time moving on.
struct BlockLoop {
  AudioBuffer out{1, 64};
  HostIo host;
  int64_t t = 0;
  BlockLoop() { host.output = out.view(); }
  void next(Executor& ex, Plan& plan) {
    ex.run(plan, SampleTime{t}, 64, &host);
    t += 64;
  }
};

// Per node, µs per block over 2000 blocks of a serial run: what a running
// engine's rebalance() learns.
std::vector<double> measured_costs(const Graph& graph) {
  auto plan = compile(graph, CompileOptions{true, 1});
  SerialExecutor ex;
  BlockLoop loop;
  for (int i = 0; i < 2000; ++i) loop.next(ex, **plan);
  std::vector<double> cost;
  for (const NodeCost& n : read_deadline_report(**plan).nodes) cost.push_back(n.mean_us_per_block);
  return cost;
}

void run(benchmark::State& state, const std::string& yaml, uint32_t threads, bool measured = false) {
  auto graph = load_graph_text(yaml, "bench.yaml", registry());
  if (!graph) {
    state.SkipWithError(graph.error().message.c_str());
    return;
  }
  CompileOptions options{true, threads};
  if (measured) options.node_cost = measured_costs(*graph);
  auto plan = compile(*graph, options);
  if (!plan) {
    state.SkipWithError(plan.error().message.c_str());
    return;
  }
  std::unique_ptr<Executor> ex;
  if (threads > 1)
    ex = std::make_unique<ParallelExecutor>(ParallelExecutorOptions{threads, 0, 20000});
  else
    ex = std::make_unique<SerialExecutor>();
  BlockLoop loop;
  for (auto _ : state) loop.next(*ex, **plan);
}

void BM_Wide_Serial(benchmark::State& s) {
  run(s, wide_graph(), 1);
}
void BM_Wide_Parallel2(benchmark::State& s) {
  run(s, wide_graph(), 2);
}
void BM_Uneven_Serial(benchmark::State& s) {
  run(s, uneven_graph(), 1);
}
void BM_Uneven_Parallel2_StepCounts(benchmark::State& s) {
  run(s, uneven_graph(), 2);
}
void BM_Uneven_Parallel2_MeasuredCosts(benchmark::State& s) {
  run(s, uneven_graph(), 2, true);
}
void BM_Trivial256_Serial(benchmark::State& s) {
  run(s, trivial_fan(256), 1);
}
void BM_Trivial256_Parallel2(benchmark::State& s) {
  run(s, trivial_fan(256), 2);
}
// The machine's own scaling, for reference: two threads in this process,
// each running its own serial Plan of the wide graph (time per block of
// one of them; 2 cores that scale perfectly leave it at the serial time).
void BM_Wide_TwoSerialPlans(benchmark::State& state) {
  auto graph = load_graph_text(wide_graph(), "bench.yaml", registry());
  auto p1 = compile(*graph, CompileOptions{true, 1});
  auto p2 = compile(*graph, CompileOptions{true, 1});
  std::atomic<bool> stop{false};
  std::thread other([&] {
    SerialExecutor ex;
    BlockLoop loop;
    while (!stop.load()) loop.next(ex, **p2);
  });
  SerialExecutor ex;
  BlockLoop loop;
  for (auto _ : state) loop.next(ex, **p1);
  stop = true;
  other.join();
}
BENCHMARK(BM_Wide_TwoSerialPlans)->UseRealTime();
// The Plan compiled for 2 threads, run by one: what its layout (more
// buffers, each thread's in pages of their own) costs by itself.
void BM_Wide_ParallelPlanSerially(benchmark::State& state) {
  auto graph = load_graph_text(wide_graph(), "bench.yaml", registry());
  auto p1 = compile(*graph, CompileOptions{true, 2});
  SerialExecutor ex;
  BlockLoop loop;
  for (auto _ : state) loop.next(ex, **p1);
}
BENCHMARK(BM_Wide_ParallelPlanSerially)->UseRealTime();
BENCHMARK(BM_Wide_Serial)->UseRealTime();
BENCHMARK(BM_Wide_Parallel2)->UseRealTime();
BENCHMARK(BM_Uneven_Serial)->UseRealTime();
BENCHMARK(BM_Uneven_Parallel2_StepCounts)->UseRealTime();
BENCHMARK(BM_Uneven_Parallel2_MeasuredCosts)->UseRealTime();
BENCHMARK(BM_Trivial256_Serial)->UseRealTime();
BENCHMARK(BM_Trivial256_Parallel2)->UseRealTime();

// Prints the ratios from this run after the table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) ns_[r.benchmark_name()] = r.GetAdjustedRealTime();
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    const double wide_s = ns_["BM_Wide_Serial/real_time"], wide_p = ns_["BM_Wide_Parallel2/real_time"];
    const double triv_s = ns_["BM_Trivial256_Serial/real_time"], triv_p = ns_["BM_Trivial256_Parallel2/real_time"];
    std::printf(
        "\nwide graph (64 chains x 8 biquads, 64 frames): serial %.1f us, 2 threads %.1f us per block: "
        "speedup %.2fx (target >= 1.8x)\n",
        wide_s / 1e3, wide_p / 1e3, wide_s / wide_p);
    std::printf(
        "256 trivial nodes, 64 frames: serial %.2f us, 2 threads %.2f us per block: "
        "scheduling overhead %.2f us per block (target < 5 us)\n",
        triv_s / 1e3, triv_p / 1e3, (triv_p - triv_s) / 1e3);
    const double un_s = ns_["BM_Uneven_Serial/real_time"], un_c = ns_["BM_Uneven_Parallel2_StepCounts/real_time"],
                 un_m = ns_["BM_Uneven_Parallel2_MeasuredCosts/real_time"];
    if (un_s > 0 && un_c > 0 && un_m > 0)
      std::printf(
          "uneven graph (8 biquad chains, 56 gain chains): serial %.1f us; 2 threads scheduled by step count %.1f us "
          "(%.2fx), by measured cost %.1f us (%.2fx)\n",
          un_s / 1e3, un_c / 1e3, un_s / un_c, un_m / 1e3, un_s / un_m);
    const double two = ns_["BM_Wide_TwoSerialPlans/real_time"], layout = ns_["BM_Wide_ParallelPlanSerially/real_time"];
    if (two > 0 && layout > 0)
      std::printf(
          "reference: two serial Plans on two threads at once %.1f us per block (%.2fx the serial time); the "
          "2-thread Plan run serially %.1f us (%.2fx)\n",
          two / 1e3, two / wide_s, layout / 1e3, layout / wide_s);
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace
}  // namespace ac

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  ac::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
