#include "graph/executor.h"

#include <algorithm>
#include <cmath>
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

// Gain of a fading connection at `frame` frames into its fade: a raised
// cosine, so the gain's slope is zero at both ends.
float fade_gain(Connection::Fade fade, int64_t frame, FrameCount length) noexcept {
  if (frame >= length) return fade == Connection::Fade::in ? 1.0f : 0.0f;
  const double x = frame <= 0 ? 0.0 : static_cast<double>(frame) / length;
  const auto g = static_cast<float>(0.5 - 0.5 * std::cos(3.14159265358979323846 * x));
  return fade == Connection::Fade::in ? g : 1.0f - g;
}

void gather_inputs(Plan& plan, const PlanStep& step, SampleTime time, FrameCount frames) noexcept {
  const PlanInputChannel* chans = plan.input_channels.data() + step.first_input_channel;
  const int64_t since = plan.has_fades ? plan.run.live_since.load(std::memory_order_relaxed) : 0;
  for (uint32_t i = 0; i < step.input_channels_count; ++i) {
    const PlanInputChannel& in = chans[i];
    if (in.mode != PlanInputChannel::Mode::mix) continue;
    float* dst = plan.buffer(in.buffer);
    for (uint32_t k = 0; k < in.source_count; ++k) {
      const PlanSource& src = plan.sources[in.first_source + k];
      const float* s = plan.buffer(src.buffer);
      const bool add = k > 0;
      if (src.delay_line != kNoIndex) {
        run_delay(*plan.run.delays[src.delay_line], s, dst, frames, add);
      } else if (src.fade != Connection::Fade::none) {
        const int64_t start = time.value - since;
        for (FrameCount f = 0; f < frames; ++f) {
          const float v = fade_gain(src.fade, start + f, plan.fade_frames) * s[f];
          dst[f] = add ? dst[f] + v : v;
        }
      } else if (add) {
        for (FrameCount f = 0; f < frames; ++f) dst[f] += s[f];
      } else {
        std::memcpy(dst, s, frames * sizeof(float));
      }
    }
  }
}

// Merges several event outputs into one input's buffer: frame order, ties
// in connection order. Bounded by the sources' sizes; never allocates.
void merge_events(Plan& plan, const PlanStep& step) noexcept {
  for (uint32_t m = 0; m < step.event_merge_count; ++m) {
    const PlanEventMerge& merge = plan.routing.event_merges[step.first_event_merge + m];
    EventBuffer& dst = plan.routing.event_buffers[merge.target];
    dst.clear();
    constexpr uint32_t kMaxSources = 64;
    uint32_t cursor[kMaxSources] = {};
    const uint32_t n = merge.source_count < kMaxSources ? merge.source_count : kMaxSources;
    for (;;) {
      uint32_t best = n;
      FrameOffset best_at = 0;
      for (uint32_t k = 0; k < n; ++k) {
        const EventSpan all =
            plan.routing.event_buffers[plan.routing.event_merge_sources[merge.first_source + k]].all();
        if (cursor[k] >= all.size()) continue;
        const FrameOffset at = all.first[cursor[k]].at;
        if (best == n || at < best_at) {
          best = k;
          best_at = at;
        }
      }
      if (best == n) break;
      const EventSpan all =
          plan.routing.event_buffers[plan.routing.event_merge_sources[merge.first_source + best]].all();
      dst.push(all.first[cursor[best]++]);
    }
  }
}

// Every event output starts the block empty; inputs with several sources
// are merged.
void prepare_events(Plan& plan, const PlanStep& step) noexcept {
  EventBuffer* const* out = plan.routing.event_out_ptrs.data() + step.first_event_out;
  for (uint32_t p = 0; p < step.event_out_ports; ++p) out[p]->clear();
  if (step.event_merge_count) merge_events(plan, step);
}

void set_window(Plan& plan, const PlanStep& step, FrameOffset offset, FrameCount frames) noexcept {
  ConstAudioView* in = plan.run.in_views.data() + step.first_input_view;
  for (uint32_t p = 0; p < step.input_ports; ++p) {
    in[p].offset = offset;
    in[p].frames = frames;
  }
  AudioView* out = plan.run.out_views.data() + step.first_output_view;
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
  if (frames == plan.run.view_frames) return;
  for (auto& v : plan.run.in_views) v.frames = frames;
  for (auto& v : plan.run.out_views) v.frames = frames;
  plan.run.view_frames = frames;
}

