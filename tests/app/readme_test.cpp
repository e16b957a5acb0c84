// Every command line of the README's shell blocks runs as written, as a
// user would paste it after scripts/demo.sh: from a folder holding
// `examples` and `build/release`, with B set to the binary. Lines that need
// hardware or a network (a JACK server, a sound card, an interface for
// PTP, an OSC port) are listed as skipped, with why. A line ending in `&`
// starts a process the next lines talk to; it is stopped with SIGINT (as
// Ctrl-C) when the block ends.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "child_process.h"
#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

const std::string kBinary = AUDIOCLOUD_BINARY;
const std::string kSource = AUDIOCLOUD_SOURCE_DIR;

// The README's shell blocks, a vector of lines each, comments removed.
std::vector<std::vector<std::string>> shell_blocks() {
  std::vector<std::vector<std::string>> blocks;
  std::istringstream in(test::read_text(kSource + "/README.md"));
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      inside = !inside && line == "```sh";
      if (inside) blocks.emplace_back();
      continue;
    }
    if (!inside) continue;
    const size_t comment = line.find("  #");
    if (comment != std::string::npos) line.resize(comment);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!line.empty() && line[0] != '#') blocks.back().push_back(line);
  }
  return blocks;
}

// Why a line cannot run here ("" if it can).
std::string needs(const std::string& line) {
  if (line.find("$B") == std::string::npos) return "not an audiocloud command (scripts, variables)";
  if (line.find("--driver jack") != std::string::npos) return "a JACK server";
  if (line.find("--driver alsa") != std::string::npos) return "a sound card";
  if (line.find("eth0") != std::string::npos) return "a network interface";
  if (line.find("--osc") != std::string::npos) return "an OSC port (network)";
  return "";
}

// The socket a background line makes (--control PATH), "" if none.
std::string control_socket(const std::string& line) {
  const size_t at = line.find("--control ");
  if (at == std::string::npos) return "";
  const size_t start = at + 10, end = line.find_first_of(" \t&", start);
  return line.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

TEST(Readme, EveryCommandRunsAsWritten) {
  test::TempDir tmp;
  const std::filesystem::path binary_dir = std::filesystem::path(kBinary).parent_path().parent_path().parent_path();
  for (const char* dir : {"examples", "conformance", "sdk"})
    std::filesystem::create_symlink(kSource + "/" + dir, tmp.path(dir));
  std::filesystem::create_directories(tmp.path("build"));
  std::filesystem::create_symlink(binary_dir, tmp.path("build/release"));
  const std::string env = "cd " + tmp.dir() + " && export B=" + kBinary + " && ";
  int ran = 0;
  for (const auto& block : shell_blocks()) {
    std::vector<std::unique_ptr<test::ChildProcess>> background;
    for (const std::string& line : block) {
      if (const std::string why = needs(line); !why.empty()) {
        std::printf("skipped (needs %s): %s\n", why.c_str(), line.c_str());
        continue;
      }
      ++ran;
      if (line.back() == '&') {
        std::string command = line.substr(0, line.size() - 1);
        command.replace(command.find("$B"), 2, kBinary);
        background.push_back(
            std::make_unique<test::ChildProcess>("sh -c 'cd " + tmp.dir() + " && exec " + command + " < /dev/null'",
                                                 tmp.path("background" + std::to_string(ran) + ".log")));
        const std::string socket = control_socket(line);
        for (int i = 0; i < 500 && !socket.empty() && !std::filesystem::exists(tmp.path(socket)); ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        EXPECT_TRUE(socket.empty() || std::filesystem::exists(tmp.path(socket))) << line;
        // What it sets up (a stream and its SDP file) takes a moment, as for
        // a user pasting the next line.
        if (socket.empty()) std::this_thread::sleep_for(std::chrono::seconds(1));
        continue;
      }
      // `run` without a duration plays until Ctrl-C: that is sent after 2 s.
      const bool endless = line.find(" run ") != std::string::npos && line.find("--duration") == std::string::npos;
      const std::string command = endless ? "timeout --preserve-status -s INT 2 " + line : line;
      const auto r = test::run_command(env + command + " < /dev/null");
      EXPECT_EQ(r.exit_code, 0) << line << "\n" << r.output;
      EXPECT_EQ(r.output.find("error"), std::string::npos) << line << "\n" << r.output;
      std::printf("ran: %s\n", line.c_str());
    }
    for (auto& p : background) {
      p->signal(SIGINT);
      EXPECT_EQ(p->wait_for_exit(20), std::optional<int>(0)) << "a background command of the README";
    }
  }
  EXPECT_GE(ran, 15) << "the README's commands were not found";
}

// The README's example of an error is what the binary says for that file.
TEST(Readme, TheQuotedErrorIsTheBinarysOwn) {
  const std::string readme = test::read_text(kSource + "/README.md");
  const std::string command = "$ audiocloud graph examples/bad.yaml\n";
  const size_t at = readme.find(command);
  ASSERT_NE(at, std::string::npos) << "the README no longer shows the bad.yaml example";
  const size_t start = at + command.size();
  const std::string quoted = readme.substr(start, readme.find('\n', start) - start);
  const auto r = test::run_command("cd " + kSource + " && " + kBinary + " graph examples/bad.yaml");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(r.output, quoted + "\n");
}

}  // namespace
}  // namespace ac
