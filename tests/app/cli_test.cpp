// The audiocloud binary as a user runs it: exit codes, messages, and files
// written (or, on error, not written).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "dsp/sound_file.h"
#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

const std::string kBinary = AUDIOCLOUD_BINARY;
const std::string kSource = AUDIOCLOUD_SOURCE_DIR;

TEST(Cli, RendersTheDemoAndReportsWhatItDid) {
  test::TempDir tmp;
  const auto r = test::run_command(kBinary + " render " + kSource + "/examples/demo.yaml -o " + tmp.path("demo.wav") +
                                   " --duration 3s");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("rendered 3.000 s of audio (144000 frames at 48000 Hz"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("x real time"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("out[1]  peak"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("filter"), std::string::npos) << r.output;  // per-node CPU share
  SoundFileInfo info;
  auto audio = read_sound_file(tmp.path("demo.wav"), &info);
  ASSERT_TRUE(audio) << audio.error().message;
  EXPECT_EQ(info.frames, 144000);
  EXPECT_EQ(info.channels, 2u);
  float peak = 0;
  for (const auto& ch : *audio) {
    for (float v : ch) peak = std::max(peak, std::fabs(v));
  }
  EXPECT_GT(peak, 0.05f);  // it is not silence
  EXPECT_LT(peak, 1.0f);   // and not clipping
}

// Every example graph loads and compiles (`graph`), and those that need no
// driver of their own render offline; the synth example sounds.
TEST(Cli, ExamplesLoadAndTheSynthExampleRenders) {
  for (const char* f : {"demo", "synth", "jack_sine", "jack_thru", "jack_midi_notes", "alsa_sine"}) {
    const auto g = test::run_command(kBinary + " graph " + kSource + "/examples/" + f + ".yaml");
    EXPECT_EQ(g.exit_code, 0) << f << ": " << g.output;
  }
  test::TempDir tmp;
  const auto r = test::run_command(kBinary + " render " + kSource + "/examples/synth.yaml -o " + tmp.path("s.wav") +
                                   " --duration 2s");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto audio = read_sound_file(tmp.path("s.wav"), nullptr);
  ASSERT_TRUE(audio) << audio.error().message;
  float peak = 0;
  for (float v : (*audio)[0]) peak = std::max(peak, std::fabs(v));
  EXPECT_GT(peak, 0.05f);
  EXPECT_LT(peak, 1.0f);
}

// render --threads 2 rebalances its schedule after a second by what the
// nodes cost, as run does, and the file stays bit-identical to a serial
// render.
TEST(Cli, RenderOnTwoThreadsRebalancesWithoutChangingTheSound) {
  test::TempDir tmp;
  const std::string graph = test::write_text(tmp, "uneven.yaml", test::uneven_chains_graph());
  auto render = [&](int threads, const std::string& out) {
    return test::run_command("cd " + tmp.dir() + " && " + kBinary + " render " + graph + " -d 4s --encoding float -q" +
                             " --threads " + std::to_string(threads) + " -o " + out);
  };
  const auto serial = render(1, "serial.wav");
  ASSERT_EQ(serial.exit_code, 0) << serial.output;
  EXPECT_EQ(serial.output.find("rebalanced"), std::string::npos) << serial.output;
  const auto parallel = render(2, "parallel.wav");
  ASSERT_EQ(parallel.exit_code, 0) << parallel.output;
#if !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
  // (Under the sanitizers a gain costs nearly what a biquad does: see
  // Run.TwoThreadsRebalanceByMeasuredCostsWithoutChangingTheSound.)
  const auto summary = test::run_command("cd " + tmp.dir() + " && " + kBinary + " render " + graph +
                                         " -d 4s --threads 2 --json --no-output");
  EXPECT_NE(summary.output.find("\"rebalanced\": true"), std::string::npos) << summary.output;
#endif
  auto a = read_sound_file(tmp.path("serial.wav"), nullptr);
  auto b = read_sound_file(tmp.path("parallel.wav"), nullptr);
  ASSERT_TRUE(a && b);
  ASSERT_EQ((*a)[0].size(), 4u * 48000u);
  EXPECT_EQ((*a)[0], (*b)[0]);
}

TEST(Cli, DefaultOutputIsNamedAfterTheGraph) {
  test::TempDir tmp;
  const auto r = test::run_command("cd " + tmp.dir() + " && " + kBinary + " render -q " + kSource +
                                   "/examples/demo.yaml -d 100ms");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(tmp.path("demo.wav")));
}

// Each malformed graph: a message naming file:line:column, exit 1, and no
// file written — neither the output nor a recorder's file.
TEST(Cli, MalformedGraphsFailCleanlyAndWriteNothing) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"nodes:\n  a: {type: sine\n", ":3:1: error: invalid YAML"},
      {"nodes:\n  a: {type: sinee}\n", ":2:13: error: unknown node type 'sinee', did you mean 'sine'?"},
      {"nodes:\n  a: {type: sine, params: {frequency: -1}}\n",
       ":2:39: error: parameter 'frequency' of 'a' (sine) is -1, outside its range 0 .. 24000 Hz"},
      {"nodes:\n  a: {type: sine}\n  o: {type: output}\nconnections:\n  - a.out -> o.in\n",
       ":5:5: error: channel-count mismatch"},
      {"nodes:\n  a: {type: gain}\n  b: {type: gain}\n  r: {type: file_recorder, params: {path: REC}}\n"
       "connections:\n  - a.out -> b.in\n  - b.out -> a.in\n  - b.out[0,0] -> r.in\n",
       ":7:5: error: cycle without a delay: a -> b -> a"},
  };
  for (const auto& [yaml, expected] : cases) {
    test::TempDir tmp;
    std::string text = yaml;
    const size_t rec = text.find("REC");
    if (rec != std::string::npos) text.replace(rec, 3, tmp.path("rec.wav"));
    const std::string graph = test::write_text(tmp, "bad.yaml", text);
    const auto r = test::run_command(kBinary + " render " + graph + " -o " + tmp.path("out.wav"));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find(graph + expected), std::string::npos) << "expected '" << expected << "' in: " << r.output;
    EXPECT_FALSE(std::filesystem::exists(tmp.path("out.wav"))) << yaml;
    EXPECT_FALSE(std::filesystem::exists(tmp.path("rec.wav"))) << yaml;
  }
}

