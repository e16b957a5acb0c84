#include "io/offline_driver.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "graph/compiler.h"
#include "render_helpers.h"

namespace ac {
namespace {

const char* kSine = R"(
nodes:
  s: {type: sine, params: {frequency: 1000, level: -6.0205999}}
  o: {type: output, channels: 1}
connections:
  - s.out -> o.in
)";

TEST(OfflineDriver, RendersExactlyTheFramesAskedForAndMeasuresThem) {
  test::TempDir tmp;
  const NodeRegistry r = test::test_registry();
  auto plan = compile(test::load_or_fail(kSine, r), CompileOptions{false});
  ASSERT_TRUE(plan);
  RenderOptions o;
  o.frames = 48000 + 17;  // not a whole number of blocks
  o.output_path = tmp.path("s.flac");
  o.encoding = SampleEncoding::pcm24;
  int64_t last_done = -1;
  int calls = 0;
  o.progress = [&](int64_t done, int64_t total) {
    EXPECT_GE(done, last_done);
    EXPECT_EQ(total, o.frames);
    last_done = done;
    ++calls;
  };
  auto result = render_offline(**plan, o);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->frames, o.frames);
  EXPECT_EQ(last_done, o.frames);
  EXPECT_GT(calls, 1);
  ASSERT_EQ(result->channels.size(), 1u);
  EXPECT_NEAR(result->channels[0].peak, 0.5, 1e-4);
  EXPECT_NEAR(result->channels[0].rms, 0.5 / std::sqrt(2.0), 1e-4);
  EXPECT_EQ(result->step_seconds.size(), (*plan)->steps.size());
  SoundFileInfo info;
  ASSERT_TRUE(read_sound_file(o.output_path, &info));
  EXPECT_EQ(info.frames, o.frames);
}

TEST(OfflineDriver, NoOutputNodeMeansNoFileAndAClearError) {
  test::TempDir tmp;
  const NodeRegistry r = test::test_registry();
  auto plan = compile(test::load_or_fail("nodes:\n  s: {type: sine}\n", r), CompileOptions{false});
  ASSERT_TRUE(plan);
  RenderOptions o;
  o.frames = 100;
  o.output_path = tmp.path("x.wav");
  auto result = render_offline(**plan, o);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("no 'output' node"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(o.output_path));
}

}  // namespace
}  // namespace ac
