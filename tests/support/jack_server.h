#pragma once
// A real jackd for tests (dummy backend, no real-time priority, a server
// name of its own), started and always stopped by the test; and checks of
// what arrived through it.
#include <string>
#include <vector>

#include "child_process.h"
#include "render_helpers.h"

namespace ac::test {

struct JackServerOptions {
  // jackd and its clients' threads at SCHED_FIFO (the test runs as root).
  // The dummy backend sleeps a period after each cycle, so without it a
  // loaded machine slows JACK's clock by up to a percent.
  bool realtime = false;
  // jackd -S, where the server waits for the whole graph each cycle. In
  // jackd2's default asynchronous mode a client that ends a cycle late
  // hands its output to the clients after it in the next cycle, a period
  // late (measured: 1-2 of ~80 MIDI events under load; none of 575 with -S
  // under the same load).
  bool synchronous = false;
  unsigned period = 64;  // frames
};

class JackServer {
 public:
  explicit JackServer(const TempDir& tmp, JackServerOptions options = {});
  // A stopped server unregisters; SIGKILL would leave it in JACK's registry,
  // which holds only a few servers.
  ~JackServer();
  bool ready() const { return ready_; }
  const std::string& env() const { return env_; }
  ChildProcess& process() { return jackd_; }
  // Waits (bounded) until `port` exists.
  bool wait_for_port(const std::string& port);

 private:
  // Entries left by servers that died without unregistering (crashes,
  // SIGKILL) fill JACK's registry; with no jackd running they are all stale.
  static bool clean_stale_registry();

  bool cleaned_;
  std::string name_, env_;
  ChildProcess jackd_;
  bool ready_ = false;
};

// A continuous sine at `freq` Hz (48 kHz) obeys x[n] = 2 cos(w) x[n-1] -
// x[n-2]; a lost or repeated sample leaves a spike in the residual. Where
// it breaks, in [begin, end).
std::vector<size_t> sine_breaks(const std::vector<float>& x, size_t begin, size_t end, double freq);

// The longest stretch of [begin, end) between `breaks` (sorted), and the
// sine's peak and frequency (from its rising zero crossings) on it.
struct SineStretch {
  size_t begin = 0, end = 0;
  float peak = 0.0f;
  double frequency = 0.0;
};
SineStretch longest_clean_stretch(const std::vector<float>& x, const std::vector<size_t>& breaks, size_t begin,
                                  size_t end);

// Breaks an xrun can leave in a recording made by `audiocloud run`: cycles
// JACK skipped leave a gap in the timeline, which the recorder fills with
// silence to keep every later sample at its time; the gap's two edges each
// break the sine.
constexpr int kBreaksPerXrun = 2;

// The xrun count `audiocloud run` printed when it stopped (-1: none found).
int xruns_in(const std::string& log_path);

}  // namespace ac::test
