#include "clock/rate_follower.h"

#include <zita-resampler/vresampler.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ac {

Expected<std::unique_ptr<RateFollower>> RateFollower::create(const RateFollowerOptions& o) {
  if (o.channels == 0 || o.channels > 64)
    return unexpected(make_error(ErrorDomain::clock, "rate follower: channels must be 1..64"));
  if (o.rate < 1000.0 || o.rate > 768000.0 || o.input_rate < 1000.0 || o.input_rate > 768000.0)
    return unexpected(make_error(ErrorDomain::clock, "rate follower: rates must be 1000..768000 Hz"));
  if (o.rate / o.input_rate > 16.0 || o.input_rate / o.rate > 16.0)
    return unexpected(make_error(ErrorDomain::clock, "rate follower: rates more than 16x apart"));
  if (o.max_block == 0 || o.max_block > 8192)
    return unexpected(make_error(ErrorDomain::clock, "rate follower: max_block must be 1..8192 frames"));
  if (o.filter_length < 16 || o.filter_length > 96)
    return unexpected(make_error(ErrorDomain::clock, "rate follower: filter_length must be 16..96"));
  if (!(o.bandwidth > 0.0) || !(o.smoothing > 0.0) || !(o.max_ppm > 0.0))
    return unexpected(make_error(ErrorDomain::clock, "rate follower: bandwidth, smoothing and max_ppm must be > 0"));
  auto f = std::unique_ptr<RateFollower>(new RateFollower(o));
  if (f->resampler_->setup(o.rate / o.input_rate, o.channels, o.filter_length) != 0)
    return unexpected(make_error(ErrorDomain::clock, "rate follower: zita-resampler refused its setup"));
  return f;
}

// Input is pulled in chunks of a quarter block's worth (at least 8
// frames): the resampler never holds more than a chunk beyond its need.
RateFollower::RateFollower(const RateFollowerOptions& o)
    : options_(o),
      resampler_(std::make_unique<VResampler>()),
      chunk_(std::max<uint32_t>(8, static_cast<uint32_t>(o.max_block * o.input_rate / o.rate) / 4)) {
  planar_ = std::make_unique<float[]>(size_t{chunk_} * o.channels);
  input_ = std::make_unique<float[]>(size_t{chunk_} * o.channels);
  output_ = std::make_unique<float[]>(size_t{o.max_block} * o.channels);
}

RateFollower::~RateFollower() = default;

void RateFollower::reset() noexcept {
  resampler_->reset();
  resampler_->inp_count = 0;
  window_sum_ = window_time_ = 0.0;
  have_reference_ = false;
  // Locked before: the ratio is known, settle again from the middle.
  locking_time_ = std::min(locking_time_, 4.0);
}

// The loop sees the mean fill error of each window of `smoothing` seconds
// (network jitter averages out: 2 ms of uniform jitter is about 3 frames
// over 0.1 s) and steers once a window: x = 2 zeta w e + w^2 integral(e),
// w = 2 pi bandwidth, zeta = 0.7, e in seconds. The integral settles on the
// clocks' ratio: a sender fast by d fills the buffer at d seconds per
// second until x = d. The bandwidth narrows as the loop locks: 10x the
// final one for 4 s (finds the ratio within seconds), 3x until 12 s, then
// the final one (holds it to a ppm or two however the packets jitter).
double RateFollower::bandwidth() const noexcept {
  if (locking_time_ < 4.0) return 10.0 * options_.bandwidth;
  if (locking_time_ < 12.0) return 3.0 * options_.bandwidth;
  return options_.bandwidth;
}

void RateFollower::steer(double fill_error, uint32_t frames) noexcept {
  // The caller counts the frames pulled; those the resampler has not yet
  // reached (the rest of the chunk, and its filter's lag beyond its
  // nominal half length) are still ahead: the exact, fractional fill.
  const VResampler& r = *resampler_;
  fill_error += r.inp_count + (r.inpdist() - options_.filter_length);
  const double dt = frames / options_.rate;
  window_sum_ += fill_error * dt;
  window_time_ += dt;
  locking_time_ += dt;
  if (window_time_ < options_.smoothing) return;
  const double mean = window_sum_ / window_time_, t = window_time_;
  window_sum_ = window_time_ = 0.0;
  // The first window after a start is the level to hold: the caller ties
  // the stream to a packet that had just arrived, and the mean fill sits
  // below that by the mean network delay. Holding the tie itself would
  // swing the pitch at every start to make up for it.
  if (!have_reference_) {
    reference_ = mean;
    have_reference_ = true;
    return;
  }
  const double e = (mean - reference_) / options_.input_rate;
  const double w = 2.0 * std::numbers::pi * bandwidth();
  const double limit = options_.max_ppm * 1e-6;
  integral_ = std::clamp(integral_ + w * w * e * t, -limit, limit);
  const double x = std::clamp(2.0 * 0.7 * w * e + integral_, -limit, limit);
  // More input than we play (a fast sender) needs a ratio below one.
  resampler_->set_rratio(1.0 - x);
  ppm_.store(integral_ * 1e6, std::memory_order_relaxed);
}

void RateFollower::process(float* const* out, uint32_t frames, double fill_error, Source& source) noexcept {
  frames = std::min(frames, options_.max_block);
  steer(fill_error, frames);
  const uint32_t nch = options_.channels;
  VResampler& r = *resampler_;
  r.out_count = frames;
  r.out_data = output_.get();
  // Each pass fills the output or uses up the chunk: about
  // frames x input_rate / rate / chunk + 1 of them (at most 16 x 4 + 1).
  for (uint32_t pass = 0; pass < 80 && r.out_count > 0; ++pass) {
    if (r.inp_count == 0) {
      float* planar[64];
      for (uint32_t c = 0; c < nch; ++c) planar[c] = planar_.get() + size_t{c} * chunk_;
      source.pull(planar, chunk_);
      for (uint32_t i = 0; i < chunk_; ++i)
        for (uint32_t c = 0; c < nch; ++c) input_[size_t{i} * nch + c] = planar[c][i];
      r.inp_data = input_.get();
      r.inp_count = chunk_;
    }
    r.process();
  }
  for (uint32_t i = 0; i < frames; ++i)
    for (uint32_t c = 0; c < nch; ++c) out[c][i] = output_[size_t{i} * nch + c];
}

}  // namespace ac
