#pragma once
// What a grandmaster holds its time to. With software time stamps the only
// reference is the system clock (as for ptp4l): the served PTP time is the
// system clock plus an offset, kept by a servo. Which offset depends on how
// the port came to be master (pure code, tested without sockets):
//  - from the start: the announced timescale from the system clock — TAI
//    (UTC + currentUtcOffset) on the PTP timescale, UTC itself on an
//    arbitrary one;
//  - after following a grandmaster: the time it was serving goes on, on
//    whatever timescale that one served; the offset is the one measured at
//    the hand-over, so the time does not step.
#include <cstdint>

#include "core/clock_time.h"

namespace ac {

class MasterReference {
 public:
  // [ptp thread] The port became master when the served time read `ptp` and
  // the system clock `realtime`.
  void start(PtpNanos ptp, RealtimeNanos realtime, bool followed_grandmaster, bool ptp_timescale,
             int16_t utc_offset) noexcept {
    offset_ns_ = followed_grandmaster ? ptp.ns - realtime.ns : (ptp_timescale ? int64_t{utc_offset} * 1000000000 : 0);
  }
  // [ptp thread] How far the served time is from where the reference puts
  // it (the servo's input).
  int64_t error(PtpNanos ptp, RealtimeNanos realtime) const noexcept { return ptp.ns - (realtime.ns + offset_ns_); }
  int64_t offset_ns() const noexcept { return offset_ns_; }

 private:
  int64_t offset_ns_ = 0;
};

}  // namespace ac
