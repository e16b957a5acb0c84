// The compiler's last phases: views, timed events, event and parameter
// routing, and the Plan's run state (graph/compile_phases.h).
#include "core/cycle_clock.h"
#include "graph/compile_phases.h"

namespace ac {
namespace {

// Views of one step's input ports. Channel tables are filled in by
// finish_plan() once every view exists (the tables may reallocate while
// growing): until then a view's `offset` holds where its table starts.
void add_input_views(CompileState& s, PlanStep& ps) {
  Plan& plan = s.plan;
  const GraphNode& gn = s.graph.nodes[ps.node];
  ps.first_input_view = static_cast<uint32_t>(plan.run.in_views.size());
  if (ps.kind == PlanStep::Kind::cycle_read) return;
  uint32_t ch_index = ps.first_input_channel;
  for (const PortSpec& port : gn.layout.inputs) {
    ConstAudioView v;
    v.channel_count = port.channels;
    v.frames = s.graph.block_size;
    v.offset = static_cast<FrameOffset>(plan.buffers.in_pointers.size());
    for (uint32_t c = 0; c < port.channels; ++c, ++ch_index) {
      const PlanInputChannel& in = plan.input_channels[ch_index];
      plan.buffers.in_pointers.push_back(in.mode == PlanInputChannel::Mode::silent ? plan.buffers.zero.data()
                                                                                   : plan.buffer(in.buffer));
    }
    plan.run.in_views.push_back(v);
  }
  ps.input_ports = static_cast<uint32_t>(gn.layout.inputs.size());
}

void add_output_views(CompileState& s, uint32_t step, PlanStep& ps) {
  Plan& plan = s.plan;
  const GraphNode& gn = s.graph.nodes[ps.node];
  ps.first_output_view = static_cast<uint32_t>(plan.run.out_views.size());
  if (ps.kind == PlanStep::Kind::cycle_write) return;
  size_t k = 0;
  for (const PortSpec& port : gn.layout.outputs) {
    AudioView v;
    v.channel_count = port.channels;
    v.frames = s.graph.block_size;
    v.offset = static_cast<FrameOffset>(plan.buffers.out_pointers.size());
    for (uint32_t c = 0; c < port.channels; ++c)
      plan.buffers.out_pointers.push_back(plan.buffer(s.out_channel_buffers[step][k++]));
    plan.run.out_views.push_back(v);
  }
  ps.output_ports = static_cast<uint32_t>(gn.layout.outputs.size());
}

// Events go to the step that reads the parameters: the whole node or the
// read half.
void add_timed_events(CompileState& s, PlanStep& ps) {
  Plan& plan = s.plan;
  ps.first_event = static_cast<uint32_t>(plan.events.size());
  if (ps.kind != PlanStep::Kind::cycle_write) {
    for (const TimedEvent& e : s.graph.events) {
      if (e.node == ps.node) plan.events.push_back({e.at, e.param, e.value, e.ramp_frames});
    }
  }
  ps.event_count = static_cast<uint32_t>(plan.events.size()) - ps.first_event;
}

// The first event buffer of each node's outputs ([0] is the empty one),
// and how many there are in all.
std::vector<uint32_t> first_event_outputs(const Graph& graph, uint32_t& count) {
  std::vector<uint32_t> first_out(graph.nodes.size(), 0);
  count = 1;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    first_out[i] = count;
    count += static_cast<uint32_t>(graph.nodes[i].layout.event_outputs.size());
  }
  return first_out;
}

// Host event endpoints get their driver stream slot: by default the
// endpoints of each direction in graph order.
void assign_host_slot(const CompileState& s, PlanStep& ps) {
  const PlanRouting& r = s.plan.routing;
  const GraphNode& gn = s.graph.nodes[ps.node];
  for (uint32_t slot = 0; slot < r.host_event_inputs.size(); ++slot) {
    if (r.host_event_inputs[slot] == ps.node) ps.host_slot = slot;
  }
  for (uint32_t slot = 0; slot < r.host_event_outputs.size(); ++slot) {
    if (r.host_event_outputs[slot] == ps.node) ps.host_slot = slot;
  }
  if (s.options.host_slot_of && (gn.type->is_host_event_input || gn.type->is_host_event_output))
    ps.host_slot = s.options.host_slot_of(gn);
}

}  // namespace

void make_views(CompileState& s) {
  for (uint32_t step = 0; step < s.plan.steps.size(); ++step) {
    PlanStep& ps = s.plan.steps[step];
    add_input_views(s, ps);
    add_output_views(s, step, ps);
    add_timed_events(s, ps);
  }
}

