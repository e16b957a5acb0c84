// `audiocloud run` with the dummy driver: real-time pacing, patches on
// stdin, and a clean stop on SIGTERM that leaves a finalised recording.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "dsp/sound_file.h"
#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

const std::string kBinary = AUDIOCLOUD_BINARY;

std::string recorder_graph(const test::TempDir& tmp) {
  const std::string path = tmp.path("g.yaml");
  std::ofstream(path) << "nodes:\n  s: {type: sine, params: {frequency: 1000, level: -6}}\n"
                         "  r: {type: file_recorder, channels: 1, params: {path: rec.wav, encoding: float}}\n"
                         "  o: {type: output, channels: 1}\n"
                         "connections:\n  - s.out -> r.in\n  - s.out -> o.in\n";
  return path;
}

TEST(Run, PacesInRealTimeAndAppliesPatchesFromStdin) {
  test::TempDir tmp;
  const std::string graph = recorder_graph(tmp);
  const auto r = test::run_command("printf '{set: {s.frequency: 500}}\\n{remove: [x]}\\n' | " + kBinary + " run " +
                                   graph + " --duration 1s");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("patch 1 applied"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("patch 2 rejected: stdin:2:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cannot remove 'x': no such node"), std::string::npos) << r.output;
  // One second is 750 blocks of 64. The recording holds every frame of
  // every block the driver ran (through a swap that kept the recorder);
  // only a stall of this machine long enough for an xrun skips blocks.
  const bool xruns = r.output.find(", 0 xruns,") == std::string::npos;
  SoundFileInfo info;
  auto rec = read_sound_file(tmp.path("rec.wav"), &info);
  ASSERT_TRUE(rec) << rec.error().message;
  if (!xruns) {
    EXPECT_NE(r.output.find("stopped after 1.000 s (750 blocks)"), std::string::npos) << r.output;
    EXPECT_EQ(info.frames, 48000);
  } else {
    const size_t at = r.output.find(" s (");
    ASSERT_NE(at, std::string::npos) << r.output;
    const long blocks = std::stol(r.output.substr(at + 4));
    EXPECT_EQ(info.frames, blocks * 64) << r.output;
  }
  float peak = 0;
  for (float v : (*rec)[0]) peak = std::max(peak, std::fabs(v));
  EXPECT_NEAR(peak, std::pow(10.0f, -6.0f / 20.0f), 1e-4f);
}

TEST(Run, SigtermStopsCleanlyAndFinalisesTheRecording) {
  test::TempDir tmp;
  const std::string graph = recorder_graph(tmp);
  // No duration: only the signal stops it (timeout sends SIGTERM after 1 s).
  const auto r = test::run_command("timeout --preserve-status -s TERM 1 " + kBinary + " run " + graph + " < /dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("stopped after"), std::string::npos) << r.output;
  SoundFileInfo info;
  auto rec = read_sound_file(tmp.path("rec.wav"), &info);
  ASSERT_TRUE(rec) << rec.error().message;
  EXPECT_GT(info.frames, 48000 / 4);  // it ran, and the header was written at the end
}

TEST(Run, UnknownDriverIsAClearError) {
  test::TempDir tmp;
  const auto r = test::run_command(kBinary + " run " + recorder_graph(tmp) + " --driver coreaudio --duration 100ms");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("--driver coreaudio: not available in this build (drivers: dummy, jack, alsa)"),
            std::string::npos)
      << r.output;
}

TEST(Run, APtpClockGraphNamesWhatItStillNeeds) {
  // No network here: the errors come before any socket opens, and name the
  // graph file's 'clock' line.
  test::TempDir tmp;
  const std::string graph = tmp.path("ptp.yaml");
  std::ofstream(graph) << "audiocloud: 1\nclock: {source: ptp, domain: 3}\nnodes:\n  s: {type: sine}\n"
                          "  o: {type: output, channels: 1}\nconnections:\n  - s -> o\n";
  auto r = test::run_command(kBinary + " run " + graph + " --duration 100ms");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find(graph + ":2:8: error: clock: ptp needs the PTP network interface: --ptp-iface IF"),
            std::string::npos)
      << r.output;
  r = test::run_command(kBinary + " run " + graph + " --driver jack --ptp-iface lo --duration 100ms");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("clock: ptp runs on the dummy driver"), std::string::npos) << r.output;
  r = test::run_command(kBinary + " run " + graph + " --ptp-iface no-such-if0 --duration 100ms");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("no-such-if0"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ac
