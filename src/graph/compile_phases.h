#pragma once
// The compiler's phases, in the order compile() runs them, over one shared
// CompileState. Each phase reads what the earlier ones left in the state
// and adds its own part; each is a function of the state alone, so the
// interesting ones (ordering, latency compensation, buffer reuse) are
// tested on their own in tests/graph/compile_phases_test.cpp.
//
//   build_nodes        create and prepare every node (or take the one a hot
//                      swap keeps); find the host endpoints
//   split_cycles       nodes that close a feedback cycle become a read and a
//                      write half; the execution vertices
//   order_vertices     the audio, event and parameter edges between
//                      vertices and a topological order (a cycle without a
//                      delay is the error, pointing at its closing wire)
//   compensate_latency the latency at each vertex and the delay each
//                      connection needs to align parallel paths
//   find_dependencies  who reads whom, by step
//   schedule_steps     parallel Plans: which thread runs each step
//   assign_buffers     steps, their inputs (alias or mix) and outputs, with
//                      buffers reused by liveness (and, in parallel Plans,
//                      only where every earlier user happens-before)
//   lay_out_pool       each buffer's place in one page-aligned pool
//   make_views         per step, one view per port, and its timed events
//   route_events / route_params   event buffers and parameter inboxes
//   finish_plan        channel tables, counters, the thread lists
#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "core/expected.h"
#include "graph/compiler.h"
#include "graph/graph.h"
#include "graph/plan.h"
#include "graph/static_schedule.h"
#include "graph/topology.h"

namespace ac {

// A vertex of the execution graph: a whole node, or one half of a node that
// closes a cycle.
struct CompileVertex {
  uint32_t node = 0;
  PlanStep::Kind kind = PlanStep::Kind::process;
};

// One output or input channel of a node.
struct ChannelKey {
  uint32_t node = 0, port = 0, channel = 0;
  bool operator<(const ChannelKey& o) const {
    return std::tie(node, port, channel) < std::tie(o.node, o.port, o.channel);
  }
};

struct CompileState {
  CompileState(const Graph& g, const CompileOptions& o, Plan& p)
      : graph(g), options(o), plan(p), node_count(static_cast<uint32_t>(g.nodes.size())) {}
  const Graph& graph;
  const CompileOptions& options;
  Plan& plan;
  uint32_t node_count = 0;
  bool parallel() const { return options.threads > 1; }
  bool kept(uint32_t node) const { return node < options.reuse.size() && options.reuse[node] != nullptr; }

  // split_cycles
  std::vector<bool> split;  // per node
  std::vector<CompileVertex> vertices;
  std::vector<uint32_t> whole, read_half, write_half;  // per node: its vertex (kNoIndex: none)
  uint32_t source_vertex(uint32_t node) const { return split[node] ? read_half[node] : whole[node]; }
  uint32_t sink_vertex(uint32_t node) const { return split[node] ? write_half[node] : whole[node]; }
  // order_vertices
  std::vector<TopologyEdge> audio_edges;  // indexed like graph.connections
  std::vector<TopologyEdge> all_edges;    // audio, event and parameter edges
  std::vector<uint32_t> order;            // vertices in execution order: step s runs vertex order[s]
  std::vector<uint32_t> step_of_vertex;
  // compensate_latency
  std::vector<FrameCount> vertex_in, vertex_out;  // latency at each vertex's inputs and outputs
  std::vector<FrameCount> connection_delay;       // per connection: the alignment it needs
  // find_dependencies: per step, the steps it reads and that read it
  // (deduplicated, ascending)
  std::vector<std::vector<uint32_t>> preds, succs;
  // schedule_steps
  StaticSchedule schedule;  // parallel Plans only
  // assign_buffers
  std::vector<std::vector<uint32_t>> out_channel_buffers;  // per step, its output channels' buffers
  std::vector<uint32_t> buffer_thread;                     // per buffer: the thread it belongs to
};

// [control] The phases; see the top of this file. Those that can fail name
// the graph file location at fault.
Expected<void> build_nodes(CompileState& s);
Expected<void> split_cycles(CompileState& s);
Expected<void> order_vertices(CompileState& s);
void compensate_latency(CompileState& s);
void find_dependencies(CompileState& s);
void schedule_steps(CompileState& s);
void assign_buffers(CompileState& s);
void lay_out_pool(CompileState& s);
void make_views(CompileState& s);
void route_events(CompileState& s);
void route_params(CompileState& s);
void finish_plan(CompileState& s);

// [control] Per graph node, a cost relative to the median measured one (so
// that the scheduler's cross-thread penalty stays a fraction of a typical
// step); unknown nodes (0, or beyond `measured`) count as the median: 1.
std::vector<double> relative_node_costs(const std::vector<double>& measured, uint32_t nodes);

}  // namespace ac
