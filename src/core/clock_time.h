#pragma once
// Instants on the clocks a node reads, as distinct types that never mix
// silently (in the spirit of linuxptp's tmv_t): nanoseconds of PTP time,
// of the local monotonic raw clock that time stamps are taken on, and of
// the system clock. An instant plus or minus a duration (plain int64_t
// nanoseconds) is an instant of the same clock; two instants of the same
// clock differ by a duration; instants of different clocks cannot be added,
// subtracted or compared — going from one clock to another is a conversion
// with a name (VirtualClock::to_ptp, to_local).
#include <compare>
#include <cstdint>

namespace ac {

template <class Clock>
struct ClockTime {
  int64_t ns = 0;

  constexpr ClockTime() = default;
  constexpr explicit ClockTime(int64_t n) : ns(n) {}
  constexpr auto operator<=>(const ClockTime&) const = default;
  constexpr ClockTime operator+(int64_t d) const { return ClockTime{ns + d}; }
  constexpr ClockTime operator-(int64_t d) const { return ClockTime{ns - d}; }
  constexpr int64_t operator-(ClockTime o) const { return ns - o.ns; }
  constexpr ClockTime& operator+=(int64_t d) {
    ns += d;
    return *this;
  }
};

struct PtpClockTag {};
struct LocalClockTag {};
struct RealtimeClockTag {};

// PTP time: nanoseconds since the PTP epoch on the domain's timescale (TAI
// for a PTP timescale, arbitrary otherwise).
using PtpNanos = ClockTime<PtpClockTag>;
// This machine's CLOCK_MONOTONIC_RAW: never slewed, what time stamps are
// taken on and what VirtualClock maps to PTP time.
using LocalNanos = ClockTime<LocalClockTag>;
// The system clock, CLOCK_REALTIME (UTC): the timescale of OSC timetags
// and of software time stamps as the kernel reports them.
using RealtimeNanos = ClockTime<RealtimeClockTag>;

}  // namespace ac
