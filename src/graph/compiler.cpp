#include "graph/compiler.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <string>
#include <tuple>

#include "core/cycle_clock.h"
#include "graph/buffer_allocator.h"
#include "graph/static_schedule.h"
#include "graph/topology.h"

namespace ac {
namespace {

Unexpected fail(const SourceLocation& where, std::string message) {
  return unexpected(make_error(ErrorDomain::graph, std::move(message), where));
}

// A vertex of the execution graph: a whole node, or one half of a node that
// closes a cycle.
struct Vertex {
  uint32_t node;
  PlanStep::Kind kind;
};

// Key of one output or input channel of a node.
struct ChannelKey {
  uint32_t node, port, channel;
  bool operator<(const ChannelKey& o) const {
    return std::tie(node, port, channel) < std::tie(o.node, o.port, o.channel);
  }
};

// Event buffers and their wiring: one buffer per event output port (of the
// whole node or its read half), inputs alias their only source or get a
// merge buffer, unconnected inputs read the shared empty buffer. Host event
// endpoints get their driver stream slot.
void route_events(const Graph& graph, const HostSlotOf& host_slot_of, Plan& plan) {
  const auto node_count = static_cast<uint32_t>(graph.nodes.size());
  std::vector<uint32_t> first_out(node_count, 0);
  uint32_t count = 1;  // [0]: empty
  for (uint32_t i = 0; i < node_count; ++i) {
    first_out[i] = count;
    count += static_cast<uint32_t>(graph.nodes[i].layout.event_outputs.size());
  }
  // Sources of each event input, in connection order.
  std::map<std::pair<uint32_t, uint32_t>, std::vector<uint32_t>> feeds;
  for (const EventConnection& c : graph.event_connections) {
    feeds[{c.dst_node, c.dst_port}].push_back(first_out[c.src_node] + c.src_port);
  }
  for (const auto& [dst, sources] : feeds) {
    if (sources.size() > 1) ++count;
  }
  plan.event_buffers = std::vector<EventBuffer>(count);
  uint32_t next_merge = count - 1;
  for (uint32_t i = 0; i < node_count; ++i) {
    const GraphNode& gn = graph.nodes[i];
    if (gn.type->is_host_event_input) plan.host_event_inputs.push_back(i);
    if (gn.type->is_host_event_output) plan.host_event_outputs.push_back(i);
  }
  for (PlanStep& step : plan.steps) {
    const GraphNode& gn = graph.nodes[step.node];
    for (uint32_t slot = 0; slot < plan.host_event_inputs.size(); ++slot) {
      if (plan.host_event_inputs[slot] == step.node) step.host_slot = slot;
    }
    for (uint32_t slot = 0; slot < plan.host_event_outputs.size(); ++slot) {
      if (plan.host_event_outputs[slot] == step.node) step.host_slot = slot;
    }
    if (host_slot_of && (gn.type->is_host_event_input || gn.type->is_host_event_output))
      step.host_slot = host_slot_of(gn);
    step.first_event_in = static_cast<uint32_t>(plan.event_in_ptrs.size());
    step.first_event_merge = static_cast<uint32_t>(plan.event_merges.size());
    if (step.kind != PlanStep::Kind::cycle_read) {
      for (uint32_t p = 0; p < gn.layout.event_inputs.size(); ++p) {
        auto f = feeds.find({step.node, p});
        uint32_t buffer = 0;
        if (f != feeds.end() && f->second.size() == 1) {
          buffer = f->second[0];
        } else if (f != feeds.end()) {
          buffer = next_merge--;
          PlanEventMerge m;
          m.target = buffer;
          m.first_source = static_cast<uint32_t>(plan.event_merge_sources.size());
          m.source_count = static_cast<uint32_t>(f->second.size());
          plan.event_merge_sources.insert(plan.event_merge_sources.end(), f->second.begin(), f->second.end());
          plan.event_merges.push_back(m);
        }
        plan.event_in_ptrs.push_back(&plan.event_buffers[buffer]);
      }
      step.event_in_ports = static_cast<uint32_t>(gn.layout.event_inputs.size());
    }
    step.event_merge_count = static_cast<uint32_t>(plan.event_merges.size()) - step.first_event_merge;
    step.first_event_out = static_cast<uint32_t>(plan.event_out_ptrs.size());
    if (step.kind != PlanStep::Kind::cycle_write) {
      for (uint32_t p = 0; p < gn.layout.event_outputs.size(); ++p) {
        plan.event_out_ptrs.push_back(&plan.event_buffers[first_out[step.node] + p]);
      }
      step.event_out_ports = static_cast<uint32_t>(gn.layout.event_outputs.size());
    }
  }
}

// Inboxes for run-time parameter changes, and the pointers nodes that
// drive other nodes' parameters write through.
void route_params(const Graph& graph, Plan& plan) {
  const auto node_count = static_cast<uint32_t>(graph.nodes.size());
  plan.node_inbox.assign(node_count, kNoIndex);
  uint32_t count = 0;
  for (uint32_t i = 0; i < node_count; ++i) {
    if (!graph.nodes[i].layout.params.empty()) plan.node_inbox[i] = count++;
  }
  plan.inboxes = std::vector<ParamInbox>(count);
  for (PlanStep& step : plan.steps) {
    if (step.kind != PlanStep::Kind::cycle_write) step.inbox = plan.node_inbox[step.node];
    step.first_param_target = static_cast<uint32_t>(plan.param_targets.size());
    if (step.kind == PlanStep::Kind::cycle_read) continue;  // targets are driven from the inputs' side
    for (const ParamTarget& t : graph.nodes[step.node].param_targets) {
      plan.param_targets.push_back({&plan.inboxes[plan.node_inbox[t.node]], t.param});
    }
    step.param_target_count = static_cast<uint32_t>(plan.param_targets.size()) - step.first_param_target;
  }
}

// Per graph node, a cost relative to the median measured one (so that the
// scheduler's cross-thread penalty stays a fraction of a typical step);
// unknown nodes (0, or beyond `measured`) count as the median: 1.
std::vector<double> relative_node_costs(const std::vector<double>& measured, uint32_t nodes) {
  std::vector<double> known;
  for (uint32_t i = 0; i < nodes && i < measured.size(); ++i) {
    if (measured[i] > 0.0) known.push_back(measured[i]);
  }
  std::vector<double> out(nodes, 1.0);
  if (known.empty()) return out;
  const auto middle = known.begin() + static_cast<std::ptrdiff_t>(known.size() / 2);
  std::nth_element(known.begin(), middle, known.end());
  const double median = *middle;
  for (uint32_t i = 0; i < nodes && i < measured.size(); ++i) {
    if (measured[i] > 0.0) out[i] = measured[i] / median;
  }
  return out;
}

}  // namespace

Expected<std::unique_ptr<Plan>> compile(const Graph& graph, const CompileOptions& options) {
  auto plan = std::make_unique<Plan>();
  plan->config.sample_rate = graph.sample_rate;
  plan->config.max_block = graph.block_size;
  plan->config.realtime = options.realtime;
  const auto node_count = static_cast<uint32_t>(graph.nodes.size());

  // 1. Build, initialise and prepare every node.
  plan->fade_frames = std::max<FrameCount>(options.fade_frames, 1);
  for (uint32_t i = 0; i < node_count; ++i) {
    const GraphNode& gn = graph.nodes[i];
    if (i < options.reuse.size() && options.reuse[i]) {
      // Kept from a running Plan: its state goes on; it is not touched here.
      plan->nodes.push_back(options.reuse[i]);
      plan->node_ids.push_back(gn.id);
      plan->node_types.push_back(gn.type->name);
      if (gn.type->is_host_output) {
        plan->host_output_node = i;
        plan->host_output_channels = gn.layout.inputs.empty() ? 0 : gn.layout.inputs[0].channels;
      }
      if (gn.type->is_host_input) {
        plan->host_input_node = i;
        plan->host_input_channels = gn.layout.outputs.empty() ? 0 : gn.layout.outputs[0].channels;
      }
      continue;
    }
    auto node = gn.type->create(gn.options, gn.layout);
    if (!node) return fail(gn.where, "node '" + gn.id + "' (" + gn.type->name + "): " + node.error().message);
    for (ParamId p = 0; p < gn.params.size(); ++p) (*node)->set_param(p, gn.params[p], 0);
    if (auto ok = (*node)->prepare(plan->config); !ok) {
      return fail(gn.where, "node '" + gn.id + "' (" + gn.type->name + "): " + ok.error().message);
    }
    if (gn.type->is_host_output) {
      if (plan->host_output_node != kNoIndex) {
        return fail(gn.where, "a graph has at most one 'output' node; '" + graph.nodes[plan->host_output_node].id +
                                  "' is the first");
      }
      plan->host_output_node = i;
      plan->host_output_channels = gn.layout.inputs.empty() ? 0 : gn.layout.inputs[0].channels;
    }
    if (gn.type->is_host_input) {
      if (plan->host_input_node != kNoIndex) {
        return fail(gn.where, "a graph has at most one 'input' node; '" + graph.nodes[plan->host_input_node].id +
                                  "' is the first");
      }
      plan->host_input_node = i;
      plan->host_input_channels = gn.layout.outputs.empty() ? 0 : gn.layout.outputs[0].channels;
    }
    plan->nodes.push_back(std::shared_ptr<Node>(std::move(*node)));
    plan->node_ids.push_back(gn.id);
    plan->node_types.push_back(gn.type->name);
  }

  // 2. Cycles: every cycle must pass through a node that can close one; such
  //    nodes inside a cycle are split into read and write halves.
  std::vector<TopologyEdge> node_edges;
  for (const Connection& c : graph.connections) node_edges.push_back({c.src_node, c.dst_node});
  for (const EventConnection& c : graph.event_connections) node_edges.push_back({c.src_node, c.dst_node});
  for (uint32_t i = 0; i < node_count; ++i) {
    for (const ParamTarget& t : graph.nodes[i].param_targets) node_edges.push_back({i, t.node});
  }
  std::vector<bool> split(node_count, false);
  for (const auto& comp : strongly_connected(node_count, node_edges)) {
    const bool self_loop =
        comp.size() == 1 && std::any_of(node_edges.begin(), node_edges.end(),
                                        [&](const TopologyEdge& e) { return e.from == comp[0] && e.to == comp[0]; });
    if (comp.size() < 2 && !self_loop) continue;
    for (uint32_t v : comp) {
      if (plan->nodes[v]->can_close_cycle()) split[v] = true;
    }
  }
  std::vector<Vertex> vertices;
  std::vector<uint32_t> whole(node_count, kNoIndex), read_half(node_count, kNoIndex), write_half(node_count, kNoIndex);
  for (uint32_t i = 0; i < node_count; ++i) {
    if (split[i]) {
      read_half[i] = static_cast<uint32_t>(vertices.size());
      vertices.push_back({i, PlanStep::Kind::cycle_read});
      write_half[i] = static_cast<uint32_t>(vertices.size());
      vertices.push_back({i, PlanStep::Kind::cycle_write});
      const bool kept = i < options.reuse.size() && options.reuse[i];
      const FrameCount min_delay = kept ? graph.block_size : plan->nodes[i]->min_cycle_delay();
      if (min_delay < graph.block_size) {
        return fail(graph.nodes[i].where,
                    "'" + graph.nodes[i].id + "' closes a feedback cycle, so its delay must be at least one block (" +
                        std::to_string(graph.block_size) + " frames); it is " + std::to_string(min_delay) + " frames");
      }
    } else {
      whole[i] = static_cast<uint32_t>(vertices.size());
      vertices.push_back({i, PlanStep::Kind::process});
    }
  }
  auto source_vertex = [&](uint32_t node) { return split[node] ? read_half[node] : whole[node]; };
  auto sink_vertex = [&](uint32_t node) { return split[node] ? write_half[node] : whole[node]; };
  // Audio edges (indexed like graph.connections: latency compensation), then
  // all edges, events included (order and dependencies).
  std::vector<TopologyEdge> edges;
  for (const Connection& c : graph.connections) edges.push_back({source_vertex(c.src_node), sink_vertex(c.dst_node)});
  std::vector<TopologyEdge> all_edges = edges;
  for (const EventConnection& c : graph.event_connections)
    all_edges.push_back({source_vertex(c.src_node), sink_vertex(c.dst_node)});
  // A node that drives another's parameter runs before it (it reads
  // parameters on its process step or read half).
  for (uint32_t i = 0; i < node_count; ++i) {
    for (const ParamTarget& t : graph.nodes[i].param_targets)
      all_edges.push_back({sink_vertex(i), source_vertex(t.node)});
  }
  const auto vcount = static_cast<uint32_t>(vertices.size());
  const std::vector<uint32_t> order = topological_order(vcount, all_edges);
  if (order.empty()) {
    for (const auto& comp : strongly_connected(vcount, all_edges)) {
      const bool self_loop =
          comp.size() == 1 && std::any_of(all_edges.begin(), all_edges.end(),
                                          [&](const TopologyEdge& e) { return e.from == comp[0] && e.to == comp[0]; });
      if (comp.size() < 2 && !self_loop) continue;
      const std::vector<uint32_t> cycle = find_cycle(comp, all_edges);
      std::string names;
      for (uint32_t v : cycle) names += graph.nodes[vertices[v].node].id + " -> ";
      names += graph.nodes[vertices[cycle[0]].node].id;
      // Point at the connection that closes the cycle.
      const uint32_t last = vertices[cycle.back()].node, first = vertices[cycle[0]].node;
      SourceLocation where = graph.nodes[first].where;
      for (const Connection& c : graph.connections) {
        if (c.src_node == last && c.dst_node == first) where = c.where;
      }
      for (const EventConnection& c : graph.event_connections) {
        if (c.src_node == last && c.dst_node == first) where = c.where;
      }
      return fail(where, "cycle without a delay: " + names +
                             "; a feedback path needs a 'delay' node (of at least one block) on it");
    }
  }

  // 3. Latency compensation, in execution order. A read half is a source of
  //    feedback: its edges are neither aligned nor counted (their timing is
  //    the delay's job).
  plan->node_latency.resize(node_count);
  plan->output_latency.assign(node_count, 0);
  for (uint32_t i = 0; i < node_count; ++i) plan->node_latency[i] = plan->nodes[i]->latency();
  std::vector<FrameCount> vertex_in(vcount, 0), vertex_out(vcount, 0);
  for (uint32_t v : order) {
    FrameCount in = 0;
    for (size_t e = 0; e < edges.size(); ++e) {
      if (edges[e].to != v || vertices[edges[e].from].kind == PlanStep::Kind::cycle_read) continue;
      in = std::max(in, vertex_out[edges[e].from]);
    }
    vertex_in[v] = in;
    const Vertex& vx = vertices[v];
    vertex_out[v] = vx.kind == PlanStep::Kind::cycle_read ? 0 : in + plan->node_latency[vx.node];
    if (vx.kind == PlanStep::Kind::process) plan->output_latency[vx.node] = vertex_out[v];
  }
  std::vector<FrameCount> connection_delay(graph.connections.size(), 0);
  for (size_t e = 0; e < edges.size(); ++e) {
    if (vertices[edges[e].from].kind == PlanStep::Kind::cycle_read) continue;
    connection_delay[e] = vertex_in[edges[e].to] - vertex_out[edges[e].from];
  }
  if (plan->host_output_node != kNoIndex) {
    plan->total_latency = vertex_in[whole[plan->host_output_node]];
  } else {
    for (uint32_t v = 0; v < vcount; ++v) plan->total_latency = std::max(plan->total_latency, vertex_out[v]);
  }

  // 4. Steps and liveness. Each output channel is a value produced at one
  //    step and last read at another.
  std::vector<uint32_t> step_of_vertex(vcount);
  for (uint32_t s = 0; s < vcount; ++s) step_of_vertex[order[s]] = s;
  std::map<ChannelKey, uint32_t> last_use;  // output channel -> last reading step
  for (size_t e = 0; e < graph.connections.size(); ++e) {
    const Connection& c = graph.connections[e];
    const ChannelKey k{c.src_node, c.src_port, c.src_channel};
    const uint32_t reader = step_of_vertex[edges[e].to];
    auto [it, fresh] = last_use.emplace(k, reader);
    if (!fresh) it->second = std::max(it->second, reader);
  }
  std::vector<std::vector<ChannelKey>> last_read_at(vcount);
  for (const auto& [key, reader] : last_use) last_read_at[reader].push_back(key);
  // Connections into each input channel, in file order.
  std::map<ChannelKey, std::vector<size_t>> feeds;
  for (size_t e = 0; e < graph.connections.size(); ++e) {
    const Connection& c = graph.connections[e];
    feeds[{c.dst_node, c.dst_port, c.dst_channel}].push_back(e);
  }
  // Step dependencies: who reads whom (deduplicated, ascending).
  std::vector<std::vector<uint32_t>> preds(vcount), succs(vcount);
  for (const TopologyEdge& e : all_edges) {
    const uint32_t from = step_of_vertex[e.from], to = step_of_vertex[e.to];
    preds[to].push_back(from);
    succs[from].push_back(to);
  }
  for (auto* lists : {&preds, &succs}) {
    for (auto& l : *lists) {
      std::sort(l.begin(), l.end());
      l.erase(std::unique(l.begin(), l.end()), l.end());
    }
  }
  // For parallel plans, the static schedule: which thread runs each step.
  const bool parallel = options.threads > 1;
  StaticSchedule sched;
  if (parallel) {
    std::vector<double> cost(vcount, 1.0);
    const std::vector<double> per_node = relative_node_costs(options.node_cost, node_count);
    for (uint32_t s = 0; s < vcount; ++s) {
      const Vertex& vx = vertices[order[s]];
      // A node split to close a cycle runs as two steps: half each.
      cost[s] = per_node[vx.node] * (vx.kind == PlanStep::Kind::process ? 1.0 : 0.5);
    }
    sched = make_static_schedule(preds, cost, options.threads);
  }
  // For parallel plans: which steps happen-before each step. A buffer may be
  // reused by step s only if every step that touched its previous value
  // happens-before s (else they could run at the same time), and only on
  // the thread it belongs to (each thread's buffers lie apart, see Plan).
  // Happens-before is the step's inputs and, because a list always runs in
  // its order (whoever holds it), the steps before it in its own list:
  // without that, each chain on a thread would need buffers of its own
  // instead of reusing the last chain's, which are still in L1.
  constexpr uint32_t kMaxReuseTracking = 16384;
  const bool track_ancestry = parallel && vcount <= kMaxReuseTracking;
  const size_t words = (vcount + 63) / 64;
  std::vector<uint64_t> ancestors(track_ancestry ? words * vcount : 0, 0);
  auto is_ancestor = [&](uint32_t a, uint32_t s) { return (ancestors[s * words + a / 64] >> (a % 64)) & 1u; };
  if (track_ancestry) {
    std::vector<uint32_t> list_last(options.threads, kNoIndex);  // per list: its latest step so far
    for (uint32_t s = 0; s < vcount; ++s) {
      uint64_t* mine = &ancestors[s * words];
      auto inherit = [&](uint32_t p) {
        const uint64_t* theirs = &ancestors[p * words];
        for (size_t w = 0; w < words; ++w) mine[w] |= theirs[w];
        mine[p / 64] |= uint64_t{1} << (p % 64);
      };
      for (uint32_t p : preds[s]) inherit(p);
      uint32_t& before = list_last[sched.thread_of[s]];
      if (before != kNoIndex) inherit(before);
      before = s;
    }
  }
  std::vector<std::vector<uint32_t>> users;  // per buffer: steps that touched its current value
  auto note_use = [&](uint32_t b, uint32_t s) {
    if (users.size() <= b) users.resize(b + 1);
    users[b].push_back(s);
  };
  BufferAllocator alloc;
  std::vector<uint32_t> buffer_thread;  // parallel: the thread each buffer belongs to
  auto acquire_for = [&](uint32_t s) {
    uint32_t b = 0;
    if (!parallel) {
      b = alloc.acquire();
    } else {
      const uint32_t thread = sched.thread_of[s];
      b = alloc.acquire_if([&](uint32_t candidate) {
        if (!track_ancestry || buffer_thread[candidate] != thread) return false;
        for (uint32_t u : users[candidate]) {
          if (!is_ancestor(u, s)) return false;
        }
        return true;
      });
      if (b >= buffer_thread.size()) buffer_thread.resize(b + 1, thread);
    }
    if (users.size() <= b) users.resize(b + 1);
    users[b].assign(1, s);
    return b;
  };

  // An alignment delay for connection `c`: the running Plan's, if it has
  // one for the same instances, channels and length (its audio goes on).
  auto alignment_delay = [&](const Connection& c, FrameCount frames) {
    const Node* src = plan->nodes[c.src_node].get();
    const Node* dst = plan->nodes[c.dst_node].get();
    if (options.reuse_delays_from) {
      for (const auto& d : options.reuse_delays_from->delays) {
        if (d->frames == frames && d->src == src && d->dst == dst && d->src_port == c.src_port &&
            d->src_channel == c.src_channel && d->dst_port == c.dst_port && d->dst_channel == c.dst_channel) {
          return d;
        }
      }
    }
    auto d = std::make_shared<AlignmentDelay>();
    d->frames = frames;
    d->ring.assign(frames, 0.0f);
    d->src = src;
    d->src_port = c.src_port;
    d->src_channel = c.src_channel;
    d->dst = dst;
    d->dst_port = c.dst_port;
    d->dst_channel = c.dst_channel;
    return d;
  };
  std::map<ChannelKey, uint32_t> value_buffer;             // output channel -> buffer
  std::vector<std::vector<uint32_t>> out_channel_buffers;  // per step, flat
  uint32_t mix_count = 0, output_count = 0;
  for (uint32_t s = 0; s < vcount; ++s) {
    const Vertex& vx = vertices[order[s]];
    const GraphNode& gn = graph.nodes[vx.node];
    PlanStep step;
    step.kind = vx.kind;
    step.node = vx.node;
    std::vector<uint32_t> to_release;
    // Inputs (whole nodes and write halves).
    step.first_input_channel = static_cast<uint32_t>(plan->input_channels.size());
    if (vx.kind != PlanStep::Kind::cycle_read) {
      for (uint32_t p = 0; p < gn.layout.inputs.size(); ++p) {
        for (uint32_t ch = 0; ch < gn.layout.inputs[p].channels; ++ch) {
          PlanInputChannel in;
          auto f = feeds.find({vx.node, p, ch});
          if (f != feeds.end()) {
            const auto& list = f->second;
            if (list.size() == 1 && connection_delay[list[0]] == 0 &&
                graph.connections[list[0]].fade == Connection::Fade::none) {
              const Connection& c = graph.connections[list[0]];
              in.mode = PlanInputChannel::Mode::alias;
              in.buffer = value_buffer.at({c.src_node, c.src_port, c.src_channel});
              note_use(in.buffer, s);
            } else {
              in.mode = PlanInputChannel::Mode::mix;
              in.buffer = acquire_for(s);
              ++mix_count;
              to_release.push_back(in.buffer);
              in.first_source = static_cast<uint32_t>(plan->sources.size());
              in.source_count = static_cast<uint32_t>(list.size());
              for (size_t e : list) {
                const Connection& c = graph.connections[e];
                PlanSource src;
                src.fade = c.fade;
                plan->has_fades = plan->has_fades || c.fade != Connection::Fade::none;
                src.buffer = value_buffer.at({c.src_node, c.src_port, c.src_channel});
                note_use(src.buffer, s);
                if (connection_delay[e] > 0) {
                  src.delay_line = static_cast<uint32_t>(plan->delays.size());
                  plan->delays.push_back(alignment_delay(c, connection_delay[e]));
                }
                plan->sources.push_back(src);
              }
            }
          }
          plan->input_channels.push_back(in);
        }
      }
    }
    step.input_channels_count = static_cast<uint32_t>(plan->input_channels.size()) - step.first_input_channel;
    for (uint32_t i = step.first_input_channel; i < plan->input_channels.size(); ++i) {
      step.has_mix = step.has_mix || plan->input_channels[i].mode == PlanInputChannel::Mode::mix;
    }
    step.node_ptr = plan->nodes[vx.node].get();
    if (gn.budget && vx.kind == PlanStep::Kind::process) {
      step.budget_share = static_cast<float>(gn.budget->share);
      step.budget_after = gn.budget->after;
      step.bypass_passes = gn.budget->pass_through;
    }
    step.first_successor = static_cast<uint32_t>(plan->successors.size());
    step.successor_count = static_cast<uint32_t>(succs[s].size());
    plan->successors.insert(plan->successors.end(), succs[s].begin(), succs[s].end());
    // Outputs (whole nodes and read halves).
    std::vector<uint32_t> outs;
    if (vx.kind != PlanStep::Kind::cycle_write) {
      for (uint32_t p = 0; p < gn.layout.outputs.size(); ++p) {
        for (uint32_t ch = 0; ch < gn.layout.outputs[p].channels; ++ch) {
          const uint32_t b = acquire_for(s);
          ++output_count;
          value_buffer[{vx.node, p, ch}] = b;
          outs.push_back(b);
          if (!last_use.count({vx.node, p, ch})) to_release.push_back(b);  // nobody reads it
        }
      }
    }
    // Values whose last reader (in this order) is this step are free after it.
    for (const ChannelKey& key : last_read_at[s]) to_release.push_back(value_buffer.at(key));
    std::sort(to_release.begin(), to_release.end());
    to_release.erase(std::unique(to_release.begin(), to_release.end()), to_release.end());
    for (uint32_t b : to_release) alloc.release(b);
    out_channel_buffers.push_back(std::move(outs));
    plan->steps.push_back(step);
  }
  plan->parallel_safe = parallel;
  plan->buffer_count = alloc.high_water();
  plan->naive_buffer_count = output_count + mix_count;
  const FrameCount block = graph.block_size;
  constexpr size_t kLineFloats = 64 / sizeof(float);
  constexpr size_t kPageFloats = 4096 / sizeof(float);
  plan->buffer_stride = (block + kLineFloats - 1) / kLineFloats * kLineFloats;
  // Thread by thread (a serial Plan's buffers all belong to thread 0), each
  // thread's buffers starting on a page.
  buffer_thread.resize(plan->buffer_count, 0);
  plan->buffer_offset.resize(plan->buffer_count);
  size_t used = 0;
  for (uint32_t t = 0; t < std::max(options.threads, 1u); ++t) {
    used = (used + kPageFloats - 1) / kPageFloats * kPageFloats;
    for (uint32_t b = 0; b < plan->buffer_count; ++b) {
      if (buffer_thread[b] != t) continue;
      plan->buffer_offset[b] = used;
      used += plan->buffer_stride;
    }
  }
  plan->pool.assign(used + kPageFloats, 0.0f);
  {
    auto addr = reinterpret_cast<uintptr_t>(plan->pool.data());
    addr = (addr + 4095) & ~uintptr_t{4095};
    plan->pool_base = reinterpret_cast<float*>(addr);
  }
  plan->zero.assign(block, 0.0f);

  // 5. Views: per step, one per port, pointing into channel tables.
  for (uint32_t s = 0; s < vcount; ++s) {
    PlanStep& step = plan->steps[s];
    const GraphNode& gn = graph.nodes[step.node];
    step.first_input_view = static_cast<uint32_t>(plan->in_views.size());
    if (step.kind != PlanStep::Kind::cycle_read) {
      uint32_t ch_index = step.first_input_channel;
      for (const PortSpec& port : gn.layout.inputs) {
        ConstAudioView v;
        v.channel_count = port.channels;
        v.frames = block;
        // Channel tables are filled after all views exist (in_pointers may
        // reallocate while growing); remember the start index for now.
        v.offset = static_cast<FrameOffset>(plan->in_pointers.size());
        for (uint32_t c = 0; c < port.channels; ++c, ++ch_index) {
          const PlanInputChannel& in = plan->input_channels[ch_index];
          plan->in_pointers.push_back(in.mode == PlanInputChannel::Mode::silent ? plan->zero.data()
                                                                                : plan->buffer(in.buffer));
        }
        plan->in_views.push_back(v);
      }
      step.input_ports = static_cast<uint32_t>(gn.layout.inputs.size());
    }
    step.first_output_view = static_cast<uint32_t>(plan->out_views.size());
    if (step.kind != PlanStep::Kind::cycle_write) {
      size_t k = 0;
      for (const PortSpec& port : gn.layout.outputs) {
        AudioView v;
        v.channel_count = port.channels;
        v.frames = block;
        v.offset = static_cast<FrameOffset>(plan->out_pointers.size());
        for (uint32_t c = 0; c < port.channels; ++c)
          plan->out_pointers.push_back(plan->buffer(out_channel_buffers[s][k++]));
        plan->out_views.push_back(v);
      }
      step.output_ports = static_cast<uint32_t>(gn.layout.outputs.size());
    }
    // Events go to the step that reads the parameters: the whole node or the
    // read half.
    step.first_event = static_cast<uint32_t>(plan->events.size());
    if (step.kind != PlanStep::Kind::cycle_write) {
      for (const TimedEvent& e : graph.events) {
        if (e.node == step.node) plan->events.push_back({e.at, e.param, e.value, e.ramp_frames});
      }
    }
    step.event_count = static_cast<uint32_t>(plan->events.size()) - step.first_event;
  }
  route_events(graph, options.host_slot_of, *plan);
  route_params(graph, *plan);
  for (auto& v : plan->in_views) {
    v.channels = plan->in_pointers.data() + v.offset;
    v.offset = 0;
  }
  for (auto& v : plan->out_views) {
    v.channels = plan->out_pointers.data() + v.offset;
    v.offset = 0;
  }
  plan->view_frames = block;
  plan->event_cursor.assign(plan->steps.size(), 0);
  const size_t n = plan->steps.size();
  plan->counters = std::make_unique<StepCounters[]>(n);
  plan->ticks_per_frame = cycle_ticks_per_second() / graph.sample_rate;
  if (parallel) {
    plan->schedule_threads = options.threads;
    plan->lists = std::make_unique<ThreadList[]>(options.threads);
    plan->step_list = sched.thread_of;
    for (uint32_t t = 0; t < options.threads; ++t) {
      plan->lists[t].begin = static_cast<uint32_t>(plan->list_steps.size());
      plan->list_steps.insert(plan->list_steps.end(), sched.lists[t].begin(), sched.lists[t].end());
      plan->lists[t].end = static_cast<uint32_t>(plan->list_steps.size());
    }
    for (uint32_t s = 0; s < n; ++s) {
      PlanStep& st = plan->steps[s];
      st.first_cross_pred = static_cast<uint32_t>(plan->cross_preds.size());
      for (uint32_t p : preds[s]) {
        if (sched.thread_of[p] == sched.thread_of[s]) continue;
        plan->cross_preds.push_back(p);
        plan->steps[p].read_across = true;
      }
      st.cross_pred_count = static_cast<uint32_t>(plan->cross_preds.size()) - st.first_cross_pred;
    }
  }
  return plan;
}

}  // namespace ac
