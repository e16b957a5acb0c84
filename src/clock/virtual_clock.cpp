#include "clock/virtual_clock.h"

#include <time.h>

#include <climits>
#include <cmath>

namespace ac {

namespace {

int64_t read_ns(clockid_t id) {
  timespec t{};
  clock_gettime(id, &t);
  return int64_t{t.tv_sec} * 1000000000 + t.tv_nsec;
}

}  // namespace

LocalNanos VirtualClock::local_now() noexcept {
  return LocalNanos{read_ns(CLOCK_MONOTONIC_RAW)};
}

RealtimeNanos VirtualClock::realtime_now() noexcept {
  return RealtimeNanos{read_ns(CLOCK_REALTIME)};
}

VirtualClock::Pair VirtualClock::local_and_realtime() noexcept {
  Pair best;
  int64_t best_window = INT64_MAX;
  for (int i = 0; i < 5; ++i) {
    const int64_t r1 = read_ns(CLOCK_REALTIME);
    const int64_t raw = read_ns(CLOCK_MONOTONIC_RAW);
    const int64_t r2 = read_ns(CLOCK_REALTIME);
    if (r2 - r1 < best_window) {
      best_window = r2 - r1;
      best = Pair{LocalNanos{raw}, RealtimeNanos{r1 + (r2 - r1) / 2}};
    }
  }
  return best;
}

int64_t VirtualClock::at(const Model& m, int64_t local_ns) noexcept {
  const auto dt = static_cast<double>(local_ns - m.base_local);
  return m.base_ptp + (local_ns - m.base_local) + static_cast<int64_t>(std::llround(dt * m.ppb * 1e-9));
}

void VirtualClock::store(const Model& m) noexcept {
  writer_ = m;
  // A sequence lock without fences (which TSan cannot follow): the data
  // stores release the odd count before them, the reader's data loads
  // acquire it.
  const uint32_t s = seq_.load(std::memory_order_relaxed);
  seq_.store(s + 1, std::memory_order_relaxed);
  base_local_.store(m.base_local, std::memory_order_release);
  base_ptp_.store(m.base_ptp, std::memory_order_release);
  ppb_.store(m.ppb, std::memory_order_release);
  valid_.store(m.valid, std::memory_order_release);
  seq_.store(s + 2, std::memory_order_release);
}

VirtualClock::Model VirtualClock::load() const noexcept {
  for (;;) {
    const uint32_t s1 = seq_.load(std::memory_order_acquire);
    if (s1 & 1u) continue;
    Model m;
    m.base_local = base_local_.load(std::memory_order_acquire);
    m.base_ptp = base_ptp_.load(std::memory_order_acquire);
    m.ppb = ppb_.load(std::memory_order_acquire);
    m.valid = valid_.load(std::memory_order_acquire);
    if (seq_.load(std::memory_order_relaxed) == s1) return m;
  }
}

void VirtualClock::set(LocalNanos local, PtpNanos ptp) noexcept {
  Model m = writer_;
  m.base_local = local.ns;
  m.base_ptp = ptp.ns;
  m.valid = true;
  store(m);
}

void VirtualClock::step(LocalNanos local, int64_t delta_ns) noexcept {
  Model m = writer_;
  m.base_ptp = at(m, local.ns) + delta_ns;
  m.base_local = local.ns;
  store(m);
}

void VirtualClock::set_frequency(LocalNanos local, double ppb) noexcept {
  Model m = writer_;
  m.base_ptp = at(m, local.ns);  // rebase: no jump in time
  m.base_local = local.ns;
  m.ppb = ppb;
  store(m);
}

std::optional<PtpNanos> VirtualClock::to_ptp(LocalNanos local) const noexcept {
  const Model m = load();
  if (!m.valid) return std::nullopt;
  return PtpNanos{at(m, local.ns)};
}

std::optional<LocalNanos> VirtualClock::to_local(PtpNanos ptp) const noexcept {
  const Model m = load();
  if (!m.valid) return std::nullopt;
  const auto d = static_cast<double>(ptp.ns - m.base_ptp) / (1.0 + m.ppb * 1e-9);
  return LocalNanos{m.base_local + static_cast<int64_t>(std::llround(d))};
}

double VirtualClock::frequency_ppb() const noexcept {
  return load().ppb;
}

}  // namespace ac
