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

#include "clock/virtual_clock.h"
#include "core/audio_buffer.h"
#include "core/sample_time.h"
#include "graph/node.h"

namespace ac {

struct DummyDriverOptions {
  double sample_rate = 48000.0;
  FrameCount block = 64;
  uint32_t output_channels = 2;
  int realtime_priority = 70;  // SCHED_FIFO if permitted; 0 = don't try
  // Stop by itself once the timeline advanced this far (skipped blocks
  // count; -1: never).
  int64_t stop_after_frames = -1;
  // Pace blocks by a PTP-disciplined clock instead of CLOCK_MONOTONIC: the
  // device is then the media clock itself (no crystal of its own), and each
  // block's time is its first sample's media-clock time (samples since the
  // PTP epoch). The first block is the one at media sample `start_at`, or
  // the next whole block from now if that has passed (-1: from now).
  const VirtualClock* media_clock = nullptr;
  int64_t start_at = -1;
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
  // [any] Media clock pacing: the first block's time (-1 before it ran),
  // and how often the clock moved under the driver (a step of the PTP
  // clock: the block grid was re-anchored).
  int64_t first_block_time() const { return first_block_.load(std::memory_order_acquire); }
  uint64_t clock_steps() const { return clock_steps_.load(std::memory_order_relaxed); }
  // [any] The device's sample rate as a delay-locked loop measures it from
  // callback times against CLOCK_MONOTONIC (nominal until the first blocks).
  double estimated_rate() const { return estimated_rate_.load(std::memory_order_relaxed); }
  // [control] Why real-time priority was not granted ("" if it was or not asked).
  std::string realtime_warning() const;

 private:
  void loop();
  void loop_on_media_clock(AudioBuffer& out, HostIo& host);
  DummyDriverOptions options_;
  Callback callback_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> finished_{false};
  std::atomic<uint64_t> blocks_{0};
  std::atomic<uint64_t> xruns_{0};
  std::atomic<int64_t> first_block_{-1};
  std::atomic<uint64_t> clock_steps_{0};
  std::atomic<double> estimated_rate_{0.0};
  std::atomic<bool> rt_failed_{false};
  std::string rt_warning_;
};

}  // namespace ac
