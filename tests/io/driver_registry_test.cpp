// Drivers by name: every built-in driver is registered the same way, and a
// new one is a class and one registration line (here a driver written in
// this file, opened through the registry and run like the built-in ones).
#include "io/driver_registry.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/audio_buffer.h"
#include "dsp/sound_file.h"
#include "io/driver_thread.h"
#include "render_helpers.h"

namespace ac {
namespace {

// A driver that runs `blocks` blocks back to back on its own thread.
class CountingDriver final : public Driver {
 public:
  explicit CountingDriver(uint64_t blocks, FrameCount block) : blocks_(blocks), block_(block) {}
  ~CountingDriver() override { stop(); }
  Expected<void> start(BlockCallback cb) override {
    cb_ = std::move(cb);
    thread_.start(0, [this] {
      AudioBuffer out(1, block_);
      HostIo host;
      host.output = out.view();
      for (uint64_t b = 0; b < blocks_ && thread_.running(); ++b) {
        cb_(SampleTime{static_cast<int64_t>(b * block_)}, block_, host);
        done_.store(b + 1);
      }
    });
    return {};
  }
  void stop() override { thread_.stop(); }
  DriverStatus status() const override {
    DriverStatus s;
    s.blocks = done_.load();
    s.frames = static_cast<int64_t>(s.blocks * block_);
    s.clock = DriverClock::none;
    s.finished = thread_.finished();
    return s;
  }

 private:
  uint64_t blocks_;
  FrameCount block_;
  BlockCallback cb_;
  DriverThread thread_;
  std::atomic<uint64_t> done_{0};
};

Expected<std::unique_ptr<Driver>> open_counting(const DriverSetup& setup) {
  auto blocks = driver_param_uint(setup.params, "blocks", 10);
  if (!blocks) return unexpected(blocks.error());
  return std::unique_ptr<Driver>(std::make_unique<CountingDriver>(*blocks, setup.graph->block_size));
}

TEST(DriverRegistry, EveryBuiltInDriverIsRegisteredByName) {
  const DriverRegistry& r = default_drivers();
  EXPECT_EQ(r.names(), (std::vector<std::string>{"dummy", "jack", "alsa", "offline"}));
  EXPECT_EQ(r.names(/*realtime_only=*/true), (std::vector<std::string>{"dummy", "jack", "alsa"}));
  EXPECT_EQ(r.find("jack")->clock, DriverClock::device);
  EXPECT_EQ(r.find("dummy")->clock, DriverClock::monotonic);
  EXPECT_EQ(r.find("nope"), nullptr);
  auto missing = r.open("nope", DriverSetup{});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "no driver 'nope'");
}

TEST(DriverRegistry, ANewDriverIsOneClassAndOneLine) {
  DriverRegistry r = default_drivers();
  r.add({"counting", "counting", "runs N blocks", DriverClock::none, {"blocks"}, &open_counting});
  const NodeRegistry nodes = test::test_registry();
  const Graph g = test::load_or_fail("block_size: 32\nnodes:\n  s: {type: sine}\n", nodes);
  DriverSetup setup;
  setup.graph = &g;
  setup.params["blocks"] = "25";
  auto driver = r.open("counting", setup);
  ASSERT_TRUE(driver) << driver.error().message;
  std::atomic<int64_t> last{-1};
  ASSERT_TRUE((*driver)->start([&](SampleTime t, FrameCount frames, HostIo&) {
    EXPECT_EQ(frames, 32u);
    last.store(t.value);
  }));
  for (int i = 0; i < 500 && !(*driver)->status().finished; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  (*driver)->stop();
  EXPECT_EQ((*driver)->status().blocks, 25u);
  EXPECT_EQ((*driver)->status().frames, 25 * 32);
  EXPECT_EQ(last.load(), 24 * 32);
  setup.params["blocks"] = "many";
  auto bad = r.open("counting", setup);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "--blocks: expected a whole number, got 'many'");
}

TEST(DriverRegistry, TheOfflineDriverRendersThroughTheRegistryAndAStopKeepsTheFile) {
  const NodeRegistry nodes = test::test_registry();
  const Graph g = test::load_or_fail(
      "nodes:\n  s: {type: sine}\n  o: {type: output, channels: 1}\n"
      "connections:\n  - s.out -> o.in\n",
      nodes);
  test::TempDir tmp;
  DriverSetup setup;
  setup.graph = &g;
  setup.output_channels = 1;
  setup.stop_after_frames = 48000 * 600;  // ten minutes: stopped long before
  setup.params["output"] = tmp.path("x.wav");
  auto driver = default_drivers().open("offline", setup);
  ASSERT_TRUE(driver) << driver.error().message;
  ASSERT_TRUE((*driver)->start([](SampleTime, FrameCount frames, HostIo& host) {
    for (FrameCount i = 0; i < frames; ++i) host.output.channel(0)[i] = 0.25f;
  }));
  for (int i = 0; i < 500 && (*driver)->status().frames < 48000; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  (*driver)->stop();
  const DriverStatus st = (*driver)->status();
  EXPECT_TRUE(st.finished);
  EXPECT_TRUE(st.failure.empty()) << st.failure;
  EXPECT_GE(st.frames, 48000);
  EXPECT_LT(st.frames, 48000 * 600);
  SoundFileInfo info;
  auto written = read_sound_file(tmp.path("x.wav"), &info);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(info.frames, st.frames);  // a valid header: what was rendered
  EXPECT_FLOAT_EQ((*written)[0].back(), 0.25f);
}

}  // namespace
}  // namespace ac
