#pragma once
// The dummy real-time driver: runs a block callback on its own thread, paced
// by CLOCK_MONOTONIC as a sound card would be (one block per period,
// absolute deadlines, so no drift), for machines with neither JACK nor a
// sound card. A wake-up later than one period counts as an xrun. On the PTP
// media clock (`clock: ptp`) it is the media clock's own device: each block
// starts when the media clock reaches its first sample.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "core/audio_buffer.h"
#include "core/sample_time.h"
#include "graph/node.h"
#include "io/driver.h"
#include "io/driver_thread.h"

namespace ac {

class VirtualClock;

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

class DummyDriver final : public Driver {
 public:
  explicit DummyDriver(const DummyDriverOptions& options);
  ~DummyDriver() override;  // stops

  // [control] Starts the audio thread. The callback must not allocate or lock.
  Expected<void> start(BlockCallback callback) override;
  // [control] Stops after the current block; idempotent.
  void stop() override;
  DriverStatus status() const override;

  uint64_t blocks() const { return blocks_.load(std::memory_order_relaxed); }
  // [any] True once the audio thread has ended (stop_after_frames reached).
  bool finished() const { return thread_.finished(); }
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
  std::string realtime_warning() const { return thread_.realtime_warning(); }

 private:
  void loop();
  void loop_on_media_clock(AudioBuffer& out, HostIo& host);
  DummyDriverOptions options_;
  BlockCallback callback_;
  DriverThread thread_;
  std::atomic<uint64_t> blocks_{0};
  std::atomic<int64_t> frames_{0};  // the timeline: blocks run and skipped
  std::atomic<uint64_t> xruns_{0};
  std::atomic<int64_t> first_block_{-1};
  std::atomic<uint64_t> clock_steps_{0};
  std::atomic<double> estimated_rate_{0.0};
};

// [control] The registry's way in: the graph's rate and block, the first
// Plan's output width, and the setup's duration and media clock.
Expected<std::unique_ptr<Driver>> open_dummy_driver(const DriverSetup& setup);

}  // namespace ac
