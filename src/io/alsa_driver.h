#pragma once
// The ALSA driver: PCM playback and/or capture on hw:, plughw: or any ALSA
// device name, period and buffer size from the graph file or the command
// line, mmap access where the device offers it (read/write otherwise), and
// xrun recovery (prepare, refill, restart; counted) decided by AlsaRecovery.
// One thread of its own waits for each period, reads capture, runs the
// graph (in pieces of at most the graph's block), and writes playback. A
// delay-locked loop measures the device's real rate from the period times.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/audio_buffer.h"
#include "core/expected.h"
#include "core/sample_time.h"
#include "graph/node.h"
#include "io/alsa_config.h"
#include "io/driver.h"
#include "io/driver_thread.h"

namespace ac {

struct AlsaDriverOptions {
  std::string playback_device = "default";  // "" = no playback
  std::string capture_device;               // "" = no capture
  uint32_t playback_channels = 2;
  uint32_t capture_channels = 0;
  double sample_rate = 48000.0;
  FrameCount period = 64;      // frames per period (0: the graph's block)
  uint32_t periods = 2;        // periods in the device buffer
  FrameCount max_block = 64;   // longest piece passed to the callback
  int realtime_priority = 70;  // SCHED_FIFO if permitted; 0 = don't try
  int64_t stop_after_frames = -1;
};

class AlsaDriver final : public Driver {
 public:
  // [control] Opens and configures the devices. Errors name the device and
  // what it accepts.
  static Expected<std::unique_ptr<AlsaDriver>> open(const AlsaDriverOptions& options);
  ~AlsaDriver() override;

  // [control] Starts the audio thread.
  Expected<void> start(BlockCallback callback) override;
  // [control] Stops after the current period and closes; idempotent.
  void stop() override;
  DriverStatus status() const override;
  std::vector<std::string> describe() const override;
  std::vector<std::string> report() const override;
  DeviceShape shape() const override;
  // [control] A graph edit that needs more channels than the device runs
  // is refused (a running device is not reopened).
  Expected<std::unique_ptr<DriverEdit>> prepare_edit(const Graph& next) override;

  bool finished() const { return thread_.finished(); }
  // [control] Why the driver stopped by itself ("" if it did not fail).
  std::string failure() const;
  uint64_t blocks() const { return blocks_.load(std::memory_order_relaxed); }
  uint64_t xruns() const { return xruns_.load(std::memory_order_relaxed); }
  double estimated_rate() const { return estimated_rate_.load(std::memory_order_relaxed); }
  const AlsaConfig& playback_config() const { return playback_config_; }
  const AlsaConfig& capture_config() const { return capture_config_; }
  bool has_playback() const { return playback_ != nullptr; }
  FrameCount period() const { return period_; }  // frames per period, as configured
  bool has_capture() const { return capture_ != nullptr; }
  std::string realtime_warning() const { return thread_.realtime_warning(); }

 private:
  AlsaDriver() = default;
  void loop();
  int restart() noexcept;  // prepare, prefill, start
  int transfer_out(FrameCount frames) noexcept;
  int transfer_in(FrameCount frames) noexcept;
  bool recover(int err) noexcept;  // false: give up

  AlsaDriverOptions options_;
  void* playback_ = nullptr;  // snd_pcm_t*
  void* capture_ = nullptr;
  bool linked_ = false;
  AlsaConfig playback_config_, capture_config_;
  FrameCount period_ = 64;
  std::unique_ptr<AudioBuffer> out_, in_;
  std::vector<uint8_t> scratch_;  // read/write access: one period, interleaved
  AlsaRecovery recovery_;
  BlockCallback callback_;
  DriverThread thread_;
  std::atomic<uint64_t> blocks_{0};
  std::atomic<int64_t> frames_{0};  // periods run, in frames
  void note_gap(int64_t woke_ns) noexcept;
  int64_t last_period_ns_ = 0;  // driver thread
  std::atomic<int64_t> longest_gap_ns_{0};
  std::atomic<uint64_t> stalls_{0};
  std::atomic<uint64_t> xruns_{0};
  std::atomic<double> estimated_rate_{0.0};
  std::atomic<bool> failed_{false};
  std::string failure_;  // written before failed_ is set
};

// [control] The registry's way in: devices, channels, period and periods
// from the graph's endpoints, overridden by the params "device",
// "capture-device", "period" and "periods". Under a clock bridge it runs
// whole periods and the graph's side counts the duration.
Expected<std::unique_ptr<Driver>> open_alsa_driver(const DriverSetup& setup);

}  // namespace ac
