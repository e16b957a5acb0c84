#include "io/dummy_driver.h"

#include <time.h>

#include <algorithm>

#include "clock/delay_locked_loop.h"
#include "clock/media_clock.h"
#include "clock/virtual_clock.h"
#include "core/audio_buffer.h"
#include "core/audio_section.h"

namespace ac {
namespace {

// How late a block on the media clock may start and still be caught up.
constexpr int64_t kCatchUpNs = 10'000'000;

int64_t to_ns(const timespec& t) {
  return int64_t{t.tv_sec} * 1000000000 + t.tv_nsec;
}
timespec from_ns(int64_t ns) {
  return timespec{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
}

}  // namespace

DummyDriver::DummyDriver(const DummyDriverOptions& options) : options_(options) {}

DummyDriver::~DummyDriver() {
  stop();
}

Expected<void> DummyDriver::start(BlockCallback callback) {
  if (thread_.running()) return {};  // already started
  callback_ = std::move(callback);
  thread_.start(options_.realtime_priority, [this] { loop(); });
  return {};
}

void DummyDriver::stop() {
  thread_.stop();
}

DriverStatus DummyDriver::status() const {
  DriverStatus s;
  s.blocks = blocks();
  s.frames = frames_.load(std::memory_order_relaxed);
  s.xruns = xruns();
  s.estimated_rate = estimated_rate();
  s.clock = options_.media_clock ? DriverClock::media : DriverClock::monotonic;
  s.period = options_.block;
  s.finished = finished();
  s.first_block = first_block_time();
  s.clock_steps = clock_steps();
  s.realtime_warning = realtime_warning();
  return s;
}

Expected<std::unique_ptr<Driver>> open_dummy_driver(const DriverSetup& setup) {
  DummyDriverOptions o;
  o.sample_rate = setup.graph->sample_rate;
  o.block = setup.graph->block_size;
  o.output_channels = std::max(1u, setup.output_channels);
  o.stop_after_frames = setup.stop_after_frames;
  o.media_clock = setup.media_clock;
  o.start_at = setup.start_at;
  return std::unique_ptr<Driver>(std::make_unique<DummyDriver>(o));
}

void DummyDriver::loop() {
  AudioBuffer out(options_.output_channels, options_.block);
  HostIo host;
  host.output = out.view();
  if (options_.media_clock) {
    loop_on_media_clock(out, host);
    return;
  }
  const auto period_ns = static_cast<int64_t>(1e9 * options_.block / options_.sample_rate);
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  int64_t deadline = to_ns(now);
  int64_t frame = 0;
  // Device clock estimation: wide to lock, then narrow (see the DLL).
  DelayLockedLoop dll;
  dll.reset(static_cast<double>(deadline) * 1e-9, static_cast<double>(options_.block) / options_.sample_rate, 1.0);
  const auto narrow_after = static_cast<uint64_t>(options_.sample_rate / options_.block);  // 1 s
  estimated_rate_.store(options_.sample_rate, std::memory_order_relaxed);
  while (thread_.running()) {
    if (frame > 0) {
      timespec woke{};
      clock_gettime(CLOCK_MONOTONIC, &woke);
      dll.update(static_cast<double>(to_ns(woke)) * 1e-9);
      if (dll.updates() == narrow_after) dll.set_bandwidth(0.1);
      estimated_rate_.store(options_.block / dll.period(), std::memory_order_relaxed);
    }
    if (options_.stop_after_frames >= 0 && frame >= options_.stop_after_frames) break;
    {
      AudioSection section;
      out.clear();
      callback_(SampleTime{frame}, options_.block, host);
    }
    frame += options_.block;
    blocks_.fetch_add(1, std::memory_order_relaxed);
    frames_.store(frame, std::memory_order_relaxed);
    deadline += period_ns;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (to_ns(now) > deadline + period_ns) {
      // More than a block late: a real card would have under-run and gone
      // on. Stay on the card's time grid: skip the blocks that were missed
      // (media time jumps, as after a JACK xrun) and count one xrun.
      const int64_t missed = (to_ns(now) - deadline) / period_ns;
      deadline += missed * period_ns;
      frame += missed * options_.block;
      dll.skip(static_cast<unsigned long long>(missed));
      xruns_.fetch_add(1, std::memory_order_relaxed);
      frames_.store(frame, std::memory_order_relaxed);
    }
    const timespec until = from_ns(deadline);
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr);
  }
}

// Each block starts when the media clock reaches its first sample: the
// wake-up time is the block's media time turned into CLOCK_MONOTONIC_RAW
// by the virtual clock, slept towards on CLOCK_MONOTONIC (which
// clock_nanosleep supports; the two differ only by NTP's slew, re-read at
// every block).
void DummyDriver::loop_on_media_clock(AudioBuffer& out, HostIo& host) {
  const VirtualClock& clock = *options_.media_clock;
  const auto rate = static_cast<uint32_t>(options_.sample_rate);
  const int64_t block = options_.block;
  auto media_now = [&] { return media_samples(clock.to_ptp(VirtualClock::local_now()).value_or(PtpNanos{}), rate); };
  auto next_whole_block = [&] { return (media_now() / block + 1) * block; };
  int64_t frame = options_.start_at >= 0 ? options_.start_at : next_whole_block();
  if (frame < media_now()) frame = next_whole_block();
  int64_t first = -1;
  int64_t elapsed = 0;  // timeline frames so far: blocks run and blocks skipped, not clock steps
  estimated_rate_.store(options_.sample_rate, std::memory_order_relaxed);
  const auto period_ns = static_cast<int64_t>(1e9 * options_.block / options_.sample_rate);
  while (thread_.running()) {
    // Sleep until the block's first sample is due.
    const LocalNanos due = clock.to_local(media_sample_time(frame, rate)).value_or(LocalNanos{});
    const int64_t wait = due - VirtualClock::local_now();
    if (first >= 0 && wait > 2 * period_ns + 100000000) {
      // The clock stepped back (a new grandmaster): re-anchor the grid.
      frame = next_whole_block();
      clock_steps_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (wait > 0) {
      timespec now{};
      clock_gettime(CLOCK_MONOTONIC, &now);
      const timespec until = from_ns(to_ns(now) + wait);
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr);
    } else if (-wait > std::max(period_ns, kCatchUpNs)) {
      // Too late to catch up (a long stall, or the clock stepped forward):
      // skip to the block due now, as a card would, and count it. Later
      // than due by less, the blocks run back to back until on time again:
      // a graph on the media clock has no card whose buffer a short stall
      // would empty, and what it feeds (a clock bridge) holds more than that.
      const int64_t now_block = (media_now() / block) * block;
      if (-wait > 100000000) {
        clock_steps_.fetch_add(1, std::memory_order_relaxed);
      } else {
        xruns_.fetch_add(1, std::memory_order_relaxed);
        if (first >= 0) elapsed += now_block - frame;
      }
      frame = now_block;
    }
    if (first < 0) {
      first = frame;
      first_block_.store(first, std::memory_order_release);
    }
    // The duration is on the timeline: skipped blocks count towards it.
    if (options_.stop_after_frames >= 0 && elapsed >= options_.stop_after_frames) break;
    {
      AudioSection section;
      out.clear();
      callback_(SampleTime{frame}, options_.block, host);
    }
    frame += block;
    elapsed += block;
    blocks_.fetch_add(1, std::memory_order_relaxed);
    frames_.store(elapsed, std::memory_order_relaxed);
  }
}

}  // namespace ac
