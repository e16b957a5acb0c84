#pragma once
// A Plan is a compiled graph: the nodes in the order they run, every input
// and output channel bound to a buffer in one pre-allocated pool, the delay
// lines that align parallel paths, and each node's timed events. Its shape
// (everything but `run`) is fixed once compile() returns; the executor that
// runs it writes only PlanRunState (view windows, event cursors, delay
// lines, cost counters) and the contents of the buffers, event buffers and
// inboxes the shape points at. Nothing in it allocates after compile().
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/audio_view.h"
#include "core/sample_time.h"
#include "graph/graph.h"
#include "graph/node.h"

namespace ac {

inline constexpr uint32_t kNoIndex = UINT32_MAX;

// How one input channel of a step gets its samples.
struct PlanInputChannel {
  enum class Mode : uint8_t {
    silent,  // nothing connected: reads the shared zero buffer
    alias,   // exactly one source, no alignment delay: reads it in place
    mix,     // summed (and/or delayed) into its own buffer before the step
  };
  Mode mode = Mode::silent;
  uint32_t buffer = kNoIndex;  // alias: the source's; mix: its own
  uint32_t first_source = 0;   // mix: into Plan::sources
  uint32_t source_count = 0;
};

// One term of a mix, summed in Plan order (the file's connection order).
struct PlanSource {
  Connection::Fade fade = Connection::Fade::none;  // during a hot swap
  uint32_t buffer = 0;
  uint32_t delay_line = kNoIndex;  // alignment delay, or none
};

// A delay inserted by latency compensation on one connection. Shared by
// Plans: a hot swap carries it (and the audio in it) into the next Plan when
// the same connection between the same node instances needs the same delay.
struct AlignmentDelay {
  FrameCount frames = 0;
  std::vector<float> ring;  // `frames` samples
  uint32_t pos = 0;
  // What it delays: the node instances and channels at either end.
  const Node* src = nullptr;
  uint32_t src_port = 0, src_channel = 0;
  const Node* dst = nullptr;
  uint32_t dst_port = 0, dst_channel = 0;
};

struct PlanStep {
  enum class Kind : uint8_t {
    process,      // the whole node
    cycle_read,   // the read half of a node that closes a cycle
    cycle_write,  // its write half
  };
  Kind kind = Kind::process;
  uint32_t node = 0;              // index into Graph::nodes / Plan::nodes
  uint32_t first_input_view = 0;  // into in_views (one per input port)
  uint32_t input_ports = 0;
  uint32_t first_output_view = 0;  // into out_views
  uint32_t output_ports = 0;
  uint32_t first_input_channel = 0;  // into input_channels
  uint32_t input_channels_count = 0;
  uint32_t first_event = 0;  // into events
  uint32_t event_count = 0;
  uint32_t first_successor = 0;  // into Plan::successors: steps that read this one
  uint32_t successor_count = 0;
  uint32_t first_cross_pred = 0;  // into Plan::cross_preds: inputs made on another thread
  uint32_t cross_pred_count = 0;
  bool read_across = false;  // another thread reads this step (parallel plans)
  // Overrun policy (graph file `budget:`): over `budget_share` of the block
  // period for `budget_after` blocks in a row, the node is bypassed.
  float budget_share = 0.0f;  // 0: no budget
  uint32_t budget_after = 0;
  bool bypass_passes = true;  // pass inputs through (else silence)
  bool has_mix = false;       // any input channel in mix mode
  // Event ports: pointers into Plan::event_in_ptrs / event_out_ptrs, and the
  // inputs with several sources, merged before the step runs.
  uint32_t first_event_in = 0, event_in_ports = 0;
  uint32_t first_event_out = 0, event_out_ports = 0;
  uint32_t first_event_merge = 0, event_merge_count = 0;
  uint32_t host_slot = 0;                                   // host event endpoints: the driver stream's slot
  uint32_t inbox = kNoIndex;                                // into Plan::inboxes: run-time parameter changes
  uint32_t first_param_target = 0, param_target_count = 0;  // into Plan::param_targets
  Node* node_ptr = nullptr;                                 // == Plan::nodes[node].get(), saves a hop
};

// An event input fed by several outputs: they are merged into `target`
// before the step runs, in frame order (ties: connection order).
struct PlanEventMerge {
  uint32_t target = 0;        // into Plan::event_buffers
  uint32_t first_source = 0;  // into Plan::event_merge_sources
  uint32_t source_count = 0;
};

// A parameter event bound to its step.
struct PlanEvent {
  SampleTime at;
  ParamId param = 0;
  float value = 0.0f;
  FrameCount ramp_frames = 0;
};

// Per-step counters written from several threads, one cache line each so
// neighbouring steps on different threads do not slow each other down.
struct alignas(64) StepCounters {
  std::atomic<uint64_t> last{0};         // ticks in the latest block
  std::atomic<uint64_t> max{0};          // most ticks in one block
  std::atomic<uint64_t> misses{0};       // missed deadlines this step was the slowest in
  std::atomic<uint32_t> over_in_row{0};  // consecutive blocks over its budget
  std::atomic<bool> bypassed{false};     // set by the overrun policy, cleared by restore_node()
  // The parallel block in which the step last finished; written only for
  // steps read by another thread, which wait for it.
  std::atomic<uint64_t> done_block{0};
  std::atomic<uint64_t> ticks{0};  // accumulated cost, cycle_now() ticks
};

// Block-level deadline accounting, written only by the thread that runs
// blocks (the driver), read by control threads.
struct alignas(64) BlockCounters {
  std::atomic<uint64_t> blocks{0};
  std::atomic<uint64_t> misses{0};      // blocks that took longer than their period
  std::atomic<uint64_t> last_ticks{0};  // the latest block
  std::atomic<uint64_t> max_ticks{0};
  std::atomic<uint64_t> total_ticks{0};
  std::atomic<uint64_t> total_frames{0};
};

// A parameter value applied when a Plan goes live (a kept node whose
// initial value changed in the new graph).
struct SwapSet {
  uint32_t node = 0;
  ParamId param = 0;
  float value = 0.0f;
};

// One thread's steps in a parallel Plan: a range of PlanSchedule::list_steps.
struct ThreadListRange {
  uint32_t begin = 0, end = 0;
};

// The static schedule of a parallel Plan (CompileOptions::threads > 1): per
// thread, the steps it runs in order; per step, the inputs it waits for
// from other threads.
struct PlanSchedule {
  uint32_t threads = 1;
  std::vector<uint32_t> list_steps;    // every thread's steps, list after list
  std::vector<ThreadListRange> lists;  // per thread: its steps in list_steps
  std::vector<uint32_t> step_list;     // per step: which list holds it
  std::vector<uint32_t> cross_preds;   // PlanStep::first_cross_pred indexes here
};

// The buffer pool: `count` buffers of config.max_block frames, plus one
// zero buffer that no node writes. Buffers start on cache lines and are
// padded to whole lines, so steps on different threads never write to the
// same line. In a parallel Plan each thread's buffers also lie in pages of
// their own: a core's prefetcher streams ahead through the page it is
// reading, and would otherwise keep pulling in the lines the other core is
// about to write (measured: 10 % of the wide graph's time on 2 threads).
struct PlanBuffers {
  uint32_t count = 0;
  uint32_t naive_count = 0;  // what one buffer per output channel and mix would take
  size_t stride = 0;         // floats per buffer, whole lines
  std::vector<float> pool;
  float* base = nullptr;       // pool.data() rounded up to a page
  std::vector<size_t> offset;  // per buffer: floats from base
  std::vector<float> zero;
  std::vector<const float*> in_pointers;  // channel tables for the input views
  std::vector<float*> out_pointers;       // channel tables for the output views
  float* buffer(uint32_t i) { return base + offset[i]; }
};

// Event and parameter routing: where each step's event ports read and
// write, and where run-time parameter changes wait for their node.
struct PlanRouting {
  // event_buffers[0] is always empty (unconnected inputs); then one buffer
  // per event output port and per merged input.
  std::vector<EventBuffer> event_buffers;
  std::vector<const EventBuffer*> event_in_ptrs;  // per step, per event input
  std::vector<EventBuffer*> event_out_ptrs;       // per step, per event output
  std::vector<PlanEventMerge> event_merges;
  std::vector<uint32_t> event_merge_sources;
  // One inbox per node with parameters (on its process or read-half step),
  // and the targets nodes drive, per step.
  std::vector<ParamInbox> inboxes;
  std::vector<ParamTargetRef> param_targets;
  std::vector<uint32_t> node_inbox;  // per graph node: its inbox, or kNoIndex
  // Host event endpoints, by slot: graph node indices.
  std::vector<uint32_t> host_event_inputs;
  std::vector<uint32_t> host_event_outputs;
};

// One thread list's state while a parallel Plan runs.
struct alignas(64) ThreadList {
  uint32_t progress = 0;          // steps done this block; written back by the holder on release
  std::atomic<uint32_t> held{0};  // 1 while a thread runs it
  // Its own cache line: other threads spin on it at the end of a block, and
  // must not be disturbed by (or disturb) the holder's work.
  alignas(64) std::atomic<uint64_t> done_block{0};  // the block in which it finished
};

// What changes while a Plan runs, written only by the executor running it
// (counters also read by control threads, through relaxed atomics).
struct PlanRunState {
  std::vector<ConstAudioView> in_views;  // per step, per input port
  std::vector<AudioView> out_views;      // per step, per output port
  FrameCount view_frames = 0;            // the window every view holds between cuts
  std::vector<uint32_t> event_cursor;    // per step: its next timed event
  // Alignment delays and the audio in them, indexed by PlanSource::delay_line.
  std::vector<std::shared_ptr<AlignmentDelay>> delays;
  std::unique_ptr<StepCounters[]> counters;  // per step
  BlockCounters block_counters;
  std::unique_ptr<ThreadList[]> lists;  // parallel Plans: per thread list
  uint64_t parallel_blocks = 0;         // blocks run by a parallel executor
  std::atomic<int64_t> live_since{-1};  // set by the audio thread at the swap
};

struct Plan {
  // ---- the compiled shape: fixed once compile() returns ----
  StreamConfig config;
  // Hot swap: fades on connections run from the block the Plan goes live.
  FrameCount fade_frames = 480;
  bool has_fades = false;
  std::vector<SwapSet> swap_sets;
  double ticks_per_frame = 0.0;              // cycle_now() ticks in one frame's period
  bool parallel_safe = false;                // buffers reused only along dependencies
  std::vector<std::shared_ptr<Node>> nodes;  // by graph node index
  std::vector<std::string> node_ids;
  std::vector<std::string> node_types;
  std::vector<PlanStep> steps;  // run in this order
  std::vector<PlanInputChannel> input_channels;
  std::vector<PlanSource> sources;
  std::vector<PlanEvent> events;
  std::vector<uint32_t> successors;  // step indices, per step (deduplicated)
  PlanRouting routing;
  PlanBuffers buffers;
  PlanSchedule schedule;

  // Latency, per graph node: frames from the graph's sources to the node's
  // output, after compensation.
  std::vector<FrameCount> node_latency;    // the node's own
  std::vector<FrameCount> output_latency;  // at its output
  FrameCount total_latency = 0;            // at the host output (or max)
  uint32_t host_output_node = kNoIndex;
  uint32_t host_input_node = kNoIndex;
  uint32_t host_output_channels = 0;
  uint32_t host_input_channels = 0;

  // ---- what changes while it runs ----
  PlanRunState run;

  float* buffer(uint32_t i) { return buffers.buffer(i); }
};

}  // namespace ac