// A bypassed node: its events still apply (so it comes back with the right
// parameters) but it does not run; outputs get its inputs or silence.
void run_bypassed(Plan& plan, const PlanStep& step, size_t s, SampleTime time, FrameCount frames) noexcept {
  uint32_t& cursor = plan.run.event_cursor[s];
  const PlanEvent* events = plan.events.data() + step.first_event;
  while (cursor < step.event_count && events[cursor].at < time + frames) {
    const PlanEvent& e = events[cursor++];
    step.node_ptr->set_param(e.param, e.value, e.ramp_frames);
  }
  if (step.inbox != kNoIndex) {
    ParamInbox& inbox = plan.routing.inboxes[step.inbox];
    for (uint32_t i = 0; i < inbox.size(); ++i)
      step.node_ptr->set_param(inbox[i].param, inbox[i].value, inbox[i].ramp_frames);
    inbox.clear();
  }
  if (step.bypass_passes && step.event_in_ports > 0 && step.event_out_ports > 0) {
    for (const UmpEvent& e : plan.routing.event_in_ptrs[step.first_event_in]->all()) {
      plan.routing.event_out_ptrs[step.first_event_out]->push(e);
    }
  }
  const ConstAudioView* in = plan.run.in_views.data() + step.first_input_view;
  const AudioView* out = plan.run.out_views.data() + step.first_output_view;
  for (uint32_t p = 0; p < step.output_ports; ++p) {
    for (uint32_t c = 0; c < out[p].channel_count; ++c) {
      const bool pass = step.bypass_passes && p < step.input_ports && c < in[p].channel_count;
      if (pass)
        std::memcpy(out[p].channel(c), in[p].channel(c), frames * sizeof(float));
      else
        std::memset(out[p].channel(c), 0, frames * sizeof(float));
    }
  }
}

void run_step(Plan& plan, size_t s, SampleTime time, FrameCount frames, HostIo* host) noexcept {
  const PlanStep& step = plan.steps[s];
  Node& node = *step.node_ptr;
  if (step.has_mix) gather_inputs(plan, step, time, frames);
  if (step.event_out_ports || step.event_merge_count) prepare_events(plan, step);
  if (step.budget_share > 0.0f && plan.run.counters[s].bypassed.load(std::memory_order_relaxed)) {
    run_bypassed(plan, step, s, time, frames);
    return;
  }
  ProcessContext ctx;
  ctx.host = host;
  ctx.inputs = plan.run.in_views.data() + step.first_input_view;
  ctx.outputs = plan.run.out_views.data() + step.first_output_view;
  ctx.input_count = step.input_ports;
  ctx.output_count = step.output_ports;
  ctx.event_inputs = plan.routing.event_in_ptrs.data() + step.first_event_in;
  ctx.event_outputs = plan.routing.event_out_ptrs.data() + step.first_event_out;
  ctx.event_input_count = step.event_in_ports;
  ctx.event_output_count = step.event_out_ports;
  ctx.host_slot = step.host_slot;
  ctx.time = time;
  ctx.frames = frames;
  ctx.block_offset = 0;

  ctx.param_targets = plan.routing.param_targets.data() + step.first_param_target;
  ctx.param_target_count = step.param_target_count;

  uint32_t& cursor = plan.run.event_cursor[s];
  const PlanEvent* events = plan.events.data() + step.first_event;
  ParamInbox* inbox = step.inbox != kNoIndex ? &plan.routing.inboxes[step.inbox] : nullptr;
  const uint32_t inbox_size = inbox ? inbox->size() : 0;
  const SampleTime end = time + frames;
  if ((cursor >= step.event_count || events[cursor].at >= end) && inbox_size == 0) {
    call(node, step.kind, ctx);
    return;
  }
  // Cut the block at every event inside it; events already due (at or
  // before the current frame) apply before the frame is processed: the
  // file's first, then run-time changes (which win on the same frame).
  FrameOffset pos = 0;
  uint32_t next = 0;  // into the inbox
  while (pos < frames) {
    const SampleTime now = time + pos;
    while (cursor < step.event_count && events[cursor].at <= now) {
      const PlanEvent& e = events[cursor++];
      node.set_param(e.param, e.value, e.ramp_frames);
    }
    while (next < inbox_size && (*inbox)[next].at <= pos) {
      const ParamChange& c = (*inbox)[next++];
      node.set_param(c.param, c.value, c.ramp_frames);
    }
    FrameOffset stop = frames;
    if (cursor < step.event_count && events[cursor].at < end) {
      stop = static_cast<FrameOffset>(events[cursor].at - time);
    }
    if (next < inbox_size && (*inbox)[next].at < stop) stop = (*inbox)[next].at;
    set_window(plan, step, pos, stop - pos);
    ctx.time = now;
    ctx.frames = stop - pos;
    ctx.block_offset = pos;
    call(node, step.kind, ctx);
    pos = stop;
  }
  set_window(plan, step, 0, frames);
  if (inbox) inbox->clear();
}

