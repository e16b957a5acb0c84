#include "jack_server.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <numbers>
#include <thread>

#include "run_command.h"

namespace ac::test {

JackServer::JackServer(const TempDir& tmp, JackServerOptions options)
    : cleaned_(clean_stale_registry()),
      name_("actest" + std::to_string(getpid())),
      env_("JACK_NO_START_SERVER=1 JACK_DEFAULT_SERVER=" + name_ + " "),
      jackd_("JACK_NO_START_SERVER=1 jackd -n " + name_ + (options.realtime ? " -R -P 80" : " --no-realtime") +
                 (options.synchronous ? " -S" : "") + " -d dummy -r 48000 -p " + std::to_string(options.period) +
                 " -C 2 -P 2",
             tmp.path("jackd.log")) {
  const auto r = run_command(env_ + "timeout 10 jack_wait -w -t 10");
  ready_ = r.output.find("server is available") != std::string::npos;
}

JackServer::~JackServer() {
  jackd_.signal(SIGTERM);
  if (!jackd_.wait_for_exit(5.0)) jackd_.signal(SIGKILL);
}

bool JackServer::wait_for_port(const std::string& port) {
  for (int i = 0; i < 100; ++i) {
    if (run_command(env_ + "jack_lsp").output.find(port) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

bool JackServer::clean_stale_registry() {
  if (run_command("pgrep -x jackd").exit_code == 0) return false;
  return run_command("rm -f /dev/shm/jack-shm-registry /dev/shm/jack_actest* /dev/shm/jack-0-*").exit_code == 0;
}

std::vector<size_t> sine_breaks(const std::vector<float>& x, size_t begin, size_t end, double freq) {
  const double k = 2.0 * std::cos(2.0 * std::numbers::pi * freq / 48000.0);
  std::vector<size_t> at;
  for (size_t n = begin + 2; n < end; ++n) {
    const double r = x[n] - k * x[n - 1] + x[n - 2];
    if (std::fabs(r) > 1e-3) {
      at.push_back(n);
      n += 4;  // one break disturbs a few samples
    }
  }
  return at;
}

int xruns_in(const std::string& log_path) {
  const std::string t = read_text(log_path);
  const size_t at = t.find(" xruns,");
  if (at == std::string::npos) return -1;
  size_t start = t.rfind(' ', at - 1);
  return std::stoi(t.substr(start + 1, at - start - 1));
}

SineStretch longest_clean_stretch(const std::vector<float>& x, const std::vector<size_t>& breaks, size_t begin,
                                  size_t end) {
  SineStretch s{begin, begin};
  size_t prev = begin;
  std::vector<size_t> edges = breaks;
  edges.push_back(end);
  for (size_t b : edges) {
    if (b > prev && b - prev > s.end - s.begin) {
      s.begin = prev;
      s.end = b;
    }
    prev = b + 8;  // a break disturbs a few samples
  }
  std::vector<double> crossings;
  for (size_t n = s.begin + 1; n < s.end; ++n) {
    s.peak = std::max(s.peak, std::fabs(x[n]));
    if (x[n - 1] < 0.0f && x[n] >= 0.0f) crossings.push_back(static_cast<double>(n - 1) + x[n - 1] / (x[n - 1] - x[n]));
  }
  if (crossings.size() > 1)
    s.frequency = 48000.0 * static_cast<double>(crossings.size() - 1) / (crossings.back() - crossings.front());
  return s;
}

}  // namespace ac::test
