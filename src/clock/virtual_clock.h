#pragma once
// The PTP time this node believes in, as an offset and a frequency over a
// local monotonic clock (CLOCK_MONOTONIC_RAW: never slewed by NTP). The
// servo steps it and sets its frequency; the system clock is never touched,
// so no privilege is needed. Readers on any thread (the audio thread
// turning block starts into PTP time) take a consistent snapshot without
// locks; there is one writer (the PTP thread).
#include <atomic>
#include <cstdint>
#include <optional>

#include "core/clock_time.h"

namespace ac {

class VirtualClock {
 public:
  // [writer] PTP time `ptp` at local time `local`, running at the local
  // rate.
  void set(LocalNanos local, PtpNanos ptp) noexcept;
  // [writer] Moves PTP time by `delta_ns` from `local` on.
  void step(LocalNanos local, int64_t delta_ns) noexcept;
  // [writer] From `local` on, PTP time runs `ppb` parts per billion
  // faster than the local clock (negative: slower).
  void set_frequency(LocalNanos local, double ppb) noexcept;

  // [any] PTP time at local time `local` (none before set()).
  std::optional<PtpNanos> to_ptp(LocalNanos local) const noexcept;
  // [any] Local time at which PTP time reads `ptp` (none before set()).
  std::optional<LocalNanos> to_local(PtpNanos ptp) const noexcept;
  double frequency_ppb() const noexcept;

  // [any] CLOCK_MONOTONIC_RAW now.
  static LocalNanos local_now() noexcept;
  // [any] CLOCK_REALTIME now.
  static RealtimeNanos realtime_now() noexcept;

  // [any] The raw clock and the system clock (CLOCK_REALTIME, which
  // software time stamps use) at one instant: the raw clock read between
  // two system clock reads, against their midpoint; of a few tries, the one
  // whose reads were closest together, so that an interrupt or preemption
  // between two reads (microseconds) does not become an error in time.
  struct Pair {
    LocalNanos local;
    RealtimeNanos realtime;
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