// One buffer per event output port (of the whole node or its read half);
// inputs alias their only source or get a merge buffer; unconnected inputs
// read the shared empty buffer.
void route_events(CompileState& s) {
  const Graph& graph = s.graph;
  PlanRouting& r = s.plan.routing;
  uint32_t count = 0;
  const std::vector<uint32_t> first_out = first_event_outputs(graph, count);
  // Sources of each event input, in connection order.
  std::map<std::pair<uint32_t, uint32_t>, std::vector<uint32_t>> feeds;
  for (const EventConnection& c : graph.event_connections)
    feeds[{c.dst_node, c.dst_port}].push_back(first_out[c.src_node] + c.src_port);
  for (const auto& [dst, sources] : feeds) {
    if (sources.size() > 1) ++count;
  }
  r.event_buffers = std::vector<EventBuffer>(count);
  uint32_t next_merge = count - 1;
  for (uint32_t i = 0; i < s.node_count; ++i) {
    if (graph.nodes[i].type->is_host_event_input) r.host_event_inputs.push_back(i);
    if (graph.nodes[i].type->is_host_event_output) r.host_event_outputs.push_back(i);
  }
  for (PlanStep& ps : s.plan.steps) {
    const GraphNode& gn = graph.nodes[ps.node];
    assign_host_slot(s, ps);
    ps.first_event_in = static_cast<uint32_t>(r.event_in_ptrs.size());
    ps.first_event_merge = static_cast<uint32_t>(r.event_merges.size());
    if (ps.kind != PlanStep::Kind::cycle_read) {
      for (uint32_t p = 0; p < gn.layout.event_inputs.size(); ++p) {
        auto f = feeds.find({ps.node, p});
        uint32_t buffer = 0;
        if (f != feeds.end() && f->second.size() == 1) {
          buffer = f->second[0];
        } else if (f != feeds.end()) {
          buffer = next_merge--;
          r.event_merges.push_back(
              {buffer, static_cast<uint32_t>(r.event_merge_sources.size()), static_cast<uint32_t>(f->second.size())});
          r.event_merge_sources.insert(r.event_merge_sources.end(), f->second.begin(), f->second.end());
        }
        r.event_in_ptrs.push_back(&r.event_buffers[buffer]);
      }
      ps.event_in_ports = static_cast<uint32_t>(gn.layout.event_inputs.size());
    }
    ps.event_merge_count = static_cast<uint32_t>(r.event_merges.size()) - ps.first_event_merge;
    ps.first_event_out = static_cast<uint32_t>(r.event_out_ptrs.size());
    if (ps.kind != PlanStep::Kind::cycle_write) {
      for (uint32_t p = 0; p < gn.layout.event_outputs.size(); ++p)
        r.event_out_ptrs.push_back(&r.event_buffers[first_out[ps.node] + p]);
      ps.event_out_ports = static_cast<uint32_t>(gn.layout.event_outputs.size());
    }
  }
}

// Inboxes for run-time parameter changes, and the pointers nodes that
// drive other nodes' parameters write through.
void route_params(CompileState& s) {
  PlanRouting& r = s.plan.routing;
  r.node_inbox.assign(s.node_count, kNoIndex);
  uint32_t count = 0;
  for (uint32_t i = 0; i < s.node_count; ++i) {
    if (!s.graph.nodes[i].layout.params.empty()) r.node_inbox[i] = count++;
  }
  r.inboxes = std::vector<ParamInbox>(count);
  for (PlanStep& ps : s.plan.steps) {
    if (ps.kind != PlanStep::Kind::cycle_write) ps.inbox = r.node_inbox[ps.node];
    ps.first_param_target = static_cast<uint32_t>(r.param_targets.size());
    if (ps.kind == PlanStep::Kind::cycle_read) continue;  // targets are driven from the inputs' side
    for (const ParamTarget& t : s.graph.nodes[ps.node].param_targets)
      r.param_targets.push_back({&r.inboxes[r.node_inbox[t.node]], t.param});
    ps.param_target_count = static_cast<uint32_t>(r.param_targets.size()) - ps.first_param_target;
  }
}

void finish_plan(CompileState& s) {
  Plan& plan = s.plan;
  for (auto& v : plan.run.in_views) {
    v.channels = plan.buffers.in_pointers.data() + v.offset;
    v.offset = 0;
  }
  for (auto& v : plan.run.out_views) {
    v.channels = plan.buffers.out_pointers.data() + v.offset;
    v.offset = 0;
  }
  plan.run.view_frames = s.graph.block_size;
  const size_t n = plan.steps.size();
  plan.run.event_cursor.assign(n, 0);
  plan.run.counters = std::make_unique<StepCounters[]>(n);
  plan.ticks_per_frame = cycle_ticks_per_second() / s.graph.sample_rate;
  if (!s.parallel()) return;
  PlanSchedule& sched = plan.schedule;
  sched.threads = s.options.threads;
  plan.run.lists = std::make_unique<ThreadList[]>(sched.threads);
  sched.step_list = s.schedule.thread_of;
  for (uint32_t t = 0; t < sched.threads; ++t) {
    const auto begin = static_cast<uint32_t>(sched.list_steps.size());
    sched.list_steps.insert(sched.list_steps.end(), s.schedule.lists[t].begin(), s.schedule.lists[t].end());
    sched.lists.push_back({begin, static_cast<uint32_t>(sched.list_steps.size())});
  }
  for (uint32_t step = 0; step < n; ++step) {
    PlanStep& ps = plan.steps[step];
    ps.first_cross_pred = static_cast<uint32_t>(sched.cross_preds.size());
    for (uint32_t p : s.preds[step]) {
      if (s.schedule.thread_of[p] == s.schedule.thread_of[step]) continue;
      sched.cross_preds.push_back(p);
      plan.steps[p].read_across = true;
    }
    ps.cross_pred_count = static_cast<uint32_t>(sched.cross_preds.size()) - ps.first_cross_pred;
  }
}

}  // namespace ac
