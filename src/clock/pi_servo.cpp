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
  collected_ = 0;
  locked_once_ = false;
  locked_samples_ = 0;
  outliers_in_row_ = 0;
}

bool PiServo::outlier(int64_t offset) {
  const auto o = static_cast<double>(offset);
  // The first samples after locking teach the loop what normal looks like.
  constexpr int kLearnSamples = 16;
  constexpr double kWeight = 1.0 / 16.0;
  const double limit =
      std::max(static_cast<double>(options_.outlier_floor_ns), options_.outlier_factor * std::sqrt(mean_square_));
  if (locked_samples_ >= kLearnSamples && std::fabs(o) > limit && outliers_in_row_ + 1 < options_.outlier_run) {
    ++outliers_in_row_;
    ++outliers_;
    return true;
  }
  // Believed after a run of outliers: the offsets really moved, and what
  // is normal starts again from this one.
  const bool moved = std::fabs(o) > limit && outliers_in_row_ + 1 >= options_.outlier_run;
  outliers_in_row_ = 0;
  mean_square_ = locked_samples_ == 0 || moved ? o * o : mean_square_ + kWeight * (o * o - mean_square_);
  ++locked_samples_;
  return false;
}

double PiServo::sample(int64_t offset, LocalNanos local) {
  const double max = options_.max_frequency_ppb;
  last_outlier_ = false;
  if (!locked_once_) {
    if (collected_ == 0) {
      local0_ = local;
      sum_t_ = sum_o_ = sum_tt_ = sum_to_ = last_t_ = 0.0;
    }
    const double t = static_cast<double>(local - local0_) * 1e-9;
    if (collected_ > 0 && t <= last_t_) return drift_;  // no time passed
    const auto o = static_cast<double>(offset);
    ++collected_;
    sum_t_ += t;
    sum_o_ += o;
    sum_tt_ += t * t;
    sum_to_ += t * o;
    last_t_ = t;
    // Relocking (a new grandmaster, a reset) with the frequency already
    // found: two samples place the clock; their slope would only add
    // jitter to a frequency that is known.
    const double needed = frequency_known_ ? 0.0 : options_.frequency_estimate_seconds;
    if (collected_ < 2 || t < needed) {
      state_ = ServoState::unlocked;
      return drift_;
    }
    // The frequency error is the line's slope (ns per s = ppb); the offset
    // now is the line at this sample's time, which averages the jitter out
    // of the step as well.
    const double n = collected_;
    const double slope = frequency_known_ ? 0.0 : (n * sum_to_ - sum_t_ * sum_o_) / (n * sum_tt_ - sum_t_ * sum_t_);
    const double intercept = (sum_o_ - slope * sum_t_) / n;
    const auto now_offset = static_cast<int64_t>(std::llround(intercept + slope * t));
    drift_ = std::clamp(drift_ + slope, -max, max);
    frequency_known_ = true;
    const bool step = options_.first_step_threshold_ns > 0 && std::llabs(now_offset) > options_.first_step_threshold_ns;
    step_ns_ = now_offset;
    state_ = step ? ServoState::jump : ServoState::locked;
    locked_once_ = true;
    last_ppb_ = drift_;
    return drift_;
  }
  if (options_.step_threshold_ns > 0 && std::llabs(offset) > options_.step_threshold_ns) {
    // Too far off to slew: start over (the next samples step it).
    reset();
    return drift_;
  }
  state_ = ServoState::locked;
  if (outlier(offset)) {
    last_outlier_ = true;
    return last_ppb_;
  }
  const double ki_term = ki_ * static_cast<double>(offset);
  const double ppb = std::clamp(kp_ * static_cast<double>(offset) + drift_ + ki_term, -max, max);
  drift_ = std::clamp(drift_ + ki_term, -max, max);
  last_ppb_ = ppb;
  return ppb;
}

}  // namespace ac
