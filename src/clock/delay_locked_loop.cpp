#include "clock/delay_locked_loop.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ac {

void DelayLockedLoop::reset(double now, double nominal_period, double bandwidth_hz) noexcept {
  nominal_ = nominal_period;
  set_bandwidth(bandwidth_hz);
  period_ = nominal_period;
  previous_ = now;
  next_ = now + nominal_period;
  updates_ = 0;
}

void DelayLockedLoop::set_bandwidth(double bandwidth_hz) noexcept {
  // Critically damped second-order loop: omega = 2 pi B T, b = sqrt(2) omega,
  // c = omega^2.
  const double omega = 2.0 * std::numbers::pi * bandwidth_hz * nominal_;
  b_ = std::numbers::sqrt2 * omega;
  c_ = omega * omega;
}

void DelayLockedLoop::update(double now) noexcept {
  // A callback far off the predicted time is scheduler noise, not drift:
  // limit its pull to a quarter period so one stall cannot yank the loop.
  const double limit = 0.25 * nominal_;
  const double error = std::clamp(now - next_, -limit, limit);
  previous_ = next_;
  next_ += b_ * error + period_;
  period_ += c_ * error;
  ++updates_;
}

}  // namespace ac
