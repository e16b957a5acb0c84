// What a new user trips over, tried as one would: interrupting a render,
// bad inputs of every kind, thread counts, the command line, patches, the
// README's own commands. Each case states what a user of sox, ffmpeg or
// jackd expects.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "child_process.h"
#include "dsp/sound_file.h"
#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

const std::string kBinary = AUDIOCLOUD_BINARY;
const std::string kSource = AUDIOCLOUD_SOURCE_DIR;

// Waits (bounded) until `path` holds more than `bytes`.
bool wait_for_size(const std::string& path, uintmax_t bytes, double seconds) {
  for (int i = 0; i < static_cast<int>(seconds * 50); ++i) {
    std::error_code ec;
    if (std::filesystem::file_size(path, ec) > bytes && !ec) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// A WAV whose header agrees with its size: the header's frames times the
// frame size is what follows the header.
void expect_finalised_wav(const std::string& path, uint32_t bytes_per_frame) {
  auto info = probe_sound_file(path);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_GT(info->frames, 48000) << "the header says it holds less than a second";
  const auto size = std::filesystem::file_size(path);
  const auto data = static_cast<uintmax_t>(info->frames) * bytes_per_frame;
  EXPECT_LE(data, size);
  EXPECT_LT(size - data, 200u) << "more bytes than the header accounts for";
  auto audio = read_sound_file(path, nullptr);
  ASSERT_TRUE(audio) << audio.error().message;
  EXPECT_EQ(static_cast<int64_t>((*audio)[0].size()), info->frames);
}

// Interrupted as sox is: the file keeps what was rendered, with a valid
// header, and the exit code says which signal (128 + its number).
TEST(NewUser, AnInterruptedRenderKeepsAValidFileAndSaysSo) {
  for (const int sig : {SIGINT, SIGTERM}) {
    test::TempDir tmp;
    const std::string out = tmp.path("long.wav");
    test::ChildProcess render(kBinary + " render " + kSource + "/examples/demo.yaml -d 20000s -q -o " + out,
                              tmp.path("log"));
    ASSERT_TRUE(wait_for_size(out, 2'000'000, 60)) << test::read_text(tmp.path("log"));
    render.signal(sig);
    EXPECT_EQ(render.wait_for_exit(30), std::optional<int>(128 + sig)) << test::read_text(tmp.path("log"));
    const std::string log = test::read_text(tmp.path("log"));
    EXPECT_NE(log.find(sig == SIGINT ? "interrupted by SIGINT after" : "interrupted by SIGTERM after"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("holds what was rendered"), std::string::npos) << log;
    expect_finalised_wav(out, 2 * 3);
  }
}

// `run --duration` cut short by a signal: its recorders are finalised and it
// exits 143; without --duration a signal is the normal stop (0).
TEST(NewUser, ARunCutShortFinalisesItsRecordingsAndExitsNonZero) {
  test::TempDir tmp;
  const std::string graph = test::write_text(tmp, "rec.yaml",
                                             "nodes:\n  s: {type: sine, params: {frequency: 440}}\n"
                                             "  r: {type: file_recorder, channels: 1, params: {path: rec.wav}}\n"
                                             "connections:\n  - s.out -> r.in\n");
  test::ChildProcess run(kBinary + " run " + graph + " --duration 60s < /dev/null", tmp.path("log"));
  ASSERT_TRUE(wait_for_size(tmp.path("rec.wav"), 300'000, 60)) << test::read_text(tmp.path("log"));
  run.signal(SIGTERM);
  EXPECT_EQ(run.wait_for_exit(30), std::optional<int>(143)) << test::read_text(tmp.path("log"));
  EXPECT_NE(test::read_text(tmp.path("log")).find("interrupted by SIGTERM before --duration 60s ran out"),
            std::string::npos);
  expect_finalised_wav(tmp.path("rec.wav"), 3);
}

TEST(NewUser, ThreadCountsAreCheckedAndClamped) {
  const std::string demo = kSource + "/examples/demo.yaml";
  auto r = test::run_command(kBinary + " render " + demo + " --no-output -d 1s --threads 0");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("--threads 0: give 1 or more, or 'auto'"), std::string::npos) << r.output;
  r = test::run_command(kBinary + " render " + demo + " --no-output -d 1s --threads many");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  // nproc reads the same affinity mask (and, with OMP-less coreutils, no
  // quota): the clamp can only be at or below it.
  const auto nproc = test::run_command("nproc");
  const int cpus = std::stoi(nproc.output);
  r = test::run_command(kBinary + " render " + demo + " --no-output -d 1s --threads 1000 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("--threads 1000: this process may run on"), std::string::npos) << r.output;
  const auto json = nlohmann::json::parse(r.output.substr(r.output.find('{')));
  EXPECT_GE(json["threads"].get<int>(), 1);
  EXPECT_LE(json["threads"].get<int>(), cpus);
  r = test::run_command(kBinary + " render " + demo + " --no-output -d 1s --threads auto --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_LE(nlohmann::json::parse(r.output.substr(r.output.find('{')))["threads"].get<int>(), cpus);
  r = test::run_command(kBinary + " run " + demo + " -d 100ms --threads 0 < /dev/null");
  EXPECT_EQ(r.exit_code, 1) << r.output;
}

// Clipping, events past the end: said on stderr with counts, and in --json.
TEST(NewUser, ClippingAndUnplayedEventsAreReported) {
  test::TempDir tmp;
  const std::string graph =
      test::write_text(tmp, "loud.yaml",
                       "nodes:\n  s: {type: sine, params: {frequency: 440}}\n"
                       "  g: {type: gain, params: {gain: 12}}\n"
                       "  out: {type: output, channels: 1}\n"
                       "connections:\n  - s.out -> g.in\n  - g.out -> out.in\n"
                       "events:\n  - {at: 0.5s, set: g.gain, value: 11}\n"
                       "  - {at: 5s, set: g.gain, value: 0}\n  - {at: 6s, set: g.gain, value: 0}\n");
  auto r = test::run_command(kBinary + " render " + graph + " -d 1s -q -o " + tmp.path("loud.wav"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("warning: out[0]:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("samples over full scale"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("were clipped"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("warning: 2 timed events at or after the end of the render (1.000 s) were not played"),
            std::string::npos)
      << r.output;
  r = test::run_command(kBinary + " render " + graph + " -d 1s --json -o " + tmp.path("loud.wav") + " 2>/dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto json = nlohmann::json::parse(r.output);
  EXPECT_EQ(json["events_ignored"], 2);
  // A sine at +12 dB: its samples above 1.0 are those where |sin| > 10^(-12/20).
  const double over = json["output"]["levels"][0]["over_full_scale"].get<double>();
  EXPECT_NEAR(over / 48000.0, 1.0 - 2.0 / M_PI * std::asin(std::pow(10.0, -12.0 / 20.0)), 0.02);
  // A float file keeps them: said, not called clipping.
  r = test::run_command(kBinary + " render " + graph + " -d 1s -q --encoding float -o " + tmp.path("loud_f.wav"));
  EXPECT_NE(r.output.find("kept in the float file"), std::string::npos) << r.output;
}

TEST(NewUser, TheCommandLineSaysWhatWentWrong) {
  auto r = test::run_command(kBinary + " rendr x.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("unknown subcommand 'rendr' (did you mean 'render'?)"), std::string::npos) << r.output;
  r = test::run_command(kBinary + " --bogus");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("unknown option '--bogus'"), std::string::npos) << r.output;
  r = test::run_command(kBinary + " foo --help");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  r = test::run_command(kBinary + " help render");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("--threads"), std::string::npos) << r.output;
  r = test::run_command(kBinary + " help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("Exit codes: 0 done; 1 bad input"), std::string::npos) << r.output;
  r = test::run_command(kBinary + " help run");
  EXPECT_NE(r.output.find("dummy (the default"), std::string::npos) << r.output;
  r = test::run_command(kBinary + " render " + kSource + "/examples/demo.yaml -q --no-output");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "") << "-q prints nothing when nothing is wrong";
  r = test::run_command(kBinary + " ptp --iface lo --duration 5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("--duration 5: give it in seconds ('5s') or ms"), std::string::npos) << r.output;
  r = test::run_command(kBinary + " nodes sine");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output.rfind("sine — ", 0), 0u) << r.output;
  EXPECT_EQ(r.output.find("gain —"), std::string::npos) << "only the type asked for";
  r = test::run_command(kBinary + " nodes sinr");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("did you mean 'sine'?"), std::string::npos) << r.output;
}

// -r and --block set the rate and block before the file's times are read:
// a 1 s render is 96000 frames at 96 kHz, its timed events still at their
// seconds.
TEST(NewUser, RateAndBlockOnTheCommandLineOverrideTheFile) {
  test::TempDir tmp;
  const auto r = test::run_command(kBinary + " render " + kSource + "/examples/demo.yaml -d 1s -r 96000 --block 32 " +
                                   "--json -o " + tmp.path("hi.wav"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto json = nlohmann::json::parse(r.output.substr(r.output.find('{')));
  EXPECT_EQ(json["frames"], 96000);
  EXPECT_EQ(json["sample_rate"], 96000.0);
  EXPECT_EQ(json["block"], 32);
  SoundFileInfo info;
  ASSERT_TRUE(read_sound_file(tmp.path("hi.wav"), &info));
  EXPECT_EQ(info.sample_rate, 96000u);
}

// A patch's error points at the patch (stdin's line 1 or 2, the column of
// the value), not at a graph text the user never saw; `{}` builds nothing.
TEST(NewUser, PatchErrorsPointAtThePatchAndAnEmptyPatchIsNoSwap) {
  test::TempDir tmp;
  const std::string graph = test::write_text(tmp, "g.yaml",
                                             "nodes:\n  s: {type: sine, params: {frequency: 440}}\n"
                                             "  out: {type: output, channels: 1}\nconnections:\n  - s.out -> out.in\n");
  const std::string patches = test::write_text(tmp, "patches.txt",
                                               "{}\n{add: {g: {type: gain, params: {gain: 99}}}, connect: [\"s.out -> "
                                               "g.in\"]}\n");
  const auto r = test::run_command(kBinary + " run " + graph + " -d 1s < " + patches);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("(after patch"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("stdin:2:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("0 swaps"), std::string::npos) << r.output;
}

// float WAV: a header sox reads without a warning (WAVEFORMATEX with its
// cbSize); PCM over 16 bits or 2 channels as WAVE_FORMAT_EXTENSIBLE.
TEST(NewUser, WavHeadersAreTheOnesSoxExpects) {
  test::TempDir tmp;
  for (const char* encoding : {"float", "pcm24", "pcm16"}) {
    const std::string out = tmp.path(std::string(encoding) + ".wav");
    const auto r = test::run_command(kBinary + " render " + kSource + "/examples/demo.yaml -d 1s -q --encoding " +
                                     encoding + " -o " + out);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto soxi = test::run_command("soxi " + out);
    EXPECT_EQ(soxi.exit_code, 0) << soxi.output;
    EXPECT_EQ(soxi.output.find("WARN"), std::string::npos) << encoding << ": " << soxi.output;
    EXPECT_NE(soxi.output.find("48000 samples"), std::string::npos) << soxi.output;
    const auto stat = test::run_command("sox " + out + " -n stat 2>&1");
    EXPECT_EQ(stat.output.find("WARN"), std::string::npos) << encoding << ": " << stat.output;
  }
  // The float file's samples are the pcm24 file's, to 24-bit quantisation.
  const auto diff =
      test::run_command("sox -m -v 1 " + tmp.path("float.wav") + " -v -1 " + tmp.path("pcm24.wav") + " -n stat 2>&1");
  const size_t at = diff.output.find("Maximum amplitude:");
  ASSERT_NE(at, std::string::npos) << diff.output;
  EXPECT_LT(std::stod(diff.output.substr(at + 18)), 1e-6) << diff.output;
}

// A plug-in's first load compiles it (a second or two): said, with where
// it is cached; the second load says nothing.
TEST(NewUser, TheFirstCompileOfAPluginIsAnnounced) {
  test::TempDir tmp;
  const std::string cache = "AUDIOCLOUD_CACHE_DIR=" + tmp.path("cache") + " ";
  const std::string cmd =
      cache + kBinary + " render " + kSource + "/examples/wasm_chain.yaml -d 1s -q -o " + tmp.path("c.wav");
  auto r = test::run_command(cmd);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("compiling plug-in"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cached for next time in " + tmp.path("cache")), std::string::npos) << r.output;
  r = test::run_command(cmd);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("compiling plug-in"), std::string::npos) << r.output;
}

// A render ends with how to hear it: a line to paste, quoted for the shell
// even for a file name with a space and a quote, that aplay accepts (played
// into ALSA's null device: no sound card here).
TEST(NewUser, ARenderSaysHowToListenToIt) {
  test::TempDir tmp;
  const std::string name = "it's a demo.wav";
  auto r = test::run_command("cd " + tmp.path("") + " && " + kBinary + " render " + kSource +
                             "/examples/demo.yaml -d 0.2s -o \"" + name + "\"");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const size_t at = r.output.find("listen: aplay ");
  ASSERT_NE(at, std::string::npos) << r.output;
  const size_t end = r.output.find("   (or: play ", at);
  ASSERT_NE(end, std::string::npos) << r.output;
  const std::string command = r.output.substr(at + 8, end - at - 8);
  const auto played = test::run_command("cd " + tmp.path("") + " && aplay -q -D null " + command.substr(6));
  EXPECT_EQ(played.exit_code, 0) << command << "\n" << played.output;
  const auto missing = test::run_command("cd " + tmp.path("") + " && aplay -q -D null missing.wav");
  EXPECT_NE(missing.exit_code, 0) << "aplay must fail for a file that is not there, or this test proves nothing";
}

// demo.sh's last line sends the user to a README section that exists.
TEST(NewUser, TheDemoEndsByNamingTheNextSteps) {
  const std::string demo = test::read_text(kSource + "/scripts/demo.sh");
  const size_t at = demo.rfind("under \\\"");
  ASSERT_NE(at, std::string::npos) << "demo.sh no longer names a README section";
  const size_t start = at + 8, end = demo.find("\\\"", start);
  ASSERT_NE(end, std::string::npos);
  const std::string section = demo.substr(start, end - start);
  EXPECT_NE(test::read_text(kSource + "/README.md").find("\n## " + section + "\n"), std::string::npos)
      << "README.md has no section '" << section << "'";
  EXPECT_NE(demo.find("listen:"), std::string::npos) << "demo.sh should point at the render's listen line";
}

}  // namespace
}  // namespace ac

namespace ac {
namespace {

struct BadInput {
  std::string what;     // the input, as the table names it
  std::string command;  // run in the temp dir; GRAPH_DIR is replaced
  int exit_code;
  std::string message;  // the part of the output that must be there
};

// No byte of the output may be a control character but newline and tab:
// a binary file's bytes must never reach the terminal.
bool printable(const std::string& text) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

// Every bad input a user tried, its exit code and message; the table in
// docs/bad-input.md is this list, written by this test
// (AUDIOCLOUD_UPDATE_DOCS=1 rewrites it; otherwise a difference fails).
TEST(NewUser, BadInputsGetTheirOwnErrorsAndTheTableInDocsSaysSo) {
  test::TempDir tmp;
  const std::string demo = kSource + "/examples/demo.yaml";
  ASSERT_EQ(::mkfifo(tmp.path("fifo.yaml").c_str(), 0600), 0);
  {
    std::ofstream bin(tmp.path("binary.yaml"), std::ios::binary);
    bin << "nodes:\n"
        << std::string(
               "\x7f"
               "ELF\x02\x01\x01\0\0\0",
               10)
        << "\x1b[31m";
  }
  std::filesystem::resize_file(test::write_text(tmp, "huge.yaml", ""), 17u << 20);
  test::write_text(tmp, "typo.yaml", "nodes:\n  s: {type: sien}\n");
  const std::vector<BadInput> cases = {
      {"a graph file that does not exist", "render missing.yaml", 1, "missing.yaml: error: no such file"},
      {"a directory as the graph file", "render .", 1, ".: error: is a directory, not a graph file"},
      {"a FIFO as the graph file", "graph fifo.yaml", 1, "not a regular file (a FIFO)"},
      {"a device as the graph file", "render /dev/urandom", 1, "not a regular file (a character device)"},
      {"a binary file as the graph file", "graph binary.yaml", 1, "binary.yaml:2:1: error: not a text file: byte 0x7f"},
      {"a graph file over 16 MB", "graph huge.yaml", 1, "larger than 16 MB (17.0 MB): not a graph file"},
      {"an unknown node type", "graph typo.yaml", 1, "typo.yaml:2:"},
      {"an output path that is a directory", "render " + demo + " -o .", 1, "-o .: is a directory"},
      {"an output in a folder that does not exist", "render " + demo + " -o no/such/x.wav", 1,
       "no such directory 'no/such'"},
      {"an output the system refuses", "render " + demo + " -o /proc/x.wav", 2, "cannot create"},
      {"--threads 0", "render " + demo + " --threads 0", 1, "--threads 0: give 1 or more, or 'auto'"},
      {"a duration without a unit for ptp", "ptp --iface lo --duration 5", 1, "give it in seconds ('5s')"},
      {"a mistyped subcommand", "rendr x.yaml", 1, "unknown subcommand 'rendr' (did you mean 'render'?)"},
      {"an unknown option before the subcommand", "--bogus", 1, "unknown option '--bogus'"},
      {"a missing argument", "render", 1, "graph is required"},
  };
  std::string table =
      "# Bad input: what audiocloud answers\n\n"
      "Written by `NewUser.BadInputsGetTheirOwnErrorsAndTheTableInDocsSaysSo`\n"
      "(tests/app/new_user_test.cpp), which checks every row against the binary;\n"
      "`AUDIOCLOUD_UPDATE_DOCS=1` rewrites it. Exit codes: 0 done, 1 bad input,\n"
      "2 I/O or system failure, 130/143 interrupted by SIGINT/SIGTERM.\n\n"
      "| input | command | exit | message (part) |\n|---|---|---|---|\n";
  for (const BadInput& c : cases) {
    const auto r = test::run_command("cd " + tmp.dir() + " && " + kBinary + " " + c.command + " < /dev/null");
    EXPECT_EQ(r.exit_code, c.exit_code) << c.what << ": " << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.what << ": " << r.output;
    EXPECT_TRUE(printable(r.output)) << c.what << ": control characters in the output";
    std::string shown = c.command;
    if (const size_t at = shown.find(kSource); at != std::string::npos) shown.replace(at, kSource.size() + 1, "");
    table +=
        "| " + c.what + " | `audiocloud " + shown + "` | " + std::to_string(c.exit_code) + " | `" + c.message + "` |\n";
  }
  const std::string doc = kSource + "/docs/bad-input.md";
  if (std::getenv("AUDIOCLOUD_UPDATE_DOCS")) std::ofstream(doc) << table;
  EXPECT_EQ(test::read_text(doc), table) << "docs/bad-input.md is out of date: AUDIOCLOUD_UPDATE_DOCS=1 rewrites it";
}

}  // namespace
}  // namespace ac
