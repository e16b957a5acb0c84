#pragma once
// Plays a stream counted by another clock (a network sender that is not on
// our PTP domain, or free-running) at our rate: zita-resampler's variable
// ratio, steered by a second-order loop that holds the stream's fill (how
// far ahead of the read position it has arrived) at its target. The ratio
// the loop settles on is the measured ratio of the two clocks.
//
// The fill is measured by the caller once per block; it is noisy (packets
// arrive with network jitter, in steps of a packet), so the loop sees its
// mean over short windows (`smoothing` seconds), and once locked it is slow
// (`bandwidth`): corrections of a few ppm, far below hearing.
//
// Threads: everything on the audio thread, no allocation after create().
#include <atomic>
#include <cstdint>
#include <memory>

#include "core/expected.h"

class VResampler;

namespace ac {

struct RateFollowerOptions {
  uint32_t channels = 2;
  double rate = 48000.0;        // our rate (output frames per second)
  double input_rate = 48000.0;  // the stream's nominal rate (44.1 and 96 kHz streams convert too)
  uint32_t max_block = 64;      // most output frames per process()
  double bandwidth = 0.03;      // Hz, the fill loop once locked (wider while locking)
  double smoothing = 0.1;       // s, the window whose mean fill the loop sees
  double max_ppm = 1000.0;      // how far the ratio may be steered
  uint32_t filter_length = 48;  // zita-resampler hlen (16..96)
};

class RateFollower {
 public:
  // Where input frames come from: fills `frames` frames (one pointer per
  // channel) with the next frames of the stream.
  class Source {
   public:
    virtual void pull(float* const* channels, uint32_t frames) noexcept = 0;

   protected:
    ~Source() = default;
  };

  // [control] Allocates the resampler and its buffers.
  static Expected<std::unique_ptr<RateFollower>> create(const RateFollowerOptions& options);
  ~RateFollower();
  RateFollower(const RateFollower&) = delete;
  RateFollower& operator=(const RateFollower&) = delete;

  // [audio] Starts over: the filter's history, the fill window (the learnt
  // ratio is kept: the same sender keeps its clock).
  void reset() noexcept;
  // [audio] `frames` output frames into `out` (one pointer per channel),
  // pulling what they need from `source`. `fill_error` is the fill minus
  // its target, in input frames, measured just before this block. The
  // loop holds its mean over the first window after a start.
  void process(float* const* out, uint32_t frames, double fill_error, Source& source) noexcept;

  // [any thread] The sender's clock against ours, as the loop has learnt
  // it: +100 means it runs 100 ppm fast.
  double sender_ppm() const noexcept { return ppm_.load(std::memory_order_relaxed); }

 private:
  explicit RateFollower(const RateFollowerOptions& options);
  void steer(double fill_error, uint32_t frames) noexcept;
  double bandwidth() const noexcept;

  RateFollowerOptions options_;
  std::unique_ptr<VResampler> resampler_;
  std::unique_ptr<float[]> planar_, input_, output_;
  uint32_t chunk_;
  double window_sum_ = 0.0, window_time_ = 0.0, integral_ = 0.0;
  double locking_time_ = 0.0;  // seconds played since the first start
  double reference_ = 0.0;     // the fill error to hold: the first window's mean
  bool have_reference_ = false;
  std::atomic<double> ppm_{0.0};
};

}  // namespace ac
