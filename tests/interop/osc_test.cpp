// OSC control of a running graph against liblo-tools as the independent
// peer: oscsend sets and queries parameters and patches the graph, oscdump
// receives replies and meter readings; bundles with future timetags (sent
// with liblo's API) land on their sample; malformed packets are counted and
// dropped while the graph plays on.
#include <gtest/gtest.h>
#include <lo/lo.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include "child_process.h"
#include "dsp/sound_file.h"
#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

const std::string kBinary = AUDIOCLOUD_BINARY;

// A port for this test run: distinct per process, away from common ones.
int test_port(int offset) {
  return 20000 + static_cast<int>(getpid() % 20000) + offset;
}

// A constant (k) recorded to WAV, metered, for `seconds`, with OSC on `spec`.
class OscRun {
 public:
  OscRun(const test::TempDir& tmp, const std::string& spec, const std::string& seconds) : tmp_(tmp) {
    std::ofstream(tmp.path("g.yaml")) << "nodes:\n  k: {type: constant, params: {value: 0.25}}\n"
                                         "  j: {type: constant, params: {value: 0.25}}\n"
                                         "  m: {type: meter, channels: 1}\n"
                                         "  r: {type: file_recorder, channels: 1, params: {path: rec.wav, encoding: "
                                         "float}}\nconnections:\n  - k.out -> r.in\n  - k.out -> m.in\n";
    process_ = std::make_unique<test::ChildProcess>(
        kBinary + " run " + tmp.path("g.yaml") + " --osc " + spec + " --duration " + seconds + " < /dev/null",
        tmp.path("run.out"));
    // Ready once it says where OSC listens.
    for (int i = 0; i < 100 && test::read_text(tmp.path("run.out")).find("OSC on") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  int finish() { return process_->wait_for_exit(30).value_or(-99); }
  std::string output() const { return test::read_text(tmp_.path("run.out")); }
  std::vector<float> recording() const {
    auto rec = read_sound_file(tmp_.path("rec.wav"), nullptr);
    return rec ? (*rec)[0] : std::vector<float>{};
  }

 private:
  const test::TempDir& tmp_;
  std::unique_ptr<test::ChildProcess> process_;
};

// Where the recording changes value: (sample, new value). The graph's
// constant is never 0: zeros are blocks the driver skipped under load (the
// recorder keeps the timeline with silence there) and do not count.
std::vector<std::pair<size_t, float>> steps(const std::vector<float>& x) {
  std::vector<std::pair<size_t, float>> out;
  float last = x.empty() ? 0.0f : x[0];
  for (size_t n = 1; n < x.size(); ++n) {
    if (x[n] == 0.0f) continue;
    if (x[n] != last) out.emplace_back(n, x[n]);
    last = x[n];
  }
  return out;
}

int oscsend(int port, const std::string& args) {
  return test::run_command("oscsend localhost " + std::to_string(port) + " " + args).exit_code;
}

TEST(OscInterop, OscsendSetsAParameterAtABlockBoundary) {
  test::TempDir tmp;
  const int port = test_port(0);
  OscRun run(tmp, "udp:" + std::to_string(port), "2s");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(oscsend(port, "/node/k/value f 0.5"), 0);
  ASSERT_EQ(run.finish(), 0) << run.output();
  EXPECT_NE(run.output().find("osc: k.value = 0.5 (received at sample"), std::string::npos) << run.output();
  const auto s = steps(run.recording());
  ASSERT_EQ(s.size(), 1u) << run.output();
  EXPECT_EQ(s[0].second, 0.5f);
  EXPECT_EQ(s[0].first % 64, 0u) << "an immediate message applies at the start of the next block";
  EXPECT_NE(run.output().find("osc: 1 messages, 0 malformed, 0 rejected"), std::string::npos) << run.output();
}

// Two bundles 50 ms apart, the first 100 ms ahead: each lands on the sample
// its timetag names on the engine's clock, 2400 samples apart.
TEST(OscInterop, BundlesWithFutureTimetagsLandOnTheirSamples) {
  test::TempDir tmp;
  const int port = test_port(1);
  OscRun run(tmp, "udp:" + std::to_string(port), "2s");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  lo_address to = lo_address_new("localhost", std::to_string(port).c_str());
  lo_timetag now;
  lo_timetag_now(&now);
  auto later = [&](double seconds) {
    lo_timetag t = now;
    const double frac = t.frac / 4294967296.0 + seconds;
    t.sec += static_cast<uint32_t>(frac);
    t.frac = static_cast<uint32_t>((frac - std::floor(frac)) * 4294967296.0);
    return t;
  };
  for (auto [delay, value] : {std::pair{0.10, 0.5f}, std::pair{0.15, 0.75f}}) {
    lo_bundle b = lo_bundle_new(later(delay));
    lo_message m = lo_message_new();
    lo_message_add_float(m, value);
    lo_bundle_add_message(b, "/node/k/value", m);
    ASSERT_GT(lo_send_bundle(to, b), 0);
    lo_bundle_free_recursive(b);
  }
  lo_address_free(to);
  ASSERT_EQ(run.finish(), 0) << run.output();
  // "osc: k.value = 0.5 at sample N (received at sample R)"
  std::vector<std::pair<long long, long long>> scheduled;  // at, received
  const std::string out = run.output();
  std::istringstream lines(out);
  std::string l;
  while (std::getline(lines, l)) {
    double v = 0;
    long long at = 0, received = 0;
    if (std::sscanf(l.c_str(), "osc: k.value = %lf at sample %lld (received at sample %lld)", &v, &at, &received) == 3)
      scheduled.emplace_back(at, received);
  }
  ASSERT_EQ(scheduled.size(), 2u) << out;
  EXPECT_NEAR(static_cast<double>(scheduled[1].first - scheduled[0].first), 2400.0, 1.0);
  // Sent 100 ms ahead: it arrived a little (the network, the poll) before.
  EXPECT_GT(scheduled[0].first - scheduled[0].second, 0);
  EXPECT_LE(scheduled[0].first - scheduled[0].second, 4800);
  const auto s = steps(run.recording());
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(static_cast<long long>(s[0].first), scheduled[0].first) << out;
  EXPECT_EQ(s[0].second, 0.5f);
  EXPECT_EQ(static_cast<long long>(s[1].first), scheduled[1].first);
  EXPECT_EQ(s[1].second, 0.75f);
}

TEST(OscInterop, OscdumpReceivesRepliesErrorsAndMeters) {
  test::TempDir tmp;
  const int port = test_port(2), dump_port = test_port(3);
  test::ChildProcess dump("oscdump -L " + std::to_string(dump_port), tmp.path("dump.out"));
  OscRun run(tmp, "udp:" + std::to_string(port), "2s");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(oscsend(port, "/subscribe s osc.udp://127.0.0.1:" + std::to_string(dump_port) + "/"), 0);
  ASSERT_EQ(oscsend(port, "'/node/{k,j}/value' f 0.5"), 0);  // a pattern: both nodes
  ASSERT_EQ(oscsend(port, "/node/j/value"), 0);
  ASSERT_EQ(oscsend(port, "/list"), 0);
  ASSERT_EQ(oscsend(port, "/node/k/value f 2e6"), 0);  // out of range
  ASSERT_EQ(oscsend(port, "/graph/patch s '{set: {j.value: 0.125}}'"), 0);
  ASSERT_EQ(oscsend(port, "/node/j/value"), 0);
  ASSERT_EQ(run.finish(), 0) << run.output();
  dump.signal(SIGTERM);
  dump.wait_for_exit(5);
  const std::string d = test::read_text(tmp.path("dump.out"));
  EXPECT_NE(d.find("/node/j/value f 0.500000"), std::string::npos) << d;
  EXPECT_NE(d.find("/list ss \"/node/k/value\" \"/node/j/value\""), std::string::npos) << d;
  EXPECT_NE(d.find("/error s \"/node/k/value: 'k.value' is 2000000.000000, outside its range"), std::string::npos) << d;
  EXPECT_NE(d.find("/graph/patch s \"applied\""), std::string::npos) << d;
  EXPECT_NE(d.find("/node/j/value f 0.125000"), std::string::npos) << d;
  EXPECT_NE(d.find("/meter/m f -6.020600"), std::string::npos) << d << run.output();  // k at 0.5
  EXPECT_NE(run.output().find("1 rejected"), std::string::npos) << run.output();
}

TEST(OscInterop, MalformedPacketsAreCountedAndDroppedAndTcpWorks) {
  test::TempDir tmp;
  const int port = test_port(4);
  {
    OscRun run(tmp, "udp:" + std::to_string(port), "1500ms");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    using namespace std::string_literals;
    // Not OSC; a float argument cut short; an unknown type tag.
    const std::string junk[] = {"garbage!"s, "/node/k/value\0\0\0,f\0\0\x01"s, "/x\0\0,zz\0"s};
    for (const std::string& j : junk) sendto(fd, j.data(), j.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
    close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_EQ(oscsend(port, "/node/k/value f 0.5"), 0);
    ASSERT_EQ(run.finish(), 0) << run.output();
    EXPECT_NE(run.output().find("osc: 1 messages, 3 malformed, 0 rejected"), std::string::npos) << run.output();
    const auto s = steps(run.recording());
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].second, 0.5f);
  }
  OscRun tcp(tmp, "tcp:" + std::to_string(port + 100), "1500ms");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(test::run_command("oscsend osc.tcp://localhost:" + std::to_string(port + 100) + "/ /node/k/value f 0.75")
                .exit_code,
            0);
  ASSERT_EQ(tcp.finish(), 0) << tcp.output();
  EXPECT_NE(tcp.output().find("osc: k.value = 0.75"), std::string::npos) << tcp.output();
}

// OSC messages enter the graph as events: a MIDI message (oscsend's `m`
// type) and a raw MIDI 2.0 UMP packet reach an event_log through an
// osc_events node; a bundle puts its event on the timetag's sample.
TEST(OscInterop, OscMessagesEnterTheGraphAsEvents) {
  test::TempDir tmp;
  const int port = test_port(5);
  std::ofstream(tmp.path("e.yaml")) << "nodes:\n  ev: {type: osc_events}\n"
                                       "  log: {type: event_log, params: {path: ev.log}}\n"
                                       "connections:\n  - ev.midi -> log.midi\n";
  test::ChildProcess p(
      kBinary + " run " + tmp.path("e.yaml") + " --osc udp:" + std::to_string(port) + " --duration 2s < /dev/null",
      tmp.path("run.out"));
  for (int i = 0; i < 100 && test::read_text(tmp.path("run.out")).find("OSC on") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(oscsend(port, "/events/ev m 00903c64"), 0);
  ASSERT_EQ(oscsend(port, "/events/ev ii 1083194368 -65536"), 0);  // 0x40903C00 0xFFFF0000: MIDI 2.0 note on
  ASSERT_EQ(oscsend(port, "/events/ev i 1611661312"), 0);          // 0x60...: a reserved type, refused
  lo_address to = lo_address_new("localhost", std::to_string(port).c_str());
  lo_timetag now;
  lo_timetag_now(&now);
  now.sec += 1;  // a second ahead
  lo_bundle b = lo_bundle_new(now);
  lo_message m = lo_message_new();
  lo_message_add_int32(m, 0x20803C40);
  lo_bundle_add_message(b, "/events/ev", m);
  ASSERT_GT(lo_send_bundle(to, b), 0);
  lo_bundle_free_recursive(b);
  lo_address_free(to);
  ASSERT_EQ(p.wait_for_exit(30), std::optional<int>(0)) << test::read_text(tmp.path("run.out"));
  const std::string log = test::read_text(tmp.path("ev.log"));
  EXPECT_NE(log.find(" 20903c64\n"), std::string::npos) << log;
  EXPECT_NE(log.find(" 40903c00 ffff0000\n"), std::string::npos) << log;
  EXPECT_NE(log.find(" 20803c40\n"), std::string::npos) << log;
  EXPECT_EQ(log.find("6010"), std::string::npos) << log;
  EXPECT_NE(test::read_text(tmp.path("run.out")).find("1 rejected"), std::string::npos)
      << test::read_text(tmp.path("run.out"));
  // The scheduled one sits a second after the moment it was sent, which was
  // a little after the other messages arrived.
  std::istringstream lines(log);
  std::string line;
  std::vector<long long> times;
  while (std::getline(lines, line)) {
    if (!line.empty() && line[0] != '#') times.push_back(std::stoll(line));
  }
  ASSERT_EQ(times.size(), 3u) << log;
  EXPECT_GT(times[2] - times[1], 48000) << log;
  EXPECT_LT(times[2] - times[1], 48000 + 9600) << log;  // sent up to 200 ms after the others
}

}  // namespace
}  // namespace ac
