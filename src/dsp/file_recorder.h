#pragma once
// `file_recorder`: writes its input to a sound file. The audio thread only
// copies frames into a lock-free ring; a writer thread of the node's own
// drains it to disk. In real time a full ring drops frames (counted); in an
// offline render the audio side waits for the writer instead, so nothing is
// lost.
//
// The file keeps the graph's timeline: frame n of the file is the sample
// `first block's time + n`. Blocks the driver skipped (an xrun: the next
// block's time jumps ahead) are written as silence, counted, so what was
// recorded after them stays on its sample. A jump of more than a second (a
// clock step, not a missed block) is not filled; it is counted as a
// discontinuity.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/spsc_ring.h"
#include "dsp/sound_file.h"
#include "graph/node.h"
#include "graph/node_options.h"

namespace ac {

class FileRecorderNode final : public Node {
 public:
  FileRecorderNode(const NodeOptions& options, const NodeLayout& layout);
  ~FileRecorderNode() override;

  Expected<void> prepare(const StreamConfig& config) override;
  Expected<void> activate() override;                   // creates the file, starts the writer
  void deactivate() override;                           // drains, finalises the file
  void process(ProcessContext& ctx) noexcept override;  // [audio]

  uint64_t dropped_frames() const { return dropped_.load(std::memory_order_relaxed); }
  // Silent frames written in place of blocks the driver skipped.
  uint64_t filled_frames() const { return filled_.load(std::memory_order_relaxed); }
  // Jumps in the timeline too large to fill (clock steps, either way).
  uint64_t discontinuities() const { return discontinuities_.load(std::memory_order_relaxed); }
  // Frames handed to the writer, silence included (the file's length once
  // the writer has drained them).
  int64_t frames_recorded() const { return recorded_.load(std::memory_order_relaxed); }
  // [control] "" while healthy, else what went wrong on the writer thread.
  std::string writer_error() const;
  const std::string& path() const { return path_; }

 private:
  void writer_loop();
  // [audio] Queues interleaved frames for the writer (waiting for it offline).
  void push(std::span<const float> frames, FrameCount count) noexcept;
  // [audio] Fills the gap between the last call and one at `time`.
  void fill_gap(SampleTime time) noexcept;

  std::string path_;
  SoundFileSpec spec_;
  StreamConfig config_;
  std::unique_ptr<SpscRing<float>> ring_;  // interleaved samples
  std::vector<float> interleave_;          // audio side scratch, max_block x channels
  std::vector<float> silence_;             // max_block x channels of zeros
  int64_t next_time_ = -1;                 // [audio] where the timeline continues; -1 before the first call
  int64_t max_gap_ = 0;                    // frames: a longer jump is a discontinuity
  std::unique_ptr<SoundFileWriter> writer_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::string error_;  // written by the writer thread before failed_ is set
  std::atomic<uint64_t> dropped_{0};
  std::atomic<int64_t> recorded_{0};
  std::atomic<uint64_t> filled_{0};
  std::atomic<uint64_t> discontinuities_{0};
};

}  // namespace ac
