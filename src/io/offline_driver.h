#pragma once
// The offline driver: runs a Plan as fast as the CPU allows, block by block,
// and writes the graph's `output` node to a sound file. Nothing waits on a
// clock; the result is the same bits on every run.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.h"
#include "dsp/sound_file.h"
#include "graph/plan.h"

namespace ac {

class Executor;

struct RenderOptions {
  int64_t frames = 0;                // how much to render
  Executor* executor = nullptr;      // runs the blocks; null = serial on this thread
  std::string output_path;           // "" = write no file
  std::optional<FileFormat> format;  // default: from the extension
  SampleEncoding encoding = SampleEncoding::pcm24;
  // Called every `progress_every` blocks and at the end, on the render
  // thread, between blocks (it may allocate and print).
  std::function<void(int64_t done, int64_t total)> progress;
  uint32_t progress_every = 256;
  // Between blocks, on the render thread: a Plan to go on with from frame
  // `done` (compiled for the same node instances, e.g. with a rebalanced
  // schedule), or null to keep the one running. The caller owns it and
  // carries the counters over; render_offline moves its event cursors past
  // `done`. RenderResult::step_seconds are then the last Plan's steps.
  std::function<Plan*(int64_t done)> replan;
};

struct OutputChannelStats {
  float peak = 0.0f;
  double rms = 0.0;
};

struct RenderResult {
  int64_t frames = 0;
  double wall_seconds = 0.0;
  double cpu_seconds = 0.0;                  // the render thread's CPU time
  std::vector<OutputChannelStats> channels;  // of the output node
  std::vector<double> step_seconds;          // per Plan step
};

// [control] Activates the Plan's nodes, renders, deactivates them (files
// finalised). Errors leave no output file behind.
Expected<RenderResult> render_offline(Plan& plan, const RenderOptions& options);

}  // namespace ac
