#pragma once
// The serial executor: runs a Plan's steps in order, one block at a time,
// on the calling (audio) thread. Parameter events land on their exact frame:
// a node's block is cut at every event that falls inside it.
#include "core/sample_time.h"
#include "graph/plan.h"

namespace ac {

// [audio] Runs one block of `frames` (1..plan.config.max_block) frames whose
// first frame is at `time`. `host` carries the driver's input and output
// (may be null). No allocation, no locks, bounded time; adds each step's cost
// in cycle_now() ticks to plan.run.counters[step].ticks.
void run_block(Plan& plan, SampleTime time, FrameCount frames, HostIo* host) noexcept;

// Something that runs a Plan one block at a time. Drivers hold one.
class Executor {
 public:
  virtual ~Executor() = default;
  // [audio] One block, as run_block() describes; no allocation, no locks.
  virtual void run(Plan& plan, SampleTime time, FrameCount frames, HostIo* host) noexcept = 0;
  // [any] Threads that run nodes, the caller's included.
  virtual uint32_t threads() const = 0;
};

// Runs every step on the calling thread, in Plan order.
class SerialExecutor final : public Executor {
 public:
  void run(Plan& plan, SampleTime time, FrameCount frames, HostIo* host) noexcept override;
  uint32_t threads() const override { return 1; }
};

// [audio] Building blocks shared by the executors: one step of one block
// (mixing its inputs, cutting it at events), and the view windows for a
// block of `frames` frames (call once per block, before any step).
void run_step(Plan& plan, size_t step, SampleTime time, FrameCount frames, HostIo* host) noexcept;
void set_block_frames(Plan& plan, FrameCount frames) noexcept;
// [audio] Cost accounting: a step's ticks for this block (and the overrun
// policy), then the whole block's (DSP load, deadline misses charged to the
// slowest step).
void account_step(Plan& plan, size_t step, uint64_t ticks, FrameCount frames) noexcept;
void finish_block(Plan& plan, uint64_t ticks, FrameCount frames) noexcept;

// [control] Clears the per-run state (event cursors, alignment delays, cost
// counters) and resets every node, for a fresh run of the same Plan.
void rewind(Plan& plan);

}  // namespace ac
