#pragma once
// The interface every node implements: built-in DSP, plug-ins, drivers'
// endpoints and network links alike (docs/architecture.md, "One graph").
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/audio_view.h"
#include "core/event_buffer.h"
#include "core/expected.h"
#include "core/sample_time.h"
#include "graph/node_taps.h"
#include "graph/param_inbox.h"
#include "graph/param_spec.h"
#include "graph/smoothed_param.h"

namespace ac {

// What every node is prepared for. Fixed for the lifetime of a Plan.
struct StreamConfig {
  double sample_rate = 48000.0;
  FrameCount max_block = 64;  // no process() call is longer than this
  // False for offline rendering: a node may then wait for its helper threads
  // (a recorder's disk writer) instead of dropping data. Never wait when true.
  bool realtime = true;
  // Non-empty when the block times are the PTP media clock (samples since
  // the PTP epoch): the reference clock as RFC 7273 names it,
  // "ptp=IEEE1588-2008:39-A7-94-FF-FE-07-CB-D0:0". Streams timestamp on it
  // and play on it.
  std::string media_clock;
};

// Host audio handed to the graph's `input` and `output` endpoint nodes.
struct HostIo {
  ConstAudioView input;
  AudioView output;
  // The driver's event streams (JACK MIDI ports ...) by slot, for the host
  // event endpoints; `at` is relative to the start of this block.
  const EventBuffer* const* event_input = nullptr;
  uint32_t event_input_count = 0;
  EventBuffer* const* event_output = nullptr;
  uint32_t event_output_count = 0;
};

// What a node sees for one call of process(). Views only; nothing here owns
// memory. `frames` may be shorter than a block: the executor cuts a block at
// every parameter event so each lands on its exact frame.
struct ProcessContext {
  SampleTime time;                         // media-clock time of the first frame of this call
  FrameCount frames = 0;                   // == inputs[i].frames == outputs[i].frames
  const ConstAudioView* inputs = nullptr;  // one view per input port
  const AudioView* outputs = nullptr;      // one view per output port
  uint32_t input_count = 0;
  uint32_t output_count = 0;
  HostIo* host = nullptr;        // only endpoint nodes use it
  FrameOffset block_offset = 0;  // where this call's first frame sits in the block
  // Event ports, one buffer each, holding the whole block's events (`at` is
  // block-relative). Inputs are read-only; an output is cleared before the
  // node's first call in a block.
  const EventBuffer* const* event_inputs = nullptr;
  EventBuffer* const* event_outputs = nullptr;
  uint32_t event_input_count = 0;
  uint32_t event_output_count = 0;
  uint32_t host_slot = 0;  // host event endpoints: which of the driver's event streams
  // Parameters of other nodes this node drives (its type's target options,
  // in option order); see set_target().
  const ParamTargetRef* param_targets = nullptr;
  uint32_t param_target_count = 0;

  const ConstAudioView& in(uint32_t port) const noexcept { return inputs[port]; }
  const AudioView& out(uint32_t port) const noexcept { return outputs[port]; }
  // [audio] The events of event input `port` that fall in this call.
  EventSpan events_in(uint32_t port) const noexcept {
    return event_inputs[port]->window(block_offset, block_offset + frames);
  }
  // [audio] Sets target `i`'s parameter at `frame` frames into this call.
  bool set_target(uint32_t i, FrameOffset frame, float value, FrameCount ramp_frames = 0) const noexcept {
    if (i >= param_target_count) return false;
    return param_targets[i].inbox->push({block_offset + frame, param_targets[i].param, value, ramp_frames});
  }
  // [audio] Emits on event output `port` at `frame` frames into this call.
  bool emit(uint32_t port, FrameOffset frame, const uint32_t (&words)[4]) const noexcept {
    UmpEvent e;
    e.at = block_offset + frame;
    for (int i = 0; i < 4; ++i) e.words[i] = words[i];
    return event_outputs[port]->push(e);
  }
};

class Node {
 public:
  // [control] `params` are the automatable parameters, in ParamId order; each
  // starts at its spec's default.
  explicit Node(const std::vector<ParamSpec>& params);
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // [control] May allocate. Called once before the node enters a Plan.
  virtual Expected<void> prepare(const StreamConfig& config) = 0;

  // [control] Called once the Plan is compiled, before its first block: open
  // what the node writes (a recorder's file) here, so that a graph that fails
  // to compile leaves nothing behind.
  virtual Expected<void> activate() { return {}; }

  // [control] Called after the last block: flush and close. Idempotent.
  virtual void deactivate() {}

  // [audio] noexcept, no allocation, no locks, bounded time. Must advance
  // every automatable parameter by exactly ctx.frames (next() per frame or
  // advance()). Inputs are read-only and never alias outputs.
  virtual void process(ProcessContext& ctx) noexcept = 0;

  // [audio] Back to the state right after prepare() (parameters keep their
  // values).
  virtual void reset() noexcept {}

  // [any] Frames by which the node's output lags its input.
  virtual FrameCount latency() const { return 0; }

  // [audio] (also [control] before the node enters a Plan) Applies a
  // parameter change at the current frame: ramp_frames 0 or 1 jumps, longer
  // ramps linearly. Out-of-range ids are ignored. A node may override it to
  // add smoothing, but must keep the meaning.
  virtual void set_param(ParamId id, float value, FrameCount ramp_frames) noexcept;

  // A node that can close a feedback cycle (a delay) is split by the compiler
  // into a read half, run early in the block, and a write half, run after its
  // input is ready. Only valid when every delay it applies is at least one
  // block. [control]
  virtual bool can_close_cycle() const { return false; }
  // [control] Smallest delay, in frames, the node applies from its current
  // parameters (checked against the block size when it closes a cycle).
  virtual FrameCount min_cycle_delay() const { return 0; }
  // [audio] The read half: fill outputs from state only (inputs are absent).
  virtual void process_cycle_read(ProcessContext&) noexcept {}
  // [audio] The write half: consume inputs (outputs are absent).
  virtual void process_cycle_write(ProcessContext&) noexcept {}

  // [control] The node's state as bytes, to carry it into a replacement when
  // a hot swap changes the node's options (a plug-in swapped for a newer
  // build of itself). Safe while the node runs. Default: no state.
  virtual Expected<std::vector<uint8_t>> save_state();
  // [control] Before the node enters a Plan. Refuses state it cannot use.
  virtual Expected<void> load_state(std::span<const uint8_t> state);

  // [control] Why the node is not doing its work ("" when it is): a
  // plug-in that trapped and is bypassed. Read while the node runs.
  virtual std::string fault() const { return {}; }

  // [control] Counters a user should hear of at the end of a run (events
  // dropped because a queue was full ...), a line each; "" when there is
  // nothing to say. Read while the node runs.
  virtual std::vector<std::string> counters() const { return {}; }

  // [control] The levels the node measures, if it is a meter (null if not).
  virtual LevelSource* levels() { return nullptr; }
  // [control] Where events from outside the graph enter it (null if not).
  virtual EventInlet* inlet() { return nullptr; }

  uint32_t param_count() const { return static_cast<uint32_t>(params_.size()); }
  // [any] Current value of a parameter (as of the last processed frame).
  float param_value(ParamId id) const { return params_[id].value(); }

 protected:
  SmoothedParam& param(ParamId id) noexcept { return params_[id]; }

 private:
  std::vector<SmoothedParam> params_;
};

}  // namespace ac
