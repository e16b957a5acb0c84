#pragma once
// The PTP time this node believes in, as an offset and a frequency over a
// local monotonic clock (CLOCK_MONOTONIC_RAW: never slewed by NTP). The
// servo steps it and sets its frequency; the system clock is never touched,
// so no privilege is needed. Readers on any thread (the audio thread
// turning block starts into PTP time) take a consistent snapshot without
// locks; there is one writer (the PTP thread).
#include <atomic>
#include <cstdint>

namespace ac {

class VirtualClock {
 public:
  // [writer] PTP time `ptp_ns` at local time `local_ns`, running at the
  // local rate.
  void set(int64_t local_ns, int64_t ptp_ns) noexcept;
  // [writer] Moves PTP time by `delta_ns` from `local_ns` on.
  void step(int64_t local_ns, int64_t delta_ns) noexcept;
  // [writer] From `local_ns` on, PTP time runs `ppb` parts per billion
  // faster than the local clock (negative: slower).
  void set_frequency(int64_t local_ns, double ppb) noexcept;

  // [any] PTP time at local time `local_ns` (false before set()).
  bool to_ptp(int64_t local_ns, int64_t& ptp_ns) const noexcept;
  // [any] Local time at which PTP time reads `ptp_ns`.
  bool to_local(int64_t ptp_ns, int64_t& local_ns) const noexcept;
  double frequency_ppb() const noexcept;

  // [any] CLOCK_MONOTONIC_RAW now, in ns.
  static int64_t local_now() noexcept;

  // [any] The raw clock and the system clock (CLOCK_REALTIME, which
  // software time stamps use) at one instant: the raw clock read between
  // two system clock reads, against their midpoint; of a few tries, the one
  // whose reads were closest together, so that an interrupt or preemption
  // between two reads (microseconds) does not become an error in time.
  struct Pair {
    int64_t local_ns = 0;
    int64_t realtime_ns = 0;
  };
  static Pair local_and_realtime() noexcept;

 private:
  struct Model {
    int64_t base_local = 0, base_ptp = 0;
    double ppb = 0.0;
    bool valid = false;
  };
  Model load() const noexcept;
  void store(const Model& m) noexcept;
  static int64_t at(const Model& m, int64_t local_ns) noexcept;

  Model writer_;  // the writer's own copy
  std::atomic<uint32_t> seq_{0};
  std::atomic<int64_t> base_local_{0}, base_ptp_{0};
  std::atomic<double> ppb_{0.0};
  std::atomic<bool> valid_{false};
};

}  // namespace ac
