#include "io/dummy_driver.h"

#include <time.h>

#include "core/audio_buffer.h"
#include "core/audio_section.h"
#include "core/denormals.h"
#include "core/realtime_thread.h"

namespace ac {
namespace {

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

void DummyDriver::start(Callback callback) {
  if (running_.exchange(true)) return;
  callback_ = std::move(callback);
  thread_ = std::thread([this] { loop(); });
}

void DummyDriver::stop() {
  running_.store(false, std::memory_order_release);
  if (thread_.joinable()) thread_.join();
}

std::string DummyDriver::realtime_warning() const {
  return rt_failed_.load(std::memory_order_acquire) ? rt_warning_ : std::string{};
}

void DummyDriver::loop() {
  if (options_.realtime_priority > 0) {
    const std::string why = try_realtime_priority(options_.realtime_priority);
    if (!why.empty()) {
      rt_warning_ = why;
      rt_failed_.store(true, std::memory_order_release);
    }
  }
  enable_flush_denormals();
  AudioBuffer out(options_.output_channels, options_.block);
  HostIo host;
  host.output = out.view();
  const auto period_ns = static_cast<int64_t>(1e9 * options_.block / options_.sample_rate);
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  int64_t deadline = to_ns(now);
  int64_t frame = 0;
  while (running_.load(std::memory_order_acquire)) {
    if (options_.stop_after_frames >= 0 && frame >= options_.stop_after_frames) break;
    {
      AudioSection section;
      out.clear();
      callback_(SampleTime{frame}, options_.block, host);
    }
    frame += options_.block;
    blocks_.fetch_add(1, std::memory_order_relaxed);
    deadline += period_ns;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (to_ns(now) > deadline + period_ns) {
      // More than a block late: a real device would have under-run. Count
      // it and re-anchor instead of racing to catch up.
      xruns_.fetch_add(1, std::memory_order_relaxed);
      deadline = to_ns(now);
      continue;
    }
    const timespec until = from_ns(deadline);
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr);
  }
  finished_.store(true, std::memory_order_release);
}

}  // namespace ac
