// Control surfaces from outside (docs/security.md): OSC is reachable only
// from this machine unless the run names an address (two network
// namespaces, a veth pair between them); patches over OSC cannot read or
// write files or load code outside the --allow-files directory (absolute
// paths, `..`, symlinks), are refused with the reason, and leave the audio
// bit-identical to a run without them; the user's own stdin still can.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "child_process.h"
#include "dsp/sound_file.h"
#include "netns.h"
#include "osc/osc_packet.h"
#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

const std::string kBinary = AUDIOCLOUD_BINARY;

int test_port(int k) {
  return 25000 + static_cast<int>(getpid() % 1000) * 8 + k;
}

// Sends one OSC message with a string argument to 127.0.0.1:port and
// returns the first reply's path and string ("" when none came in 2 s).
std::pair<std::string, std::string> ask(int port, const std::string& path, const std::string& text) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const auto bytes = encode_osc_message(path, {osc_string(text)});
  sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  timeval wait{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  uint8_t reply[4096];
  const ssize_t n = recv(fd, reply, sizeof reply, 0);
  close(fd);
  if (n <= 0) return {};
  auto messages = decode_osc_packet(std::span<const uint8_t>(reply, static_cast<size_t>(n)));
  if (!messages || messages->empty()) return {"(undecodable)", ""};
  const OscMessage& m = messages->front();
  return {m.path, m.args.empty() ? "" : m.args[0].text};
}

std::string graph_with_recorder(const test::TempDir& tmp, const std::string& name) {
  const std::string g = tmp.path(name + ".yaml");
  std::ofstream(g) << "nodes:\n  s: {type: sine, params: {frequency: 440}}\n"
                      "  k: {type: constant}\n"
                      "  r: {type: file_recorder, channels: 1, params: {path: "
                   << name << ".wav, encoding: float}}\n"
                   << "connections:\n  - s.out -> r.in\n";
  return g;
}