TEST(Cli, UnwritableOutputIsAnErrorWithoutPartialFiles) {
  test::TempDir tmp;
  // The user's path: a folder that does not exist, or a folder as the file.
  auto r = test::run_command(kBinary + " render " + kSource + "/examples/demo.yaml -o /nonexistent/dir/x.wav");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("-o /nonexistent/dir/x.wav: no such directory '/nonexistent/dir'"), std::string::npos)
      << r.output;
  r = test::run_command(kBinary + " render " + kSource + "/examples/demo.yaml -o " + tmp.dir());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("is a directory; name a file in it"), std::string::npos) << r.output;
  // The system's refusal: an I/O failure.
  r = test::run_command(kBinary + " render " + kSource + "/examples/demo.yaml -o /proc/x.wav");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("/proc/x.wav': cannot create"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists("/proc/x.wav"));
}

TEST(Cli, GraphPrintsThePlanAndDot) {
  const auto r = test::run_command(kBinary + " graph " + kSource + "/examples/demo.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("order:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("echo [delay] (feedback read)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("total latency: 0 frames"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" one-per-port"), std::string::npos) << r.output;
  const auto d = test::run_command(kBinary + " graph " + kSource + "/examples/demo.yaml --dot -");
  ASSERT_EQ(d.exit_code, 0) << d.output;
  EXPECT_EQ(d.output.rfind("digraph audiocloud {", 0), 0u) << d.output;
  EXPECT_NE(d.output.find("\"bus\" -> \"echo\""), std::string::npos) << d.output;
}

TEST(Cli, NodesListsEveryTypeWithRanges) {
  const auto r = test::run_command(kBinary + " nodes");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* t : {"sine", "saw", "square", "noise", "gain", "mixer", "pan", "biquad", "delay", "meter",
                        "file_player", "file_recorder", "constant", "input", "output"}) {
    EXPECT_NE(("\n" + r.output).find(std::string("\n") + t + " — "), std::string::npos) << t;
  }
  EXPECT_NE(r.output.find("param frequency: 10 .. 24000 Hz (default 1000 Hz)"), std::string::npos) << r.output;
  const auto j = test::run_command(kBinary + " nodes --json");
  ASSERT_EQ(j.exit_code, 0);
  const auto doc = nlohmann::json::parse(j.output);
  bool found = false;
  for (const auto& t : doc) {
    if (t["type"] == "biquad") {
      found = true;
      EXPECT_EQ(t["options"][0]["choices"].size(), 9u);
    }
  }
  EXPECT_TRUE(found);
}

TEST(Cli, BadDurationAndUnknownCommandsAreUsageErrors) {
  EXPECT_EQ(test::run_command(kBinary + " render " + kSource + "/examples/demo.yaml --duration soon").exit_code, 1);
  EXPECT_NE(test::run_command(kBinary + " frobnicate").exit_code, 0);
  EXPECT_NE(test::run_command(kBinary).exit_code, 0);
}

}  // namespace
}  // namespace ac

namespace ac {
namespace {

// `conformance` runs every kind of vector the project ships from one folder
// or the whole tree: graph vectors, UMP's and the wire spec's (a UMP folder
// once said "no vectors found"); a failing vector fails the command.
TEST(Cli, ConformanceRunsEveryKindOfVector) {
  const std::string bin = AUDIOCLOUD_BINARY, src = AUDIOCLOUD_SOURCE_DIR;
  auto r = test::run_command(bin + " conformance " + src + "/conformance/ump");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("conformance: 103 passed, 0 failed"), std::string::npos) << r.output;
  r = test::run_command(bin + " conformance " + src + "/conformance/wire");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("conformance: 36 passed, 0 failed"), std::string::npos) << r.output;
  // A user's own folder in the same format, with one wrong vector.
  test::TempDir tmp;
  std::string text = test::read_text(src + "/conformance/ump/vectors.json");
  const size_t at = text.find("\"00101234\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 10, "\"00101235\"");  // JR clock, another value: still valid, so it passes
  const size_t scale = text.find("\"result\": \"");
  ASSERT_NE(scale, std::string::npos);
  text.insert(scale + 11, "F");  // one scaling result made wrong
  test::write_text(tmp, "vectors.json", text);
  r = test::run_command(bin + " conformance " + tmp.path(""));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAIL vectors.json: scaling 1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("102 passed, 1 failed"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ac
