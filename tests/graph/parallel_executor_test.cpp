// The parallel executor's output is bit-identical to the serial executor's
// for every graph: 1000 random DAGs with random fan-in and fan-out, nodes
// with latency (so alignment delays appear), feedback through delays,
// events, and block sizes from 1 to 1024.
#include "graph/parallel_executor.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "core/audio_buffer.h"
#include "graph/compiler.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"
#include "render_helpers.h"
#include "rt_guard.h"
#include "test_nodes.h"

namespace ac {
namespace {

class RandomGraph {
 public:
  explicit RandomGraph(uint32_t seed) : rng_(seed) {}

  // YAML for one random graph; `block` receives a random block size.
  std::string make(uint32_t& block) {
    nodes_.clear();
    conns_.clear();
    events_.clear();
    outs_.clear();
    const int sources = pick(1, 4);
    for (int i = 0; i < sources; ++i) add_source("s" + std::to_string(i));
    const int processors = pick(1, 24);
    for (int i = 0; i < processors; ++i) add_processor("p" + std::to_string(i));
    if (pick(0, 2) == 0) add_feedback_loop();
    nodes_ += "  out: {type: output, channels: 1}\n";
    const int taps = pick(1, 4);
    for (int k = 0; k < taps; ++k) connect(random_out(), "out.in");
    block = std::vector<uint32_t>{1, 7, 32, 64, 100, 256, 1024}[static_cast<size_t>(pick(0, 6))];
    return "nodes:\n" + nodes_ + "connections:\n" + conns_ + (events_.empty() ? "" : "events:\n" + events_);
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::string num(int lo, int hi) { return std::to_string(pick(lo, hi)); }
  // A random existing output channel ("p3.out[1]" for stereo nodes).
  std::string random_out() {
    const auto& [id, stereo] = outs_[static_cast<size_t>(pick(0, static_cast<int>(outs_.size()) - 1))];
    return id + ".out" + (stereo ? "[" + num(0, 1) + "]" : "");
  }
  void connect(const std::string& from, const std::string& to) {
    const std::string line = "  - " + from + " -> " + to + "\n";
    if (conns_.find(line) == std::string::npos) conns_ += line;
  }
  void add_source(const std::string& id) {
    switch (pick(0, 3)) {
      case 0:
        nodes_ += "  " + id + ": {type: sine, params: {frequency: " + num(50, 5000) + "}}\n";
        break;
      case 1:
        nodes_ += "  " + id + ": {type: saw, params: {frequency: " + num(50, 5000) + "}}\n";
        break;
      case 2:
        nodes_ += "  " + id + ": {type: noise, params: {seed: " + num(1, 99) + "}}\n";
        break;
      default:
        nodes_ += "  " + id + ": {type: constant, params: {value: 0.25}}\n";
        break;
    }
    outs_.emplace_back(id, false);
  }
  void add_processor(const std::string& id) {
    bool stereo = false;
    switch (pick(0, 4)) {
      case 0:
        nodes_ += "  " + id + ": {type: gain, params: {gain: -" + num(0, 12) + "}}\n";
        if (pick(0, 2) == 0)
          events_ += "  - {at: " + num(0, 3000) + ", set: " + id + ".gain, value: -" + num(1, 9) + "}\n";
        break;
      case 1:
        nodes_ += "  " + id + ": {type: biquad, params: {frequency: " + num(100, 8000) + "}}\n";
        if (pick(0, 2) == 0) {
          events_ += "  - {at: " + num(0, 3000) + ", ramp: " + id + ".frequency, to: " + num(100, 8000) +
                     ", over: " + num(1, 2000) + "}\n";
        }
        break;
      case 2:
        nodes_ += "  " + id + ": {type: latent, params: {frames: " + num(0, 300) + "}}\n";
        break;
      case 3:
        nodes_ += "  " + id + ": {type: delay, params: {time: " + num(1, 30) + "ms}}\n";
        break;
      default:
        nodes_ += "  " + id + ": {type: pan}\n";
        stereo = true;
        break;
    }
    const int fan_in = pick(1, 3);  // several sources summed into one input
    for (int k = 0; k < fan_in; ++k) connect(random_out(), id + ".in");
    outs_.emplace_back(id, stereo);
  }
  void add_feedback_loop() {
    nodes_ += "  fbsum: {type: mixer, params: {inputs: 2}}\n  fbd: {type: delay, params: {time: 30ms}}\n";
    nodes_ += "  fbg: {type: gain, params: {gain: -6, smoothing: 0}}\n";
    connect(random_out(), "fbsum.in0");
    connect("fbsum.out", "fbd.in");
    connect("fbd.out", "fbg.in");
    connect("fbg.out", "fbsum.in1");
    outs_.emplace_back("fbsum", false);
  }

  std::mt19937 rng_;
  std::string nodes_, conns_, events_;
  std::vector<std::pair<std::string, bool>> outs_;  // id, stereo output
};

// Renders with a Plan compiled for `compile_threads` threads.
std::vector<float> run(const Graph& graph, uint32_t compile_threads, Executor& executor, int64_t frames) {
  auto plan = compile(graph, CompileOptions{false, compile_threads});
  if (!plan) {
    ADD_FAILURE() << plan.error().to_string();
    return {};
  }
  Plan& p = **plan;
  AudioBuffer out(1, p.config.max_block);
  HostIo host;
  host.output = out.view();
  std::vector<float> result(static_cast<size_t>(frames));
  for (int64_t done = 0; done < frames;) {
    const auto n = static_cast<FrameCount>(std::min<int64_t>(p.config.max_block, frames - done));
    out.clear();
    executor.run(p, SampleTime{done}, n, &host);
    std::copy(out.channel(0), out.channel(0) + n, result.begin() + done);
    done += n;
  }
  return result;
}

NodeRegistry registry() {
  return test::test_registry(test::add_latent_node);
}

// The next random graph compiled for `threads` (null, with the failure
// recorded, if it does not load or compile); `block` receives its block size.
std::unique_ptr<Plan> next_plan(RandomGraph& gen, const NodeRegistry& r, bool realtime, uint32_t threads,
                                uint32_t& block) {
  auto g = load_graph_text(gen.make(block), "random.yaml", r);
  EXPECT_TRUE(g) << g.error().to_string();
  if (!g) return nullptr;
  auto plan = compile(*g, CompileOptions{realtime, threads});
  EXPECT_TRUE(plan) << plan.error().to_string();
  return plan ? std::move(*plan) : nullptr;
}

TEST(ParallelExecutor, ThousandRandomGraphsMatchTheSerialExecutorBitForBit) {
  const NodeRegistry r = registry();
  SerialExecutor serial;
  ParallelExecutor parallel(ParallelExecutorOptions{2, 0, 2000});
  ParallelExecutor wide(ParallelExecutorOptions{4, 0, 100});  // more threads than cores
  RandomGraph gen(20261125);
  int checked = 0;
  for (int i = 0; i < 1000; ++i) {
    uint32_t block = 64;
    const std::string yaml = gen.make(block);
    auto g = load_graph_text(yaml, "random.yaml", r);
    ASSERT_TRUE(g) << g.error().to_string() << "\n" << yaml;
    g->block_size = block;
    const int64_t frames = 4096;
    const auto want = run(*g, false, serial, frames);
    ASSERT_EQ(run(*g, true, serial, frames), want) << "serial on a parallel-safe plan, graph " << i << "\n" << yaml;
    ASSERT_EQ(run(*g, true, i % 2 ? parallel : wide, frames), want) << "graph " << i << " block " << block << "\n"
                                                                    << yaml;
    ++checked;
  }
  EXPECT_EQ(checked, 1000);
}

TEST(ParallelExecutor, FanOutPlansKeepSiblingsInSeparateBuffers) {
  // Four siblings read one source and write outputs nobody reads: a serial
  // plan can give them all the same buffer, a parallel one only to those on
  // one thread (they run one after another), never across threads.
  const NodeRegistry r = registry();
  const Graph g = test::load_or_fail(
      "nodes:\n  s: {type: sine}\n  a: {type: gain}\n  b: {type: gain}\n  c: {type: gain}\n  d: {type: gain}\n"
      "connections:\n  - s.out -> a.in\n  - s.out -> b.in\n  - s.out -> c.in\n  - s.out -> d.in\n",
      r);
  auto serial = compile(g, CompileOptions{false, 1});
  auto parallel = compile(g, CompileOptions{false, 2});
  ASSERT_TRUE(serial && parallel);
  EXPECT_LT((*serial)->buffers.count, (*parallel)->buffers.count);
  EXPECT_EQ((*parallel)->buffers.count, 3u);  // the source's, and one per thread
  const Plan& p = **parallel;
  for (size_t i = 1; i < p.steps.size(); ++i) {
    for (size_t j = i + 1; j < p.steps.size(); ++j) {
      if (p.schedule.step_list[i] == p.schedule.step_list[j]) continue;
      EXPECT_NE(p.run.out_views[p.steps[i].first_output_view].channels[0],
                p.run.out_views[p.steps[j].first_output_view].channels[0])
          << "steps " << i << " and " << j << " run on different threads";
    }
  }
}

// Chains that end nowhere: the scheduler gives each thread whole chains in
// one contiguous range of the step order (no step waits on another thread),
// and the chains on one thread reuse each other's buffers as in a serial
// Plan, because a list runs in its order.
TEST(ParallelExecutor, ChainsGoToThreadsWholeAndReuseTheirThreadsBuffers) {
  const NodeRegistry r = registry();
  std::string nodes = "nodes:\n", conns = "connections:\n";
  for (int c = 0; c < 8; ++c) {
    const std::string src = "s" + std::to_string(c);
    nodes += "  " + src + ": {type: sine}\n";
    std::string prev = src;
    for (int k = 0; k < 4; ++k) {
      const std::string id = "g" + std::to_string(c) + "_" + std::to_string(k);
      nodes += "  " + id + ": {type: gain}\n";
      conns += "  - " + prev + ".out -> " + id + ".in\n";
      prev = id;
    }
  }
  const Graph g = test::load_or_fail(nodes + conns, r);
  auto serial = compile(g, CompileOptions{false, 1});
  auto parallel = compile(g, CompileOptions{false, 2});
  ASSERT_TRUE(serial && parallel);
  const Plan& p = **parallel;
  EXPECT_TRUE(p.schedule.cross_preds.empty());
  size_t changes = 0;
  for (size_t s = 1; s < p.steps.size(); ++s) changes += p.schedule.step_list[s] != p.schedule.step_list[s - 1];
  EXPECT_EQ(changes, 1u) << "each thread's steps are one range of the order";
  EXPECT_EQ(p.schedule.lists[0].end - p.schedule.lists[0].begin, p.schedule.lists[1].end - p.schedule.lists[1].begin);
  EXPECT_LE(p.buffers.count, 2 * (*serial)->buffers.count);
}

// A core's prefetcher streams ahead through the page it reads: buffers of
// two threads in one page would keep pulling each other's lines across.
// Every page of a parallel Plan's pool is written by steps of one thread.
TEST(ParallelExecutor, EachThreadsBuffersLieInPagesOfTheirOwn) {
  const NodeRegistry r = registry();
  RandomGraph gen(11);
  size_t shared_pages = 0, pages_checked = 0;
  for (int i = 0; i < 200; ++i) {
    uint32_t block = 64;
    const auto plan = next_plan(gen, r, false, 2, block);
    ASSERT_TRUE(plan);
    const Plan& p = *plan;
    const auto base = reinterpret_cast<uintptr_t>(p.buffers.base);
    const uintptr_t end = base + p.buffers.pool.size() * sizeof(float);
    EXPECT_EQ(base % 4096, 0u);
    std::map<uintptr_t, std::set<uint32_t>> threads_of_page;
    for (size_t s = 0; s < p.steps.size(); ++s) {
      const PlanStep& st = p.steps[s];
      for (uint32_t k = 0; k < st.output_ports; ++k) {
        const AudioView& v = p.run.out_views[st.first_output_view + k];
        for (uint32_t c = 0; c < v.channel_count; ++c) {
          const auto at = reinterpret_cast<uintptr_t>(v.channels[c]);
          if (at < base || at >= end) continue;  // not the pool's (host buffers)
          threads_of_page[(at - base) / 4096].insert(p.schedule.step_list[s]);
        }
      }
    }
    for (const auto& [page, threads] : threads_of_page) {
      ++pages_checked;
      shared_pages += threads.size() > 1;
    }
  }
  EXPECT_GT(pages_checked, 200u);
  EXPECT_EQ(shared_pages, 0u);
}

TEST(ParallelExecutor, RunsWithoutAllocatingOrLocking) {
  const NodeRegistry r = registry();
  RandomGraph gen(7);
  ParallelExecutor parallel(ParallelExecutorOptions{2, 0, 2000});
  for (int i = 0; i < 20; ++i) {
    uint32_t block = 64;
    const auto plan = next_plan(gen, r, true, 2, block);
    ASSERT_TRUE(plan);
    AudioBuffer out(1, plan->config.max_block);
    HostIo host;
    host.output = out.view();
    test::reset_rt_violations();
    for (int64_t t = 0; t < 64 * 100; t += block) parallel.run(*plan, SampleTime{t}, block, &host);
    const auto v = test::rt_violations();
    EXPECT_EQ(v.total(), 0u) << v.first;
  }
}

TEST(ParallelExecutor, DefaultsToTheCpusThisProcessMayUse) {
  ParallelExecutor p;
  EXPECT_EQ(p.threads(), ParallelExecutor::available_cpus());
  EXPECT_GE(p.threads(), 1u);
}

}  // namespace
}  // namespace ac
