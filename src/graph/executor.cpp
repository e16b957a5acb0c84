#include "graph/executor.h"

#include <algorithm>
#include <cstring>

#include "core/audio_section.h"
#include "core/cycle_clock.h"

namespace ac {
namespace {

// Moves `frames` samples through an alignment delay into `dst`, replacing or
// adding to what is there.
void run_delay(AlignmentDelay& d, const float* src, float* dst, FrameCount frames, bool add) noexcept {
  float* ring = d.ring.data();
  uint32_t pos = d.pos;
  for (FrameCount i = 0; i < frames; ++i) {
    const float out = ring[pos];
    ring[pos] = src[i];
    dst[i] = add ? dst[i] + out : out;
    if (++pos == d.frames) pos = 0;
  }
  d.pos = pos;
}

void gather_inputs(Plan& plan, const PlanStep& step, FrameCount frames) noexcept {
  const PlanInputChannel* chans = plan.input_channels.data() + step.first_input_channel;
  for (uint32_t i = 0; i < step.input_channels_count; ++i) {
    const PlanInputChannel& in = chans[i];
    if (in.mode != PlanInputChannel::Mode::mix) continue;
    float* dst = plan.buffer(in.buffer);
    for (uint32_t k = 0; k < in.source_count; ++k) {
      const PlanSource& src = plan.sources[in.first_source + k];
      const float* s = plan.buffer(src.buffer);
      const bool add = k > 0;
      if (src.delay_line != kNoIndex) {
        run_delay(plan.delays[src.delay_line], s, dst, frames, add);
      } else if (add) {
        for (FrameCount f = 0; f < frames; ++f) dst[f] += s[f];
      } else {
        std::memcpy(dst, s, frames * sizeof(float));
      }
    }
  }
}

void set_window(Plan& plan, const PlanStep& step, FrameOffset offset, FrameCount frames) noexcept {
  ConstAudioView* in = plan.in_views.data() + step.first_input_view;
  for (uint32_t p = 0; p < step.input_ports; ++p) {
    in[p].offset = offset;
    in[p].frames = frames;
  }
  AudioView* out = plan.out_views.data() + step.first_output_view;
  for (uint32_t p = 0; p < step.output_ports; ++p) {
    out[p].offset = offset;
    out[p].frames = frames;
  }
}

void call(Node& node, PlanStep::Kind kind, ProcessContext& ctx) noexcept {
  switch (kind) {
    case PlanStep::Kind::process:
      node.process(ctx);
      break;
    case PlanStep::Kind::cycle_read:
      node.process_cycle_read(ctx);
      break;
    case PlanStep::Kind::cycle_write:
      node.process_cycle_write(ctx);
      break;
  }
}

}  // namespace

void set_block_frames(Plan& plan, FrameCount frames) noexcept {
  // Views hold the whole block between cuts; rewrite them only when the
  // block length changes (rare: the last block of a render).
  if (frames == plan.view_frames) return;
  for (auto& v : plan.in_views) v.frames = frames;
  for (auto& v : plan.out_views) v.frames = frames;
  plan.view_frames = frames;
}

void run_step(Plan& plan, size_t s, SampleTime time, FrameCount frames, HostIo* host) noexcept {
  const PlanStep& step = plan.steps[s];
  Node& node = *step.node_ptr;
  if (step.has_mix) gather_inputs(plan, step, frames);
  ProcessContext ctx;
  ctx.host = host;
  ctx.inputs = plan.in_views.data() + step.first_input_view;
  ctx.outputs = plan.out_views.data() + step.first_output_view;
  ctx.input_count = step.input_ports;
  ctx.output_count = step.output_ports;
  ctx.time = time;
  ctx.frames = frames;
  ctx.block_offset = 0;

  uint32_t& cursor = plan.event_cursor[s];
  const PlanEvent* events = plan.events.data() + step.first_event;
  const SampleTime end = time + frames;
  if (cursor >= step.event_count || events[cursor].at >= end) {
    call(node, step.kind, ctx);
    return;
  }
  // Cut the block at every event inside it; events already due (at or
  // before the current frame) apply before the frame is processed.
  FrameOffset pos = 0;
  while (pos < frames) {
    const SampleTime now = time + pos;
    while (cursor < step.event_count && events[cursor].at <= now) {
      const PlanEvent& e = events[cursor++];
      node.set_param(e.param, e.value, e.ramp_frames);
    }
    FrameOffset stop = frames;
    if (cursor < step.event_count && events[cursor].at < end) {
      stop = static_cast<FrameOffset>(events[cursor].at - time);
    }
    set_window(plan, step, pos, stop - pos);
    ctx.time = now;
    ctx.frames = stop - pos;
    ctx.block_offset = pos;
    call(node, step.kind, ctx);
    pos = stop;
  }
  set_window(plan, step, 0, frames);
}

void run_block(Plan& plan, SampleTime time, FrameCount frames, HostIo* host) noexcept {
  AudioSection section;
  frames = std::min(frames, plan.config.max_block);
  set_block_frames(plan, frames);
  const size_t step_count = plan.steps.size();
  uint64_t t0 = cycle_now();
  for (size_t s = 0; s < step_count; ++s) {
    run_step(plan, s, time, frames, host);
    const uint64_t t1 = cycle_now();
    auto& ticks = plan.counters[s].ticks;
    ticks.store(ticks.load(std::memory_order_relaxed) + (t1 - t0), std::memory_order_relaxed);
    t0 = t1;
  }
}

void SerialExecutor::run(Plan& plan, SampleTime time, FrameCount frames, HostIo* host) noexcept {
  run_block(plan, time, frames, host);
}

void rewind(Plan& plan) {
  std::fill(plan.event_cursor.begin(), plan.event_cursor.end(), 0u);
  for (size_t s = 0; s < plan.steps.size(); ++s) plan.counters[s].ticks.store(0, std::memory_order_relaxed);
  for (auto& d : plan.delays) {
    std::fill(d.ring.begin(), d.ring.end(), 0.0f);
    d.pos = 0;
  }
  for (auto& n : plan.nodes) n->reset();
}

}  // namespace ac
