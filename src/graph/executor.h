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
// in cycle_now() ticks to plan.step_ticks.
void run_block(Plan& plan, SampleTime time, FrameCount frames, HostIo* host) noexcept;

// [control] Clears the per-run state (event cursors, alignment delays, cost
// counters) and resets every node, for a fresh run of the same Plan.
void rewind(Plan& plan);

}  // namespace ac
