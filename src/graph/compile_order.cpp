// The compiler's first phases: nodes, cycles, order, latency, dependencies
// (graph/compile_phases.h).
#include <algorithm>
#include <string>

#include "graph/compile_phases.h"

namespace ac {
namespace {

Unexpected fail(const SourceLocation& where, std::string message) {
  return unexpected(make_error(ErrorDomain::graph, std::move(message), where));
}

std::string who(const GraphNode& gn) {
  return "node '" + gn.id + "' (" + gn.type->name + ")";
}

// The vertices with an edge to themselves, found once (asking per
// component would scan every edge for every vertex).
std::vector<bool> self_loops(uint32_t vertices, const std::vector<TopologyEdge>& edges) {
  std::vector<bool> loops(vertices, false);
  for (const TopologyEdge& e : edges)
    if (e.from == e.to) loops[e.from] = true;
  return loops;
}

// Whether component `comp` is a cycle: several vertices, or one with an
// edge to itself.
bool is_cycle(const std::vector<uint32_t>& comp, const std::vector<bool>& loops) {
  return comp.size() >= 2 || loops[comp[0]];
}

// A graph has at most one endpoint of each direction; `slot` is where the
// first one found is kept.
Expected<void> note_endpoint(const CompileState& s, uint32_t i, uint32_t& slot, uint32_t& channels, bool fresh,
                             const char* kind, uint32_t width) {
  if (fresh && slot != kNoIndex) {
    return fail(s.graph.nodes[i].where, std::string("a graph has at most one '") + kind + "' node; '" +
                                            s.graph.nodes[slot].id + "' is the first");
  }
  slot = i;
  channels = width;
  return {};
}

Expected<void> note_endpoints(CompileState& s, uint32_t i, bool fresh) {
  const GraphNode& gn = s.graph.nodes[i];
  Plan& plan = s.plan;
  if (gn.type->is_host_output) {
    const uint32_t width = gn.layout.inputs.empty() ? 0 : gn.layout.inputs[0].channels;
    if (auto ok = note_endpoint(s, i, plan.host_output_node, plan.host_output_channels, fresh, "output", width); !ok)
      return ok;
  }
  if (gn.type->is_host_input) {
    const uint32_t width = gn.layout.outputs.empty() ? 0 : gn.layout.outputs[0].channels;
    if (auto ok = note_endpoint(s, i, plan.host_input_node, plan.host_input_channels, fresh, "input", width); !ok)
      return ok;
  }
  return {};
}

}  // namespace

Expected<void> build_nodes(CompileState& s) {
  Plan& plan = s.plan;
  for (uint32_t i = 0; i < s.node_count; ++i) {
    const GraphNode& gn = s.graph.nodes[i];
    std::shared_ptr<Node> node;
    if (s.kept(i)) {
      // Kept from a running Plan: its state goes on; it is not touched here.
      node = s.options.reuse[i];
    } else {
      auto made = gn.type->create(gn.options, gn.layout);
      if (!made) return fail(gn.where, who(gn) + ": " + made.error().message);
      for (ParamId p = 0; p < gn.params.size(); ++p) (*made)->set_param(p, gn.params[p], 0);
      if (auto ok = (*made)->prepare(plan.config); !ok) return fail(gn.where, who(gn) + ": " + ok.error().message);
      node = std::shared_ptr<Node>(std::move(*made));
    }
    if (auto ok = note_endpoints(s, i, !s.kept(i)); !ok) return ok;
    plan.nodes.push_back(std::move(node));
    plan.node_ids.push_back(gn.id);
    plan.node_types.push_back(gn.type->name);
  }
  return {};
}

Expected<void> split_cycles(CompileState& s) {
  const Graph& graph = s.graph;
  // Every cycle must pass through a node that can close one; such nodes
  // inside a cycle are split into read and write halves.
  std::vector<TopologyEdge> node_edges;
  for (const Connection& c : graph.connections) node_edges.push_back({c.src_node, c.dst_node});
  for (const EventConnection& c : graph.event_connections) node_edges.push_back({c.src_node, c.dst_node});
  for (uint32_t i = 0; i < s.node_count; ++i) {
    for (const ParamTarget& t : graph.nodes[i].param_targets) node_edges.push_back({i, t.node});
  }
  s.split.assign(s.node_count, false);
  const std::vector<bool> loops = self_loops(s.node_count, node_edges);
  for (const auto& comp : strongly_connected(s.node_count, node_edges)) {
    if (!is_cycle(comp, loops)) continue;
    for (uint32_t v : comp) {
      if (s.plan.nodes[v]->can_close_cycle()) s.split[v] = true;
    }
  }
  s.whole.assign(s.node_count, kNoIndex);
  s.read_half.assign(s.node_count, kNoIndex);
  s.write_half.assign(s.node_count, kNoIndex);
  for (uint32_t i = 0; i < s.node_count; ++i) {
    if (!s.split[i]) {
      s.whole[i] = static_cast<uint32_t>(s.vertices.size());
      s.vertices.push_back({i, PlanStep::Kind::process});
      continue;
    }
    s.read_half[i] = static_cast<uint32_t>(s.vertices.size());
    s.vertices.push_back({i, PlanStep::Kind::cycle_read});
    s.write_half[i] = static_cast<uint32_t>(s.vertices.size());
    s.vertices.push_back({i, PlanStep::Kind::cycle_write});
    const FrameCount min_delay = s.kept(i) ? graph.block_size : s.plan.nodes[i]->min_cycle_delay();
    if (min_delay < graph.block_size) {
      return fail(graph.nodes[i].where,
                  "'" + graph.nodes[i].id + "' closes a feedback cycle, so its delay must be at least one block (" +
                      std::to_string(graph.block_size) + " frames); it is " + std::to_string(min_delay) + " frames");
    }
  }
  return {};
}

Expected<void> order_vertices(CompileState& s) {
  const Graph& graph = s.graph;
  // Audio edges (indexed like graph.connections: latency compensation), then
  // all edges, events included (order and dependencies).
  for (const Connection& c : graph.connections)
    s.audio_edges.push_back({s.source_vertex(c.src_node), s.sink_vertex(c.dst_node)});
  s.all_edges = s.audio_edges;
  for (const EventConnection& c : graph.event_connections)
    s.all_edges.push_back({s.source_vertex(c.src_node), s.sink_vertex(c.dst_node)});
  // A node that drives another's parameter runs before it (it reads
  // parameters on its process step or read half).
  for (uint32_t i = 0; i < s.node_count; ++i) {
    for (const ParamTarget& t : graph.nodes[i].param_targets)
      s.all_edges.push_back({s.sink_vertex(i), s.source_vertex(t.node)});
  }
  const auto vcount = static_cast<uint32_t>(s.vertices.size());
  s.order = topological_order(vcount, s.all_edges);
  if (s.order.empty() && vcount > 0) {
    const std::vector<bool> loops = self_loops(vcount, s.all_edges);
    for (const auto& comp : strongly_connected(vcount, s.all_edges)) {
      if (!is_cycle(comp, loops)) continue;
      const std::vector<uint32_t> cycle = find_cycle(comp, s.all_edges);
      std::string names;
      for (uint32_t v : cycle) names += graph.nodes[s.vertices[v].node].id + " -> ";
      names += graph.nodes[s.vertices[cycle[0]].node].id;
      // Point at the connection that closes the cycle.
      const uint32_t last = s.vertices[cycle.back()].node, first = s.vertices[cycle[0]].node;
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
  s.step_of_vertex.assign(vcount, 0);
  for (uint32_t step = 0; step < vcount; ++step) s.step_of_vertex[s.order[step]] = step;
  return {};
}

// In execution order. A read half is a source of feedback: its edges are
// neither aligned nor counted (their timing is the delay's job).
void compensate_latency(CompileState& s) {
  Plan& plan = s.plan;
  const auto vcount = static_cast<uint32_t>(s.vertices.size());
  plan.node_latency.resize(s.node_count);
  plan.output_latency.assign(s.node_count, 0);
  for (uint32_t i = 0; i < s.node_count; ++i) plan.node_latency[i] = plan.nodes[i]->latency();
  auto from_read_half = [&](const TopologyEdge& e) { return s.vertices[e.from].kind == PlanStep::Kind::cycle_read; };
  // Per vertex, its incoming audio edges.
  std::vector<std::vector<uint32_t>> incoming(vcount);
  for (uint32_t e = 0; e < s.audio_edges.size(); ++e) incoming[s.audio_edges[e].to].push_back(e);
  s.vertex_in.assign(vcount, 0);
  s.vertex_out.assign(vcount, 0);
  for (uint32_t v : s.order) {
    FrameCount in = 0;
    for (uint32_t e : incoming[v]) {
      if (!from_read_half(s.audio_edges[e])) in = std::max(in, s.vertex_out[s.audio_edges[e].from]);
    }
    s.vertex_in[v] = in;
    const CompileVertex& vx = s.vertices[v];
    s.vertex_out[v] = vx.kind == PlanStep::Kind::cycle_read ? 0 : in + plan.node_latency[vx.node];
    if (vx.kind == PlanStep::Kind::process) plan.output_latency[vx.node] = s.vertex_out[v];
  }
  s.connection_delay.assign(s.graph.connections.size(), 0);
  for (size_t e = 0; e < s.audio_edges.size(); ++e) {
    const TopologyEdge& edge = s.audio_edges[e];
    if (!from_read_half(edge)) s.connection_delay[e] = s.vertex_in[edge.to] - s.vertex_out[edge.from];
  }
  if (plan.host_output_node != kNoIndex) {
    plan.total_latency = s.vertex_in[s.whole[plan.host_output_node]];
  } else {
    for (uint32_t v = 0; v < vcount; ++v) plan.total_latency = std::max(plan.total_latency, s.vertex_out[v]);
  }
}

void find_dependencies(CompileState& s) {
  const size_t steps = s.vertices.size();
  s.preds.assign(steps, {});
  s.succs.assign(steps, {});
  for (const TopologyEdge& e : s.all_edges) {
    const uint32_t from = s.step_of_vertex[e.from], to = s.step_of_vertex[e.to];
    s.preds[to].push_back(from);
    s.succs[from].push_back(to);
  }
  for (auto* lists : {&s.preds, &s.succs}) {
    for (auto& l : *lists) {
      std::sort(l.begin(), l.end());
      l.erase(std::unique(l.begin(), l.end()), l.end());
    }
  }
}

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

void schedule_steps(CompileState& s) {
  if (!s.parallel()) return;
  const auto steps = static_cast<uint32_t>(s.vertices.size());
  std::vector<double> cost(steps, 1.0);
  const std::vector<double> per_node = relative_node_costs(s.options.node_cost, s.node_count);
  for (uint32_t step = 0; step < steps; ++step) {
    const CompileVertex& vx = s.vertices[s.order[step]];
    // A node split to close a cycle runs as two steps: half each.
    cost[step] = per_node[vx.node] * (vx.kind == PlanStep::Kind::process ? 1.0 : 0.5);
  }
  s.schedule = make_static_schedule(s.preds, cost, s.options.threads);
}

}  // namespace ac
