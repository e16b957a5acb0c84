// Edit-to-live latency of a hot swap, in blocks: an audio thread runs the
// Engine paced like a sound card (64-frame blocks at 48 kHz, ~1.33 ms), a
// control thread replaces the graph every ~10 ms and records how many
// blocks pass between replace() returning and the new Plan going live.
// Target: at most 2 blocks at the 99th percentile. (Google Benchmark does
// not fit a two-thread latency measurement; this prints its own summary.)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "core/audio_buffer.h"
#include "dsp/builtin_nodes.h"
#include "graph/engine.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"

int main(int argc, char** argv) {
  using namespace ac;
  using clock = std::chrono::steady_clock;
  const int swaps = argc > 1 ? std::atoi(argv[1]) : 300;
  NodeRegistry reg;
  register_endpoint_nodes(reg);
  register_dsp_nodes(reg);
  const char* a =
      "nodes:\n  s: {type: sine}\n  g: {type: gain}\n  o: {type: output, channels: 1}\n"
      "connections:\n  - s.out -> g.in\n  - g.out -> o.in\n";
  const char* b =
      "nodes:\n  s: {type: sine}\n  f: {type: biquad}\n  o: {type: output, channels: 1}\n"
      "connections:\n  - s.out -> f.in\n  - f.out -> o.in\n";
  auto ga = load_graph_text(a, "a.yaml", reg), gb = load_graph_text(b, "b.yaml", reg);
  auto engine = Engine::create(*ga, EngineOptions{});
  if (!engine) return 1;
  Engine& e = **engine;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> block{0};
  std::thread audio([&] {
    SerialExecutor ex;
    AudioBuffer out(1, 64);
    HostIo host;
    host.output = out.view();
    const auto period = std::chrono::nanoseconds(1333333);
    auto next = clock::now();
    for (int64_t n = 0; !stop.load(); ++n) {
      Plan* p = e.plan_for_block(SampleTime{n * 64});
      ex.run(*p, SampleTime{n * 64}, 64, &host);
      block.store(n + 1, std::memory_order_release);
      next += period;
      std::this_thread::sleep_until(next);
    }
  });
  std::vector<int64_t> latency;
  for (int i = 0; i < swaps; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    e.maintain();
    const uint64_t before = e.swaps();
    if (!e.replace(i % 2 ? *ga : *gb)) return 1;
    const int64_t at = block.load(std::memory_order_acquire);
    const auto deadline = clock::now() + std::chrono::seconds(2);
    while (e.swaps() == before && clock::now() < deadline) std::this_thread::sleep_for(std::chrono::microseconds(50));
    latency.push_back(block.load(std::memory_order_acquire) - at);
    // Let the crossfade finish and its plain Plan go live before the next edit.
    std::this_thread::sleep_for(std::chrono::milliseconds(15));
    e.maintain();
  }
  stop = true;
  audio.join();
  std::sort(latency.begin(), latency.end());
  auto pct = [&](double q) { return latency[static_cast<size_t>(q * static_cast<double>(latency.size() - 1))]; };
  std::printf(
      "edit-to-live latency over %d swaps, in 64-frame blocks: p50 %lld, p99 %lld, max %lld (target p99 <= 2)\n", swaps,
      static_cast<long long>(pct(0.5)), static_cast<long long>(pct(0.99)), static_cast<long long>(latency.back()));
  return 0;
}
