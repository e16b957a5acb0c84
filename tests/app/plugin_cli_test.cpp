// `audiocloud plugin swap` against a running `audiocloud run --osc`: the
// running graph's wasm node is replaced by another build, its state
// carried over; `plugin inspect` names what it refuses.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "child_process.h"
#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

using ::testing::HasSubstr;

const std::string kBinary = AUDIOCLOUD_BINARY;

std::string plugin_dir() {
  // The plug-ins next to the binary's build tree.
  return (std::filesystem::path(kBinary).parent_path().parent_path().parent_path() / "plugins").string();
}

bool wait_for(const std::string& path, const std::string& text, double seconds) {
  for (int i = 0; i < static_cast<int>(seconds * 100); ++i) {
    if (test::read_text(path).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(PluginCli, SwapReplacesThePluginOfARunningGraph) {
  test::TempDir dir;
  const std::string v1 = plugin_dir() + "/gain.wasm";
  const std::string v2 = dir.path("gain_v2.wasm");
  std::filesystem::copy_file(v1, v2);
  std::filesystem::create_directory(dir.path("allowed"));
  std::filesystem::copy_file(v1, dir.path("allowed/gain_v3.wasm"));
  std::ofstream(dir.path("g.yaml")) << "sample_rate: 48000\nblock_size: 64\nnodes:\n"
                                       "  s: {type: sine}\n"
                                       "  fx: {type: wasm, params: {file: "
                                    << v1
                                    << ", gain: -6}}\n  out: {type: output, channels: 1}\n"
                                       "connections:\n  - s.out -> fx.in[0]\n  - fx.out[0] -> out.in\n";
  const std::string cache = "AUDIOCLOUD_CACHE_DIR=" + dir.path("cache") + " ";
  const int port = 23000 + static_cast<int>(::getpid() % 2000);
  const std::string osc = "udp:" + std::to_string(port);
  const std::string control = dir.path("run.sock");
  test::ChildProcess run(cache + kBinary + " run " + dir.path("g.yaml") + " --osc " + osc + " --control " + control +
                             " --allow-files " + dir.path("allowed") + " -d 20s < /dev/null",
                         dir.path("run.log"));
  ASSERT_TRUE(wait_for(dir.path("run.log"), "control socket", 30)) << test::read_text(dir.path("run.log"));
  // Over the local control socket the file may be anywhere.
  const auto swapped = test::run_command(cache + kBinary + " plugin swap fx " + v2 + " --control " + control);
  EXPECT_EQ(swapped.exit_code, 0) << swapped.output;
  EXPECT_THAT(swapped.output, HasSubstr("swapped fx to " + v2));
  EXPECT_TRUE(wait_for(dir.path("run.log"), "node 'fx': state carried over", 10))
      << test::read_text(dir.path("run.log"));
  // A node that is not there: refused by the running process, which plays on.
  const auto wrong = test::run_command(cache + kBinary + " plugin swap nope " + v2 + " --control " + control);
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  EXPECT_THAT(wrong.output, HasSubstr("no node 'nope'"));
  // Over OSC a plug-in loads only from beneath --allow-files, named
  // relative to it: an absolute path is refused...
  const auto outside = test::run_command(cache + kBinary + " plugin swap fx " + v2 + " --osc " + osc);
  EXPECT_EQ(outside.exit_code, 1) << outside.output;
  EXPECT_THAT(outside.output, HasSubstr("is an absolute path"));
  // ... and a relative one is taken beneath the allowed directory.
  const auto inside = test::run_command("cd " + dir.path("allowed") + " && " + cache + kBinary +
                                        " plugin swap fx gain_v3.wasm --osc " + osc);
  EXPECT_EQ(inside.exit_code, 0) << inside.output;
  run.signal(SIGINT);  // before its -d 20s ran out: interrupted
  EXPECT_EQ(run.wait_for_exit(10), 130) << test::read_text(dir.path("run.log"));
}

TEST(PluginCli, InspectPrintsTheDescriptorAndRefusesBadModules) {
  const auto ok = test::run_command(kBinary + " plugin inspect " + plugin_dir() + "/synth.wasm");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_THAT(ok.output, HasSubstr("id org.audiocloud.example.synth"));
  EXPECT_THAT(ok.output, HasSubstr("event in  events (UMP)"));
  EXPECT_THAT(ok.output, HasSubstr("param release"));
  test::TempDir dir;
  std::ofstream(dir.path("x.wasm")) << "not a module";
  const auto bad = test::run_command(kBinary + " plugin inspect " + dir.path("x.wasm"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.output, HasSubstr("not a WebAssembly binary"));
}

}  // namespace
}  // namespace ac
