#pragma once
// A second-order delay-locked loop that estimates a device's real period
// (and so its real sample rate) from the times its callbacks arrive, after
// Fons Adriaensen, "Using a DLL to filter time" (2005). The callback times
// jitter by the scheduler's whims; the loop filters them into a smooth
// time line whose slope is the device's period on the reference clock.
// Pure arithmetic: no clock reads, no allocation; the caller supplies times.
namespace ac {

class DelayLockedLoop {
 public:
  // [control] Starts the loop at a callback seen at `now` (seconds on the
  // reference clock), expecting callbacks every `nominal_period` seconds,
  // with loop bandwidth `bandwidth_hz` (wide to lock fast, narrow to be
  // smooth: see set_bandwidth()).
  void reset(double now, double nominal_period, double bandwidth_hz) noexcept;

  // [audio] The next callback arrived at `now`. Its deviation from the
  // prediction is limited to a quarter of the nominal period.
  void update(double now) noexcept;

  // [audio] `count` callbacks were lost (a device xrun): move the expected
  // time on by that many periods before the next update.
  void skip(unsigned long long count) noexcept { next_ += static_cast<double>(count) * period_; }

  // [any] Narrows or widens the loop (e.g. 1 Hz to lock, then 0.05 Hz).
  void set_bandwidth(double bandwidth_hz) noexcept;

  double period() const noexcept { return period_; }           // filtered, seconds
  double next_time() const noexcept { return next_; }          // predicted next callback
  double previous_time() const noexcept { return previous_; }  // filtered time of the last one
  unsigned long long updates() const noexcept { return updates_; }

 private:
  double nominal_ = 0.0;
  double b_ = 0.0, c_ = 0.0;  // loop coefficients
  double previous_ = 0.0, next_ = 0.0, period_ = 0.0;
  unsigned long long updates_ = 0;
};

}  // namespace ac
