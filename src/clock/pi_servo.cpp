#include "clock/pi_servo.h"

#include <algorithm>
#include <cmath>

namespace ac {

PiServo::PiServo(const PiServoOptions& o) : options_(o) {
  // Gains normalised to the sync interval, capped, as linuxptp computes them.
  kp_ = std::min(o.kp_scale * std::pow(o.sync_interval, o.kp_exponent), o.kp_norm_max / o.sync_interval);
  ki_ = std::min(o.ki_scale * std::pow(o.sync_interval, o.ki_exponent), o.ki_norm_max / o.sync_interval);
}

void PiServo::reset() {
  // The frequency found so far stays: the clock keeps running at it while
  // the servo starts over (as linuxptp's pi_reset does).
  state_ = ServoState::unlocked;
  count_ = 0;
}

double PiServo::sample(int64_t offset, int64_t local) {
  const double max = options_.max_frequency_ppb;
  switch (count_) {
    case 0:
      offset0_ = offset;
      local0_ = local;
      count_ = 1;
      state_ = ServoState::unlocked;
      return drift_;
    case 1: {
      if (local <= local0_) {  // no time passed: start again
        offset0_ = offset;
        local0_ = local;
        return drift_;
      }
      // The frequency error from two offsets; then lock, stepping first if
      // the offset is large.
      drift_ += 1e9 * static_cast<double>(offset - offset0_) / static_cast<double>(local - local0_);
      drift_ = std::clamp(drift_, -max, max);
      const bool step = options_.first_step_threshold_ns > 0 && std::llabs(offset) > options_.first_step_threshold_ns;
      state_ = step ? ServoState::jump : ServoState::locked;
      count_ = 2;
      return drift_;
    }
    default:
      break;
  }
  if (options_.step_threshold_ns > 0 && std::llabs(offset) > options_.step_threshold_ns) {
    // Too far off to slew: start over (the next samples step it).
    reset();
    return drift_;
  }
  state_ = ServoState::locked;
  const double ki_term = ki_ * static_cast<double>(offset);
  const double ppb = std::clamp(kp_ * static_cast<double>(offset) + drift_ + ki_term, -max, max);
  drift_ = std::clamp(drift_ + ki_term, -max, max);
  return ppb;
}

}  // namespace ac