void account_step(Plan& plan, size_t s, uint64_t ticks, FrameCount frames) noexcept {
  StepCounters& c = plan.run.counters[s];
  // One writer per step per block: plain load/store, no read-modify-write.
  c.ticks.store(c.ticks.load(std::memory_order_relaxed) + ticks, std::memory_order_relaxed);
  c.last.store(ticks, std::memory_order_relaxed);
  if (ticks > c.max.load(std::memory_order_relaxed)) c.max.store(ticks, std::memory_order_relaxed);
  const PlanStep& step = plan.steps[s];
  if (step.budget_share <= 0.0f || c.bypassed.load(std::memory_order_relaxed)) return;
  const double budget = step.budget_share * plan.ticks_per_frame * frames;
  if (static_cast<double>(ticks) <= budget) {
    c.over_in_row.store(0, std::memory_order_relaxed);
    return;
  }
  const uint32_t over = c.over_in_row.load(std::memory_order_relaxed) + 1;
  c.over_in_row.store(over, std::memory_order_relaxed);
  if (over >= step.budget_after) c.bypassed.store(true, std::memory_order_release);
}

void finish_block(Plan& plan, uint64_t ticks, FrameCount frames) noexcept {
  BlockCounters& b = plan.run.block_counters;
  b.blocks.store(b.blocks.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  b.last_ticks.store(ticks, std::memory_order_relaxed);
  b.total_ticks.store(b.total_ticks.load(std::memory_order_relaxed) + ticks, std::memory_order_relaxed);
  b.total_frames.store(b.total_frames.load(std::memory_order_relaxed) + frames, std::memory_order_relaxed);
  if (ticks > b.max_ticks.load(std::memory_order_relaxed)) b.max_ticks.store(ticks, std::memory_order_relaxed);
  if (static_cast<double>(ticks) <= plan.ticks_per_frame * frames) return;
  // A missed deadline is charged to the step that took longest in it. The
  // scan is bounded by the step count and happens only on a miss.
  b.misses.store(b.misses.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  size_t worst = 0;
  uint64_t worst_ticks = 0;
  for (size_t s = 0; s < plan.steps.size(); ++s) {
    const uint64_t t = plan.run.counters[s].last.load(std::memory_order_relaxed);
    if (t > worst_ticks) {
      worst_ticks = t;
      worst = s;
    }
  }
  if (!plan.steps.empty()) {
    auto& m = plan.run.counters[worst].misses;
    m.store(m.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
}

void run_block(Plan& plan, SampleTime time, FrameCount frames, HostIo* host) noexcept {
  AudioSection section;
  frames = std::min(frames, plan.config.max_block);
  set_block_frames(plan, frames);
  const size_t step_count = plan.steps.size();
  const uint64_t start = cycle_now();
  uint64_t t0 = start;
  for (size_t s = 0; s < step_count; ++s) {
    run_step(plan, s, time, frames, host);
    const uint64_t t1 = cycle_now();
    account_step(plan, s, t1 - t0, frames);
    t0 = t1;
  }
  finish_block(plan, t0 - start, frames);
}

void SerialExecutor::run(Plan& plan, SampleTime time, FrameCount frames, HostIo* host) noexcept {
  run_block(plan, time, frames, host);
}

void rewind(Plan& plan) {
  std::fill(plan.run.event_cursor.begin(), plan.run.event_cursor.end(), 0u);
  for (size_t s = 0; s < plan.steps.size(); ++s) {
    StepCounters& c = plan.run.counters[s];
    c.ticks.store(0, std::memory_order_relaxed);
    c.last.store(0, std::memory_order_relaxed);
    c.max.store(0, std::memory_order_relaxed);
    c.misses.store(0, std::memory_order_relaxed);
  }
  BlockCounters& b = plan.run.block_counters;
  for (auto* c : {&b.blocks, &b.misses, &b.last_ticks, &b.max_ticks, &b.total_ticks, &b.total_frames}) {
    c->store(0, std::memory_order_relaxed);
  }
  for (auto& d : plan.run.delays) {
    std::fill(d->ring.begin(), d->ring.end(), 0.0f);
    d->pos = 0;
  }
  for (auto& n : plan.nodes) n->reset();
}

}  // namespace ac
