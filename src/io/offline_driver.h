#pragma once
// The offline driver: runs blocks as fast as the CPU allows, on its own
// thread, and writes the graph's `output` node to a sound file. Nothing
// waits on a clock; the result is the same bits on every run. Stopped early
// (Ctrl-C), it finalises the file with what was rendered.
//
// render_offline() is the whole offline render of one Plan on this driver:
// activate the nodes, run, deactivate (files finalised).
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/audio_buffer.h"
#include "core/expected.h"
#include "dsp/sound_file.h"
#include "graph/plan.h"
#include "io/driver.h"
#include "io/driver_thread.h"

namespace ac {

class Executor;

struct OutputChannelStats {
  float peak = 0.0f;
  double rms = 0.0;
  uint64_t over_full_scale = 0;  // samples beyond ±1.0: clipped in an integer file
};

struct OfflineDriverOptions {
  double sample_rate = 48000.0;
  FrameCount block = 64;
  uint32_t output_channels = 0;      // the graph's output node's width (0: none)
  int64_t frames = 0;                // how much to render
  std::string output_path;           // "" = write no file
  std::optional<FileFormat> format;  // default: from the extension
  SampleEncoding encoding = SampleEncoding::pcm24;
  // Called every `progress_every` blocks and at the end, on the driver's
  // thread, between blocks (it may allocate and print).
  std::function<void(int64_t done, int64_t total)> progress;
  uint32_t progress_every = 256;
};

class OfflineDriver final : public Driver {
 public:
  // [control] Creates the output file (errors: no output node to write,
  // an unknown extension, a file that cannot be created).
  static Expected<std::unique_ptr<OfflineDriver>> open(const OfflineDriverOptions& options);
  ~OfflineDriver() override;

  Expected<void> start(BlockCallback block) override;
  // [control] Stops after the current block; the file keeps what was
  // rendered.
  void stop() override;
  DriverStatus status() const override;
  // Closes and removes the output file: a render that cannot begin leaves
  // nothing behind.
  void abandon() override;
  // [control] Waits until every frame was rendered (or stop()).
  void wait();

  // [control] After the render: levels per output channel, and its times.
  const std::vector<OutputChannelStats>& channels() const { return channels_; }
  double wall_seconds() const { return wall_seconds_; }
  double cpu_seconds() const { return cpu_seconds_; }  // the driver thread's CPU time
  // [control] After the render: why writing failed (none when it did not);
  // the file is then removed.
  const std::optional<Error>& write_error() const { return write_error_; }

 private:
  OfflineDriver() = default;
  void loop();
  void finish(int64_t done, const std::vector<double>& squares);
  OfflineDriverOptions options_;
  std::unique_ptr<SoundFileWriter> writer_;
  BlockCallback block_;
  DriverThread thread_;
  std::atomic<uint64_t> blocks_{0};
  std::atomic<int64_t> frames_{0};
  std::vector<OutputChannelStats> channels_;
  double wall_seconds_ = 0.0, cpu_seconds_ = 0.0;
  std::optional<Error> write_error_;  // written on the driver thread before it finishes
};

// [control] The registry's way in: the graph's rate, block and output
// width; frames from stop_after_frames; params "output" (a file; none: no
// file), "format" and "encoding".
Expected<std::unique_ptr<Driver>> open_offline_driver(const DriverSetup& setup);

struct RenderOptions {
  int64_t frames = 0;                // how much to render
  Executor* executor = nullptr;      // runs the blocks; null = serial on the driver's thread
  std::string output_path;           // "" = write no file
  std::optional<FileFormat> format;  // default: from the extension
  SampleEncoding encoding = SampleEncoding::pcm24;
  std::function<void(int64_t done, int64_t total)> progress;  // see OfflineDriverOptions
  uint32_t progress_every = 256;
  // Between blocks, on the driver's thread: a Plan to go on with from frame
  // `done` (compiled for the same node instances, e.g. with a rebalanced
  // schedule), or null to keep the one running. The caller owns it and
  // carries the counters over; render_offline moves its event cursors past
  // `done`. RenderResult::step_seconds are then the last Plan's steps.
  std::function<Plan*(int64_t done)> replan;
};

struct RenderResult {
  int64_t frames = 0;
  double wall_seconds = 0.0;
  double cpu_seconds = 0.0;                  // the render thread's CPU time
  std::vector<OutputChannelStats> channels;  // of the output node
  std::vector<double> step_seconds;          // per Plan step
};

// [control] Activates the Plan's nodes, renders on an OfflineDriver,
// deactivates them (files finalised). Errors leave no output file behind.
Expected<RenderResult> render_offline(Plan& plan, const RenderOptions& options);

}  // namespace ac
