#pragma once
// The clock servo: a PI controller on the measured offset from the master,
// with first-step and step thresholds, built as linuxptp's `pi` servo is
// (gains normalised to the sync interval, first frequency estimate from two
// samples). Feed it each offset with the local time it was measured at; it
// answers with a frequency correction and, when the offset is too large to
// slew, a step. Pure code.
//
// The default gains are larger than linuxptp's for software time stamps
// (kp 0.1, ki 0.001 scale): at AES67's 8 syncs a second the first estimate
// is a few ppm off from time stamp jitter alone, and those gains take about
// 100 s to correct it (pi_servo_test simulates it). 0.3 and 0.03 settle in
// seconds with less error under 1 and 5 µs of jitter.
#include <cstdint>

namespace ac {

struct PiServoOptions {
  double sync_interval = 0.125;                                  // seconds between samples (AES67: 2^-3)
  double kp_scale = 0.3, kp_exponent = -0.3, kp_norm_max = 0.7;  // exponents and caps: linuxptp's
  double ki_scale = 0.03, ki_exponent = 0.4, ki_norm_max = 0.3;
  int64_t first_step_threshold_ns = 20000;  // step on locking if further off than this
  int64_t step_threshold_ns = 0;            // step later too if further off (0: never, slew only)
  double max_frequency_ppb = 900000000.0;
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
  // time `local_ns`. Returns how fast the local clock runs against the
  // master as the controller sees it, in parts per billion: the clock must
  // be slowed by that much (adjust its frequency by the negative), as
  // linuxptp applies its servo's output. In state jump, also step the clock
  // by -offset first.
  double sample(int64_t offset_ns, int64_t local_ns);
  ServoState state() const { return state_; }
  double kp() const { return kp_; }
  double ki() const { return ki_; }
  double drift_ppb() const { return drift_; }  // the integral: the estimated frequency error
  // [any] Starts over (unlocked), keeping the frequency found so far.
  void reset();

 private:
  PiServoOptions options_;
  double kp_, ki_;
  ServoState state_ = ServoState::unlocked;
  int count_ = 0;
  int64_t offset0_ = 0, local0_ = 0;
  double drift_ = 0.0;
};

}  // namespace ac
