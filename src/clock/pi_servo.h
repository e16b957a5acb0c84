#pragma once
// The clock servo: a PI controller on the measured offset from the master,
// with first-step and step thresholds, built as linuxptp's `pi` servo is
// (gains normalised to the sync interval), with two differences for
// software time stamps at high sync rates: the first frequency estimate is
// a least-squares fit over a couple of seconds rather than two samples, and
// once locked, single outliers are left out. Feed it each offset with the
// local time it was measured at; it answers with a frequency correction
// and, when the offset is too large to slew, a step. Pure code.
//
// The default gains are larger than linuxptp's for software time stamps
// (kp 0.1, ki 0.001 scale): at AES67's 8 syncs a second the first estimate
// is a few ppm off from time stamp jitter alone, and those gains take about
// 100 s to correct it (pi_servo_test simulates it). 0.3 and 0.03 settle in
// seconds with less error under 1 and 5 µs of jitter.
#include <cstdint>

#include "core/clock_time.h"

namespace ac {

struct PiServoOptions {
  double sync_interval = 0.125;                                  // seconds between samples (AES67: 2^-3)
  double kp_scale = 0.3, kp_exponent = -0.3, kp_norm_max = 0.7;  // exponents and caps: linuxptp's
  double ki_scale = 0.03, ki_exponent = 0.4, ki_norm_max = 0.3;
  int64_t first_step_threshold_ns = 20000;  // step on locking if further off than this
  int64_t step_threshold_ns = 0;            // step later too if further off (0: never, slew only)
  double max_frequency_ppb = 900000000.0;
  // Before locking, offsets are collected for this long and the frequency
  // error is their least-squares slope. Two samples (linuxptp's way) are
  // 125 ms apart at AES67's rate: 1 µs of time stamp jitter is then 8 ppm
  // of error, which the loop takes seconds and microseconds to undo; 2 s of
  // samples bring it to a fraction of a ppm. Only the first lock waits for
  // them: after a reset the frequency is known.
  double frequency_estimate_seconds = 2.0;
  // Once locked, an offset further from zero than both outlier_floor_ns
  // and outlier_factor times the recent RMS offset is one late time stamp
  // (a packet held up in a queue or a softirq): it is left out rather than
  // let it pull the clock by tens of microseconds. outlier_run such in a row
  // are believed (the master or the path really changed).
  double outlier_factor = 5.0;
  int64_t outlier_floor_ns = 10000;
  int outlier_run = 8;
};

enum class ServoState : uint8_t {
  unlocked,  // collecting the first samples
  jump,      // the caller must step the clock by -offset, then it is locked
  locked,
};

class PiServo {
 public:
  explicit PiServo(const PiServoOptions& options = {});

  // [any] One offset measurement (local minus master, ns) taken at local
  // time `local`. Returns how fast the local clock runs against the
  // master as the controller sees it, in parts per billion: the clock must
  // be slowed by that much (adjust its frequency by the negative), as
  // linuxptp applies its servo's output. In state jump, also step the clock
  // by -offset first.
  double sample(int64_t offset_ns, LocalNanos local);
  ServoState state() const { return state_; }
  double kp() const { return kp_; }
  double ki() const { return ki_; }
  double drift_ppb() const { return drift_; }  // the integral: the estimated frequency error
  // In state jump: how far to step the clock back (the offset the first
  // estimate puts it at now).
  int64_t step_ns() const { return step_ns_; }
  // Whether the latest sample was left out as an outlier, and how many were.
  bool last_was_outlier() const { return last_outlier_; }
  uint64_t outliers() const { return outliers_; }
  // [any] Starts over (unlocked), keeping the frequency found so far: the
  // next lock takes two samples, not a new estimate.
  void reset();

 private:
  PiServoOptions options_;
  double kp_, ki_;
  // Returns whether `offset` is an outlier to leave out (locked only).
  bool outlier(int64_t offset);

  ServoState state_ = ServoState::unlocked;
  // Collecting (unlocked): sums for the least-squares line through the
  // offsets, times in seconds from the first one.
  int collected_ = 0;
  LocalNanos local0_;
  double sum_t_ = 0, sum_o_ = 0, sum_tt_ = 0, sum_to_ = 0, last_t_ = 0;
  bool locked_once_ = false;      // since the last reset
  bool frequency_known_ = false;  // kept across resets
  int64_t step_ns_ = 0;
  double drift_ = 0.0;
  double last_ppb_ = 0.0;
  // Locked: the recent mean square offset of accepted samples, how many
  // have been seen, and the outliers.
  double mean_square_ = 0.0;
  int locked_samples_ = 0;
  int outliers_in_row_ = 0;
  bool last_outlier_ = false;
  uint64_t outliers_ = 0;
};

}  // namespace ac
