// Swapping a running plug-in for another build of itself: compiled off the
// audio thread, its state carried over (taken between two audio calls), and
// crossfaded in — no jump in level, no allocation on the audio thread.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "core/audio_buffer.h"
#include "core/audio_section.h"
#include "graph/engine.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"
#include "plugin_test_support.h"
#include "rt_guard.h"

namespace ac {
namespace {

std::string graph(const std::string& plugin) {
  return "sample_rate: 48000\nblock_size: 64\nnodes:\n"
         "  s:   {type: sine, params: {frequency: 1000, level: 0}}\n"
         "  fx:  {type: wasm, params: {file: " +
         plugin +
         ", gain: -20}}\n"
         "  out: {type: output, channels: 1}\n"
         "connections:\n  - s.out -> fx.in[0]\n  - fx.out[0] -> out.in\n";
}

TEST(PluginHotSwap, StateCarriesOverAndTheSwapIsCrossfaded) {
  test::TempDir dir;
  // "A new build": the same plug-in at another path (same id, new options).
  const std::string v2 = dir.path("gain_v2.wasm");
  std::filesystem::copy_file(test::example_plugin("gain"), v2);
  const NodeRegistry r = test::plugin_registry();
  auto first = load_graph_text(graph(test::example_plugin("gain")), "swap.yaml", r);
  ASSERT_TRUE(first) << first.error().to_string();
  auto engine = Engine::create(*first, EngineOptions{});
  ASSERT_TRUE(engine) << engine.error().to_string();
  Engine& e = **engine;

  constexpr int kBlocks = 1500;
  std::vector<float> played(static_cast<size_t>(kBlocks) * 64);
  std::atomic<int> block{0};
  std::atomic<uint64_t> violations{0};
  std::thread audio([&] {
    AudioBuffer out(1, 64);
    HostIo host;
    host.output = out.view();
    for (int b = 0; b < kBlocks; ++b) {
      out.clear();
      test::reset_rt_violations();
      {
        AudioSection section;
        Plan* p = e.begin_block(SampleTime{int64_t{b} * 64}, 64);
        run_block(*p, SampleTime{int64_t{b} * 64}, 64, &host);
      }
      violations += test::rt_violations().total();
      std::copy(out.channel(0), out.channel(0) + 64, played.begin() + int64_t{b} * 64);
      block.store(b + 1, std::memory_order_release);
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  });
  for (int i = 0; i < 5000 && block.load() < 200; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto second = load_graph_text(graph(v2), "swap.yaml", r);
  ASSERT_TRUE(second) << second.error().to_string();
  const int swapped_at = block.load();
  ASSERT_TRUE(e.replace(*second));
  EXPECT_THAT(e.swap_notes(), ::testing::ElementsAre("node 'fx': state carried over"));
  while (block.load() < kBlocks) {
    e.maintain();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  audio.join();
  e.maintain();
  EXPECT_EQ(violations.load(), 0u);
  EXPECT_LT(swapped_at, kBlocks - 300) << "the machine was too slow to swap in time";

  // Steady level before the swap: -20 dB of a full-scale sine.
  float before = 0;
  for (size_t i = 100 * 64; i < 190 * 64; ++i) before = std::max(before, std::fabs(played[i]));
  EXPECT_NEAR(before, 0.1f, 0.002f);
  // From the swap on, never above it: the new instance started at the
  // old one's smoothed gain (without the state it starts at 0 dB and its
  // smoothing overshoots tenfold through the fade).
  float after = 0;
  for (size_t i = static_cast<size_t>(swapped_at) * 64; i < played.size(); ++i)
    after = std::max(after, std::fabs(played[i]));
  EXPECT_LE(after, before * 1.01f);
  EXPECT_GT(after, before * 0.9f);  // and still playing
  EXPECT_GE(e.swaps(), 1u);
}

}  // namespace
}  // namespace ac