bool wait_for_text(const std::string& file, const std::string& text, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    if (test::read_text(file).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(ControlSecurity, OscFromAnotherHostIsNotAnsweredUnlessAnAddressIsNamed) {
  test::TempDir tmp;
  test::VethLan lan(2);
  ASSERT_TRUE(lan.ok()) << "cannot create network namespaces (needs root)";
  const std::string g = graph_with_recorder(tmp, "g");
  const int port = test_port(0);
  for (const bool open_to_network : {false, true}) {
    const std::string spec = open_to_network ? "udp:0.0.0.0:" + std::to_string(port) : "udp:" + std::to_string(port);
    const std::string log = tmp.path(open_to_network ? "open.log" : "default.log");
    test::ChildProcess run(lan.in(0) + kBinary + " run " + g + " --osc " + spec + " --duration 3s < /dev/null", log);
    ASSERT_TRUE(wait_for_text(log, "OSC on", 20)) << test::read_text(log);
    // From the other host, and from this one's own loopback.
    test::run_command(lan.in(1) + "oscsend " + lan.address(0) + " " + std::to_string(port) + " /node/k/value f 0.5");
    test::run_command(lan.in(0) + "oscsend localhost " + std::to_string(port) + " /node/k/value f 0.25");
    ASSERT_EQ(run.wait_for_exit(20), std::optional<int>(0)) << test::read_text(log);
    const std::string out = test::read_text(log);
    EXPECT_NE(out.find("osc: k.value = 0.25"), std::string::npos) << out;
    if (open_to_network) {
      EXPECT_NE(out.find("osc: k.value = 0.5"), std::string::npos) << out;
      EXPECT_NE(out.find("warning: OSC listens beyond this machine"), std::string::npos) << out;
    } else {
      EXPECT_EQ(out.find("osc: k.value = 0.5"), std::string::npos) << "answered from another host:\n" << out;
      EXPECT_EQ(out.find("warning: OSC listens beyond"), std::string::npos) << out;
    }
  }
}

struct Attempt {
  std::string patch;
  std::string expected;  // in the /error reply
};

TEST(ControlSecurity, PatchesOverOscCannotReachFilesOutsideTheAllowedDirectory) {
  test::TempDir tmp;
  namespace fs = std::filesystem;
  fs::create_directories(tmp.path("allowed"));
  fs::create_directories(tmp.path("outside"));
  fs::create_symlink(tmp.path("outside"), tmp.path("allowed/escape"));
  // Something to steal: a sound file and a plug-in outside.
  {
    auto w = SoundFileWriter::create(tmp.path("outside/secret.wav"),
                                     SoundFileSpec{FileFormat::wav, SampleEncoding::float32, 1, 48000});
    ASSERT_TRUE(w);
    const std::vector<float> half(4800, 0.5f);
    ASSERT_TRUE((*w)->write_interleaved(half.data(), 4800));
    ASSERT_TRUE((*w)->close());
  }
  const std::string connect = ", connect: [\"s.out -> x.in\"]}";
  const std::vector<Attempt> attempts = {
      {"{add: {x: {type: file_recorder, channels: 1, params: {path: " + tmp.path("outside/abs.wav") + "}}}" + connect,
       "is an absolute path"},
      {"{add: {x: {type: file_recorder, channels: 1, params: {path: ../outside/up.wav}}}" + connect,
       "leads out of the --allow-files directory"},
      {"{add: {x: {type: file_recorder, channels: 1, params: {path: escape/sym.wav}}}" + connect,
       "leads out of the directory it must stay in"},
      {"{add: {x: {type: file_player, params: {path: escape/secret.wav}}}}", "leads out of the directory"},
      {"{set: {r.path: " + tmp.path("outside/moved.wav") + "}}", "is an absolute path"},
      {"{replace: {r: {type: file_recorder, channels: 1, params: {path: ../outside/re.wav}}}}",
       "leads out of the --allow-files directory"},
      {"{add: {x: {type: wasm, params: {file: ../outside/p.wasm}}}}", "leads out of the --allow-files directory"},
  };
  auto run_once = [&](const std::string& name, bool attack) {
    const std::string g = graph_with_recorder(tmp, name);
    const int port = test_port(attack ? 1 : 2);
    const std::string log = tmp.path(name + ".log");
    test::ChildProcess run(kBinary + " run " + g + " --osc udp:" + std::to_string(port) + " --allow-files " +
                               tmp.path("allowed") + " --duration 2s < /dev/null",
                           log);
    EXPECT_TRUE(wait_for_text(log, "OSC on", 20)) << test::read_text(log);
    if (attack) {
      for (const Attempt& a : attempts) {
        const auto [path, text] = ask(port, "/graph/patch", a.patch);
        EXPECT_EQ(path, "/error") << a.patch << " was answered " << path << " " << text;
        EXPECT_NE(text.find(a.expected), std::string::npos) << a.patch << ": " << text;
      }
      // Within the directory it works.
      const auto [path, text] = ask(
          port, "/graph/patch",
          "{add: {x: {type: file_recorder, channels: 1, params: {path: inside.wav}}}, connect: [\"k.out -> x.in\"]}");
      EXPECT_EQ(path, "/graph/patch") << text;
      EXPECT_EQ(text, "applied");
    }
    EXPECT_EQ(run.wait_for_exit(20), std::optional<int>(0)) << test::read_text(log);
    return test::read_text(log);
  };
  const std::string attacked = run_once("attacked", true);
  const std::string quiet = run_once("quiet", false);
  // Nothing was written outside; the one allowed file is where it belongs.
  std::vector<std::string> outside;
  for (const auto& e : fs::directory_iterator(tmp.path("outside"))) outside.push_back(e.path().filename());
  EXPECT_EQ(outside, std::vector<std::string>{"secret.wav"});
  EXPECT_TRUE(fs::exists(tmp.path("allowed/inside.wav")));
  EXPECT_FALSE(fs::exists(tmp.path("abs.wav")));
  // The audio never noticed: the recording equals a run without the attempts
  // (when neither run lost blocks to this machine's load).
  auto a = read_sound_file(tmp.path("attacked.wav"), nullptr);
  auto b = read_sound_file(tmp.path("quiet.wav"), nullptr);
  ASSERT_TRUE(a && b);
  const bool clean = attacked.find(", 0 xruns,") != std::string::npos && quiet.find(", 0 xruns,") != std::string::npos;
  if (clean) {
    EXPECT_EQ((*a)[0].size(), 96000u);
    EXPECT_EQ((*a)[0], (*b)[0]);
  } else {
    const size_t n = std::min((*a)[0].size(), (*b)[0].size());
    EXPECT_GT(n, 48000u);
  }
}

TEST(ControlSecurity, WithoutAllowFilesNoPatchOverOscTouchesFilesButStdinStillCan) {
  test::TempDir tmp;
  const std::string g = graph_with_recorder(tmp, "g");
  const int port = test_port(3);
  const std::string log = tmp.path("osc.log");
  test::ChildProcess run(kBinary + " run " + g + " --osc udp:" + std::to_string(port) + " --duration 2s < /dev/null",
                         log);
  ASSERT_TRUE(wait_for_text(log, "OSC on", 20)) << test::read_text(log);
  const auto [path, text] = ask(port, "/graph/patch",
                                "{add: {x: {type: file_recorder, channels: 1, params: {path: x.wav}}}, connect: "
                                "[\"s.out -> x.in\"]}");
  EXPECT_EQ(path, "/error");
  EXPECT_NE(text.find("start the run with --allow-files DIR"), std::string::npos) << text;
  // Setting parameters and adding nodes without files is what OSC is for.
  const auto [p2, t2] = ask(port, "/graph/patch", "{add: {gg: {type: gain}}, connect: [\"s.out -> gg.in\"]}");
  EXPECT_EQ(t2, "applied") << p2 << " " << t2;
  EXPECT_EQ(run.wait_for_exit(20), std::optional<int>(0)) << test::read_text(log);
  EXPECT_FALSE(std::filesystem::exists(tmp.path("x.wav")));
  // The user's own terminal is trusted as the graph file is: an absolute path.
  const auto own = test::run_command("cd " + tmp.dir() +
                                     " && printf '%s\\n' '{add: {x: {type: file_recorder, channels: "
                                     "1, params: {path: " +
                                     tmp.path("mine.wav") + "}}}, connect: [\"s.out -> x.in\"]}' | " + kBinary +
                                     " run " + g + " --duration 1s");
  EXPECT_EQ(own.exit_code, 0) << own.output;
  EXPECT_NE(own.output.find("patch 1 applied"), std::string::npos) << own.output;
  EXPECT_TRUE(std::filesystem::exists(tmp.path("mine.wav")));
}

}  // namespace
}  // namespace ac
