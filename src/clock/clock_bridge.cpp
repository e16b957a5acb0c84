#include "clock/clock_bridge.h"

#include <zita-resampler/vresampler.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <span>

namespace ac {
namespace {

// The callback-time loops: wide while they find the real period, then
// narrow so that scheduler jitter barely moves the time line.
constexpr double kDllLockHz = 1.0;
constexpr double kDllHz = 0.1;
constexpr uint64_t kDllLockUpdates = 1000;
// The latency loop's schedule (seconds after reading started): lock wide,
// settle in between, then run at the final bandwidth.
constexpr double kLockSeconds = 2.0;
constexpr double kSettleSeconds = 10.0;
// How far the ratio may be steered: 1000 ppm covers any two crystals that
// claim the same nominal rate.
constexpr double kMaxCorrection = 1e-3;

double loop_bandwidth(double elapsed, const ClockBridgeOptions& o) {
  if (elapsed < kLockSeconds) return o.lock_bandwidth;
  if (elapsed < kSettleSeconds) return std::sqrt(o.lock_bandwidth * o.final_bandwidth);
  return o.final_bandwidth;
}

}  // namespace

Expected<std::unique_ptr<ClockBridge>> ClockBridge::create(const ClockBridgeOptions& options) {
  if (options.channels == 0 || options.channels > 64)
    return unexpected(make_error(ErrorDomain::clock, "clock bridge: channels must be 1..64"));
  if (options.rate < 1000.0 || options.rate > 768000.0)
    return unexpected(make_error(ErrorDomain::clock, "clock bridge: rate must be 1000..768000 Hz"));
  if (options.writer_block == 0 || options.reader_block == 0 || options.writer_block > 8192 ||
      options.reader_block > 8192)
    return unexpected(make_error(ErrorDomain::clock, "clock bridge: block sizes must be 1..8192 frames"));
  if (options.filter_length < 16 || options.filter_length > 96)
    return unexpected(make_error(ErrorDomain::clock, "clock bridge: filter_length must be 16..96"));
  if (!(options.final_bandwidth > 0.0) || options.lock_bandwidth < options.final_bandwidth)
    return unexpected(make_error(ErrorDomain::clock, "clock bridge: bandwidths must be > 0, lock >= final"));
  ClockBridgeOptions o = options;
  const double minimum = o.filter_length + 1.0 + o.writer_block + o.reader_block;
  if (o.target_latency <= 0.0) o.target_latency = minimum + 0.5 * (o.writer_block + o.reader_block) + 16.0;
  if (o.target_latency < minimum)
    return unexpected(make_error(ErrorDomain::clock, "clock bridge: target latency " +
                                                         std::to_string(o.target_latency) + " frames is below the " +
                                                         std::to_string(minimum) + " the blocks and the filter need"));
  auto bridge = std::unique_ptr<ClockBridge>(new ClockBridge(o));
  if (bridge->resampler_->setup(1.0, o.channels, o.filter_length) != 0)
    return unexpected(make_error(ErrorDomain::clock, "clock bridge: zita-resampler refused its setup"));
  return bridge;
}

ClockBridge::ClockBridge(const ClockBridgeOptions& options)
    : options_(options),
      fifo_(static_cast<size_t>(2.0 * options.target_latency + 8.0 * (options.writer_block + options.reader_block)) *
            options.channels),
      interleave_(std::make_unique<float[]>(size_t{options.writer_block} * options.channels)),
      resampler_(std::make_unique<VResampler>()),
      input_(std::make_unique<float[]>(size_t{input_chunk()} * options.channels)),
      output_(std::make_unique<float[]>(size_t{options.reader_block} * options.channels)) {}

ClockBridge::~ClockBridge() = default;

uint32_t ClockBridge::input_chunk() const noexcept {
  return 2 * options_.reader_block + 64;
}

void ClockBridge::publish_writer(const WriterClock& w) noexcept {
  // A sequence lock without fences (which TSan cannot follow), as
  // VirtualClock's: the data stores release the odd count before them, the
  // reader's data loads acquire it.
  const uint32_t s = writer_seq_.load(std::memory_order_relaxed);
  writer_seq_.store(s + 1, std::memory_order_relaxed);
  pub_frames_.store(w.frames, std::memory_order_release);
  pub_next_.store(w.next, std::memory_order_release);
  pub_rate_.store(w.rate, std::memory_order_release);
  writer_seq_.store(s + 2, std::memory_order_release);
}

bool ClockBridge::load_writer(WriterClock& w) const noexcept {
  // One writer publishes a block's worth at a time; a reader that keeps
  // colliding with it gives up for this block rather than spin unbounded.
  for (int attempt = 0; attempt < 64; ++attempt) {
    const uint32_t before = writer_seq_.load(std::memory_order_acquire);
    if (before & 1u) continue;
    w.frames = pub_frames_.load(std::memory_order_acquire);
    w.next = pub_next_.load(std::memory_order_acquire);
    w.rate = pub_rate_.load(std::memory_order_acquire);
    if (writer_seq_.load(std::memory_order_relaxed) == before) return before != 0;
  }
  return false;
}

void ClockBridge::write(const float* const* channels, uint32_t frames, double time, uint64_t skipped) noexcept {
  frames = std::min(frames, options_.writer_block);
  const uint32_t nch = options_.channels;
  const double period = options_.writer_block / options_.rate;
  if (!writer_started_) {
    writer_dll_.reset(time, period, kDllLockHz);
    writer_started_ = true;
  } else {
    if (skipped > 0) {
      writer_dll_.skip((skipped + options_.writer_block / 2) / options_.writer_block);
      writer_skipped_.store(true, std::memory_order_relaxed);
    }
    writer_dll_.update(time);
    if (writer_dll_.updates() == kDllLockUpdates) writer_dll_.set_bandwidth(kDllHz);
  }
  float* out = interleave_.get();
  for (uint32_t i = 0; i < frames; ++i)
    for (uint32_t c = 0; c < nch; ++c) out[size_t{i} * nch + c] = channels[c][i];
  if (fifo_.try_push_all(std::span<const float>(out, size_t{frames} * nch)))
    written_ += frames;
  else
    overruns_.fetch_add(1, std::memory_order_relaxed);
  // The frame after this block happens one filtered period after this
  // block's filtered time.
  const double next = writer_dll_.updates() == 0 ? time + period : writer_dll_.next_time();
  publish_writer({written_, next, options_.writer_block / writer_dll_.period()});
}

double ClockBridge::consumed_position() const noexcept {
  // The input position of the next output sample: frames handed to the
  // resampler, less the distance its filter still lags behind them.
  return static_cast<double>(popped_ - pending_) - resampler_->inpdist();
}

void ClockBridge::discard(uint64_t frames) noexcept {
  const uint32_t nch = options_.channels;
  while (frames > 0) {
    const size_t want = std::min<uint64_t>(frames, input_chunk());
    const size_t got = fifo_.pop_into(std::span<float>(input_.get(), want * nch)) / nch;
    if (got == 0) return;
    popped_ += got;
    frames -= got;
  }
}

void ClockBridge::start_reading(double input_position, double time) noexcept {
  writer_skipped_.store(false, std::memory_order_relaxed);  // this start realigns anyway
  pending_ = 0;
  pending_at_ = 0;
  resampler_->reset();
  resampler_->set_rratio(1.0 - integral_);
  const double excess = input_position - static_cast<double>(popped_) - options_.target_latency;
  if (excess > 0.0) discard(static_cast<uint64_t>(excess));
  reading_ = true;
  // Only the first start locks with the wide bandwidth: after a restart
  // the integrator still holds the ratio, so the loop only settles again
  // (its middle bandwidth) and never swings the pitch as wide as at first.
  started_at_ = ever_started_ ? time - kLockSeconds : time;
  ever_started_ = true;
  last_time_ = time;
}

void ClockBridge::steer(double error_frames, double time) noexcept {
  // A second-order loop on the latency error in seconds e: the ratio
  // correction x = a e + b ∫e dt, so e'' + a e' + b e = (drift)'. Natural
  // frequency w = 2 pi bandwidth, damping 0.707: a = 1.414 w, b = w^2. The
  // integrator converges on the two domains' rate difference. (Feeding the
  // two DLLs' measured rates forward was tried: their noise costs 10 dB of
  // THD+N.)
  const double dt = std::clamp(time - last_time_, 0.0, 1.0);
  last_time_ = time;
  bandwidth_ = loop_bandwidth(time - started_at_, options_);
  const double w = 2.0 * std::numbers::pi * bandwidth_;
  const double e = error_frames / options_.rate;
  integral_ = std::clamp(integral_ + w * w * e * dt, -kMaxCorrection, kMaxCorrection);
  const double x = std::clamp(std::numbers::sqrt2 * w * e + integral_, -kMaxCorrection, kMaxCorrection);
  // x > 0: too much latency held, so consume input faster (fewer output
  // frames per input frame).
  resampler_->set_rratio(1.0 - x);
  // The ratio of the two domains is what the integrator has learnt; the
  // proportional part only pulls the latency back to its target.
  pub_ratio_.store(1.0 - integral_, std::memory_order_relaxed);
}

bool ClockBridge::resample(uint32_t frames) noexcept {
  const uint32_t nch = options_.channels;
  VResampler& r = *resampler_;
  r.out_count = frames;
  r.out_data = output_.get();
  // Each pass either fills the output or empties the pending input; the
  // FIFO is fetched at most a few times per block.
  for (int pass = 0; pass < 16 && r.out_count > 0; ++pass) {
    if (pending_ == 0) {
      const size_t got = fifo_.pop_into(std::span<float>(input_.get(), size_t{input_chunk()} * nch)) / nch;
      if (got == 0) break;
      popped_ += got;
      pending_ = static_cast<uint32_t>(got);
      pending_at_ = 0;
    }
    r.inp_data = input_.get() + size_t{pending_at_} * nch;
    r.inp_count = pending_;
    r.process();
    const uint32_t used = pending_ - r.inp_count;
    pending_at_ += used;
    pending_ -= used;
  }
  if (r.out_count == 0) return true;
  // The FIFO ran dry: the rest of the block is silence, and the stream
  // restarts at the target latency (a discontinuity either way).
  std::fill(output_.get() + size_t{frames - r.out_count} * nch, output_.get() + size_t{frames} * nch, 0.0f);
  return false;
}

double ClockBridge::reader_time(double time, uint64_t skipped) noexcept {
  if (!reader_started_) {
    reader_dll_.reset(time, options_.reader_block / options_.rate, kDllLockHz);
    reader_started_ = true;
  } else {
    if (skipped > 0) reader_dll_.skip((skipped + options_.reader_block / 2) / options_.reader_block);
    reader_dll_.update(time);
    if (reader_dll_.updates() == kDllLockUpdates) reader_dll_.set_bandwidth(kDllHz);
  }
  pub_reader_rate_.store(options_.reader_block / reader_dll_.period(), std::memory_order_relaxed);
  return reader_dll_.updates() == 0 ? time : reader_dll_.previous_time();
}

void ClockBridge::read(float* const* channels, uint32_t frames, double time, uint64_t skipped) noexcept {
  frames = std::min(frames, options_.reader_block);
  const uint32_t nch = options_.channels;
  // (Skipped frames before the first block are not a skip: nothing was read yet.)
  const bool reader_skipped = reader_started_ && skipped > 0;
  const double t = reader_time(time, skipped);
  auto silence = [&] {
    for (uint32_t c = 0; c < nch; ++c) std::fill(channels[c], channels[c] + frames, 0.0f);
    read_span_ = Span{read_span_.end, read_span_.end};
  };
  WriterClock w;
  if (!load_writer(w) || !(w.rate > 0.0)) {
    silence();
    return;
  }
  // A writer silent for longer than the FIFO could cover has stopped (or
  // stalled past any rescue): wait for it without counting anything, rather
  // than extrapolate its time line into frames that never came.
  const double writer_period = options_.writer_block / options_.rate;
  if (t - w.next > 4.0 * writer_period + options_.target_latency / options_.rate) {
    reading_ = false;
    pub_running_.store(false, std::memory_order_relaxed);
    silence();
    return;
  }
  // Where the writer's stream is at this block's time, fractionally: the
  // frames written, and how far its time line says it has got since (or,
  // negative, how far this block's time lies before the writer's latest).
  // Bounded above by a block: a writer whose time line ran ahead of its
  // writes (a stall, a clock step under it) must never make the FIFO look
  // fuller than it is.
  const double ahead = std::min((t - w.next) * w.rate, static_cast<double>(options_.writer_block));
  const double input_position = static_cast<double>(w.frames) + ahead;
  if (!reading_) {
    if (input_position - static_cast<double>(popped_) < options_.target_latency) {
      silence();
      return;
    }
    start_reading(input_position, t);
  }
  const double latency = input_position - consumed_position();
  const double error = latency - options_.target_latency;
  // A stream that lost frames (either side's driver skipped blocks) has
  // already clicked: realign at the target now instead of slewing the
  // pitch for seconds to win the frames back.
  const bool skipped_now = reader_skipped || writer_skipped_.exchange(false, std::memory_order_relaxed);
  // Far off target: a stream lost frames (a driver skipped blocks), a
  // thread stalled past what the FIFO holds. Start over at the target
  // rather than slew for seconds; in steady state the error stays within a
  // frame or two.
  const double limit = std::max(2.0 * (options_.writer_block + options_.reader_block), 0.25 * options_.target_latency);
  if (skipped_now || std::fabs(error) > limit) {
    reading_ = false;
    resyncs_.fetch_add(1, std::memory_order_relaxed);
    silence();
    return;
  }
  steer(error, t);
  const double begin = consumed_position();
  if (!resample(frames)) {
    underruns_.fetch_add(1, std::memory_order_relaxed);
    reading_ = false;
  }
  read_span_ = Span{begin, consumed_position()};
  const float* in = output_.get();
  for (uint32_t i = 0; i < frames; ++i)
    for (uint32_t c = 0; c < nch; ++c) channels[c][i] = in[size_t{i} * nch + c];
  read_.fetch_add(frames, std::memory_order_relaxed);
  pub_latency_.store(latency, std::memory_order_relaxed);
  pub_error_.store(error, std::memory_order_relaxed);
  pub_running_.store(reading_, std::memory_order_relaxed);
  pub_locked_.store(reading_ && t - started_at_ >= kSettleSeconds, std::memory_order_relaxed);
}

ClockBridgeStatus ClockBridge::status() const noexcept {
  ClockBridgeStatus s;
  s.running = pub_running_.load(std::memory_order_relaxed);
  s.locked = pub_locked_.load(std::memory_order_relaxed);
  s.ratio = pub_ratio_.load(std::memory_order_relaxed);
  s.latency_frames = pub_latency_.load(std::memory_order_relaxed);
  s.latency_error = pub_error_.load(std::memory_order_relaxed);
  s.written = pub_frames_.load(std::memory_order_relaxed);
  s.writer_rate = pub_rate_.load(std::memory_order_relaxed);
  s.reader_rate = pub_reader_rate_.load(std::memory_order_relaxed);
  s.read = read_.load(std::memory_order_relaxed);
  s.underruns = underruns_.load(std::memory_order_relaxed);
  s.overruns = overruns_.load(std::memory_order_relaxed);
  s.resyncs = resyncs_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace ac
