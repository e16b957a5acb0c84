// Against a real jackd (dummy backend, no real-time priority), started and
// always stopped by the test: two audiocloud clients, one playing a sine to
// its JACK output, one recording its JACK input, joined with jack_connect.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <fstream>
#include <numbers>
#include <sstream>
#include <thread>

#include "child_process.h"
#include "dsp/sound_file.h"
#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

const std::string kBinary = AUDIOCLOUD_BINARY;

class JackServer {
 public:
  explicit JackServer(const test::TempDir& tmp)
      : cleaned_(clean_stale_registry()),
        name_("actest" + std::to_string(getpid())),
        env_("JACK_NO_START_SERVER=1 JACK_DEFAULT_SERVER=" + name_ + " "),
        jackd_("JACK_NO_START_SERVER=1 jackd -n " + name_ + " --no-realtime -d dummy -r 48000 -p 64 -C 2 -P 2",
               tmp.path("jackd.log")) {
    const auto r = test::run_command(env_ + "timeout 10 jack_wait -w -t 10");
    ready_ = r.output.find("server is available") != std::string::npos;
  }
  // A stopped server unregisters; SIGKILL would leave it in JACK's registry,
  // which holds only a few servers.
  ~JackServer() {
    jackd_.signal(SIGTERM);
    if (!jackd_.wait_for_exit(5.0)) jackd_.signal(SIGKILL);
  }
  bool ready() const { return ready_; }
  const std::string& env() const { return env_; }
  test::ChildProcess& process() { return jackd_; }
  // Waits (bounded) until `port` exists.
  bool wait_for_port(const std::string& port) {
    for (int i = 0; i < 100; ++i) {
      if (test::run_command(env_ + "jack_lsp").output.find(port) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  // Entries left by servers that died without unregistering (crashes,
  // SIGKILL) fill JACK's registry; with no jackd running they are all stale.
  static bool clean_stale_registry() {
    if (test::run_command("pgrep -x jackd").exit_code == 0) return false;
    return test::run_command("rm -f /dev/shm/jack-shm-registry /dev/shm/jack_actest* /dev/shm/jack-0-*").exit_code == 0;
  }

  bool cleaned_;
  std::string name_, env_;
  test::ChildProcess jackd_;
  bool ready_ = false;
};

std::string write(const test::TempDir& tmp, const std::string& name, const std::string& text) {
  std::ofstream(tmp.path(name)) << text;
  return tmp.path(name);
}

TEST(JackInterop, SineThroughJackArrivesWhole) {
  test::TempDir tmp;
  JackServer jack(tmp);
  ASSERT_TRUE(jack.ready()) << "jackd did not come up";
  const std::string tx = write(tmp, "tx.yaml",
                               "nodes:\n  s: {type: sine, params: {frequency: 997, level: -6}}\n"
                               "  o: {type: output, channels: 1}\nconnections:\n  - s.out -> o.in\n");
  const std::string rx = write(tmp, "rx.yaml",
                               "nodes:\n  i: {type: input, channels: 1}\n"
                               "  r: {type: file_recorder, channels: 1, params: {path: rx.wav, encoding: float}}\n"
                               "connections:\n  - i.out -> r.in\n");
  test::ChildProcess sender(jack.env() + kBinary + " run " + tx + " --driver jack --name tx --duration 14s < /dev/null",
                            tmp.path("tx.log"));
  test::ChildProcess receiver(
      jack.env() + kBinary + " run " + rx + " --driver jack --name rx --duration 13s < /dev/null", tmp.path("rx.log"));
  ASSERT_TRUE(jack.wait_for_port("tx:out_1"));
  ASSERT_TRUE(jack.wait_for_port("rx:in_1"));
  ASSERT_EQ(test::run_command(jack.env() + "jack_connect tx:out_1 rx:in_1").exit_code, 0);
  ASSERT_EQ(receiver.wait_for_exit(30), std::optional<int>(0));
  ASSERT_EQ(sender.wait_for_exit(30), std::optional<int>(0));

  SoundFileInfo info;
  auto rec = read_sound_file(tmp.path("rx.wav"), &info);
  ASSERT_TRUE(rec) << rec.error().message;
  const std::vector<float>& x = (*rec)[0];
  size_t first = 0;
  while (first < x.size() && x[first] == 0.0f) ++first;
  ASSERT_LT(first + 48000 * 10, x.size()) << "less than 10 s arrived";
  // A continuous sine obeys x[n] = 2 cos(w) x[n-1] - x[n-2]; a lost or
  // repeated period leaves a spike in the residual. Each such break must be
  // one JACK reported to our clients as an xrun (this jackd runs without
  // real-time priority on a shared machine and may miss cycles itself);
  // with no xrun reported the signal must be whole.
  const double w = 2.0 * std::numbers::pi * 997.0 / 48000.0;
  const double k = 2.0 * std::cos(w);
  const size_t end = first + 48000 * 10;
  std::vector<size_t> break_at;
  for (size_t n = first + 2; n < end; ++n) {
    const double r = x[n] - k * x[n - 1] + x[n - 2];
    if (std::fabs(r) > 1e-3) {
      break_at.push_back(n);
      n += 4;  // one break disturbs a few samples
    }
  }
  const int breaks = static_cast<int>(break_at.size());
  auto xruns_in = [&](const std::string& log) {
    std::ifstream in(tmp.path(log));
    std::stringstream t;
    t << in.rdbuf();
    const size_t at = t.str().find(" xruns,");
    if (at == std::string::npos) return -1;
    size_t start = t.str().rfind(' ', at - 1);
    return std::stoi(t.str().substr(start + 1, at - start - 1));
  };
  const int xruns = xruns_in("tx.log") + xruns_in("rx.log");
  EXPECT_LE(breaks, xruns) << breaks << " breaks in 10 s but only " << xruns << " xruns reported";
  // Level and frequency on the longest stretch without a break (connecting
  // ports reorders JACK's graph, which often costs an xrun right there).
  size_t clean_begin = first, clean_end = end, prev = first, longest = 0;
  break_at.push_back(end);
  for (size_t b : break_at) {
    if (b > prev && b - prev > longest) {
      longest = b - prev;
      clean_begin = prev;
      clean_end = b;
    }
    prev = b + 8;
  }
  ASSERT_GE(clean_end - clean_begin, 48000u) << "no clean second to measure";
  float peak = 0;
  std::vector<double> crossings;
  for (size_t n = clean_begin + 1; n < clean_end; ++n) {
    peak = std::max(peak, std::fabs(x[n]));
    if (x[n - 1] < 0.0f && x[n] >= 0.0f) crossings.push_back(static_cast<double>(n - 1) + x[n - 1] / (x[n - 1] - x[n]));
  }
  EXPECT_NEAR(peak, std::pow(10.0, -6.0 / 20.0), 1e-3);
  const double freq = 48000.0 * static_cast<double>(crossings.size() - 1) / (crossings.back() - crossings.front());
  EXPECT_NEAR(freq, 997.0, 0.05);
}

TEST(JackInterop, ServerGoingAwayEndsTheClientWithAnError) {
  test::TempDir tmp;
  JackServer jack(tmp);
  ASSERT_TRUE(jack.ready()) << "jackd did not come up";
  const std::string g = write(
      tmp, "g.yaml", "nodes:\n  s: {type: sine}\n  o: {type: output, channels: 1}\nconnections:\n  - s.out -> o.in\n");
  test::ChildProcess client(jack.env() + kBinary + " run " + g + " --driver jack --name victim < /dev/null",
                            tmp.path("client.log"));
  ASSERT_TRUE(jack.wait_for_port("victim:out_1"));
  jack.process().signal(SIGTERM);  // jackd stopped mid-run
  const auto code = client.wait_for_exit(2.0);
  ASSERT_TRUE(code.has_value()) << "the client did not exit within 2 s of jackd going away";
  EXPECT_NE(*code, 0);
  std::ifstream log(tmp.path("client.log"));
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_NE(text.str().find("the JACK server went away"), std::string::npos) << text.str();
}

}  // namespace
}  // namespace ac
