#include "graph/plan_report.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <tuple>

#include "graph/topology.h"

namespace ac {
namespace {

const char* kind_name(PlanStep::Kind k) {
  switch (k) {
    case PlanStep::Kind::process:
      return "";
    case PlanStep::Kind::cycle_read:
      return " (feedback read)";
    case PlanStep::Kind::cycle_write:
      return " (feedback write)";
  }
  return "";
}

// Alignment delay on each connection, recovered from the Plan's sources.
std::map<std::tuple<uint32_t, uint32_t, uint32_t>, FrameCount> inserted_delays(const Plan& plan, const Graph& graph) {
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, FrameCount> out;  // (dst node, port, ch)
  for (const PlanStep& step : plan.steps) {
    const GraphNode& gn = graph.nodes[step.node];
    uint32_t idx = step.first_input_channel;
    if (step.input_channels_count == 0) continue;
    for (uint32_t p = 0; p < gn.layout.inputs.size(); ++p) {
      for (uint32_t c = 0; c < gn.layout.inputs[p].channels; ++c, ++idx) {
        const PlanInputChannel& in = plan.input_channels[idx];
        if (in.mode != PlanInputChannel::Mode::mix) continue;
        for (uint32_t k = 0; k < in.source_count; ++k) {
          const PlanSource& s = plan.sources[in.first_source + k];
          if (s.delay_line != kNoIndex) {
            auto& d = out[{step.node, p, c}];
            d = std::max(d, plan.run.delays[s.delay_line]->frames);
          }
        }
      }
    }
  }
  return out;
}

}  // namespace

double plan_parallelism(const Plan& plan) {
  // Steps are in a topological order, so one forward pass finds the longest
  // chain ending at each step.
  std::vector<uint32_t> depth(plan.steps.size(), 1);
  uint32_t longest = 0;
  for (size_t s = 0; s < plan.steps.size(); ++s) {
    const PlanStep& st = plan.steps[s];
    for (uint32_t k = 0; k < st.successor_count; ++k) {
      const uint32_t next = plan.successors[st.first_successor + k];
      depth[next] = std::max(depth[next], depth[s] + 1);
    }
    longest = std::max(longest, depth[s]);
  }
  return longest ? static_cast<double>(plan.steps.size()) / longest : 0.0;
}

double graph_parallelism(const Graph& graph) {
  const auto n = static_cast<uint32_t>(graph.nodes.size());
  std::vector<TopologyEdge> edges;
  for (const Connection& c : graph.connections) edges.push_back({c.src_node, c.dst_node});
  const std::vector<uint32_t> order = topological_order(n, edges);
  if (order.empty()) return 1.0;
  std::vector<std::vector<uint32_t>> succ(n);
  for (const auto& e : edges) succ[e.from].push_back(e.to);
  std::vector<uint32_t> depth(n, 1);
  uint32_t longest = 0;
  for (uint32_t v : order) {
    for (uint32_t w : succ[v]) depth[w] = std::max(depth[w], depth[v] + 1);
    longest = std::max(longest, depth[v]);
  }
  return longest ? static_cast<double>(n) / longest : 0.0;
}

std::string describe_plan(const Plan& plan, const Graph& graph) {
  std::ostringstream o;
  const double ms_per_frame = 1000.0 / plan.config.sample_rate;
  o << "graph " << (graph.file.empty() ? "(in memory)" : graph.file) << ": " << plan.config.sample_rate << " Hz, block "
    << plan.config.max_block << " frames, " << graph.nodes.size() << " nodes, " << plan.steps.size() << " steps\n";
  o << "order:\n";
  for (size_t s = 0; s < plan.steps.size(); ++s) {
    const PlanStep& st = plan.steps[s];
    o << "  " << (s + 1) << ". " << plan.node_ids[st.node] << " [" << plan.node_types[st.node] << "]"
      << kind_name(st.kind) << "  latency " << plan.node_latency[st.node] << ", at output "
      << plan.output_latency[st.node];
    if (st.event_count) o << ", " << st.event_count << " events";
    o << "\n";
  }
  const auto delays = inserted_delays(plan, graph);
  if (!delays.empty()) {
    o << "alignment delays inserted:\n";
    for (const auto& [key, frames] : delays) {
      const auto [node, port, ch] = key;
      o << "  before " << graph.channel_name(node, port, ch, true) << ": " << frames << " frames\n";
    }
  }
  o << "total latency: " << plan.total_latency << " frames (" << plan.total_latency * ms_per_frame << " ms)\n";
  o << "parallelism: " << plan_parallelism(plan) << " (steps / longest dependent chain)\n";
  o << "buffers: " << plan.buffers.count << " used vs " << plan.buffers.naive_count << " one-per-port ("
    << plan.buffers.count * plan.config.max_block * sizeof(float) << " bytes)\n";
  return o.str();
}

std::string plan_to_dot(const Plan& plan, const Graph& graph) {
  std::ostringstream o;
  o << "digraph audiocloud {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  for (uint32_t i = 0; i < graph.nodes.size(); ++i) {
    const GraphNode& n = graph.nodes[i];
    o << "  \"" << n.id << "\" [label=\"" << n.id << "\\n" << n.type->name;
    if (plan.node_latency[i]) o << "\\nlatency " << plan.node_latency[i];
    o << "\"];\n";
  }
  // One edge per (source port, destination port), with its channel count.
  std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>, uint32_t> edges;
  for (const Connection& c : graph.connections) ++edges[{c.src_node, c.src_port, c.dst_node, c.dst_port}];
  const auto delays = inserted_delays(plan, graph);
  for (const auto& [key, count] : edges) {
    const auto [sn, sp, dn, dp] = key;
    o << "  \"" << graph.nodes[sn].id << "\" -> \"" << graph.nodes[dn].id << "\" [label=\""
      << graph.nodes[sn].layout.outputs[sp].name << "→" << graph.nodes[dn].layout.inputs[dp].name;
    if (count > 1) o << " ×" << count;
    FrameCount d = 0;
    for (uint32_t c = 0; c < graph.nodes[dn].layout.inputs[dp].channels; ++c) {
      auto it = delays.find({dn, dp, c});
      if (it != delays.end()) d = std::max(d, it->second);
    }
    if (d) o << "\\n+" << d << " frames";
    o << "\"];\n";
  }
  o << "}\n";
  return o.str();
}

}  // namespace ac
