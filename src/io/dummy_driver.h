#pragma once
// The dummy real-time driver: runs a block callback on its own thread, paced
// by CLOCK_MONOTONIC as a sound card would be (one block per period,
// absolute deadlines, so no drift), for machines with neither JACK nor a
// sound card. A wake-up later than one period counts as an xrun.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "core/sample_time.h"
#include "graph/node.h"

namespace ac {

struct DummyDriverOptions {
  double sample_rate = 48000.0;
  FrameCount block = 64;
  uint32_t output_channels = 2;
  int realtime_priority = 70;      // SCHED_FIFO if permitted; 0 = don't try
  int64_t stop_after_frames = -1;  // stop by itself once this many frames ran (-1: never)
};

class DummyDriver {
 public:
  // [audio] Called once per block with the block's media-clock time.
  using Callback = std::function<void(SampleTime time, FrameCount frames, HostIo& host)>;

  explicit DummyDriver(const DummyDriverOptions& options);
  ~DummyDriver();  // stops

  // [control] Starts the audio thread. The callback must not allocate or lock.
  void start(Callback callback);
  // [control] Stops after the current block; idempotent.
  void stop();

  uint64_t blocks() const { return blocks_.load(std::memory_order_relaxed); }
  // [any] True once the audio thread has ended (stop_after_frames reached).
  bool finished() const { return finished_.load(std::memory_order_acquire); }
  uint64_t xruns() const { return xruns_.load(std::memory_order_relaxed); }
  // [any] The device's sample rate as a delay-locked loop measures it from
  // callback times against CLOCK_MONOTONIC (nominal until the first blocks).
  double estimated_rate() const { return estimated_rate_.load(std::memory_order_relaxed); }
  // [control] Why real-time priority was not granted ("" if it was or not asked).
  std::string realtime_warning() const;

 private:
  void loop();
  DummyDriverOptions options_;
  Callback callback_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> finished_{false};
  std::atomic<uint64_t> blocks_{0};
  std::atomic<uint64_t> xruns_{0};
  std::atomic<double> estimated_rate_{0.0};
  std::atomic<bool> rt_failed_{false};
  std::string rt_warning_;
};

}  // namespace ac
