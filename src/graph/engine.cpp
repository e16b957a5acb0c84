#include "graph/engine.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "graph/deadline_report.h"
#include "graph/plan_handover.h"

namespace ac {
namespace {

// A connection identified by the node instances it joins, so that a node
// replaced by one of another type counts as a different endpoint.
using Wire = std::tuple<const Node*, uint32_t, uint32_t, const Node*, uint32_t, uint32_t>;

Wire wire_of(const Connection& c, const std::vector<std::shared_ptr<Node>>& nodes) {
  return {nodes[c.src_node].get(), c.src_port, c.src_channel, nodes[c.dst_node].get(), c.dst_port, c.dst_channel};
}

}  // namespace

Engine::Engine(const EngineOptions& options) : options_(options), retired_(options.retired_capacity) {}

Engine::~Engine() {
  delete pending_.exchange(nullptr);
  delete current_;
  Plan* p = nullptr;
  while (retired_.try_pop(p)) delete p;
}

Expected<std::unique_ptr<Engine>> Engine::create(Graph graph, const EngineOptions& options) {
  std::unique_ptr<Engine> e(new Engine(options));
  auto plan = e->build(graph, {});
  if (!plan) return unexpected(plan.error());
  e->live_graph_ = graph;
  e->live_nodes_ = (*plan)->nodes;
  e->live_ghost_.assign(graph.nodes.size(), false);
  e->target_ = std::move(graph);
  (*plan)->run.live_since.store(0, std::memory_order_relaxed);
  e->published_ = plan->get();
  e->costs_.follow(*e->published_);
  e->current_ = plan->release();
  return e;
}

CompileOptions Engine::compile_options() const {
  CompileOptions o;
  o.realtime = options_.realtime;
  o.media_clock = options_.media_clock;
  o.threads = options_.threads;
  o.fade_frames = options_.crossfade_frames;
  o.host_slot_of = options_.host_slot_of;
  return o;
}

Expected<std::unique_ptr<Plan>> Engine::build(const Graph& graph, std::vector<std::shared_ptr<Node>> reuse) {
  CompileOptions o = compile_options();
  if (options_.threads > 1 && published_) {
    // Nodes that carry over bring what they typically cost (the median of
    // the sampled windows; the mean over all blocks before the first
    // window), so the new schedule balances the threads by it.
    costs_.sample();
    o.node_cost = costs_.costs_us(reuse);
    o.node_cost.resize(graph.nodes.size(), 0.0);
    const DeadlineReport report = read_deadline_report(*published_);
    std::map<const Node*, double> mean_of;
    for (size_t j = 0; j < published_->nodes.size() && j < report.nodes.size(); ++j)
      mean_of[published_->nodes[j].get()] = report.nodes[j].mean_us_per_block;
    for (size_t i = 0; i < reuse.size() && i < o.node_cost.size(); ++i) {
      if (!reuse[i] || o.node_cost[i] > 0) continue;
      if (auto it = mean_of.find(reuse[i].get()); it != mean_of.end()) o.node_cost[i] = it->second;
    }
  }
  o.reuse = std::move(reuse);
  o.reuse_delays_from = published_;
  auto plan = compile(graph, o);
  if (!plan) return plan;
  for (size_t i = 0; i < (*plan)->nodes.size(); ++i) {
    if (i < o.reuse.size() && o.reuse[i]) continue;  // already active
    if (auto ok = (*plan)->nodes[i]->activate(); !ok) {
      return unexpected(make_error(ErrorDomain::graph, "node '" + graph.nodes[i].id + "': " + ok.error().message,
                                   graph.nodes[i].where));
    }
  }
  return plan;
}

void Engine::publish(std::unique_ptr<Plan> plan, const Graph& graph, std::vector<SwapSet> sets) {
  plan->swap_sets = std::move(sets);
  live_graph_ = graph;
  live_nodes_ = plan->nodes;
  published_ = plan.get();
  costs_.follow(*published_);
  ++publications_;
  // A Plan published before but not yet taken never ran: free it here.
  delete pending_.exchange(plan.release(), std::memory_order_acq_rel);
}

Engine::Carry Engine::carry_over(const Graph& next, const std::set<std::string>& rebuild) const {
  Carry c;
  for (size_t j = 0; j < live_graph_.nodes.size(); ++j) {
    if (!live_ghost_[j] && !rebuild.count(live_graph_.nodes[j].id)) c.live_by_id[live_graph_.nodes[j].id] = j;
  }
  c.reuse.resize(next.nodes.size());
  c.kept_live.assign(live_graph_.nodes.size(), false);
  for (size_t i = 0; i < next.nodes.size(); ++i) {
    auto it = c.live_by_id.find(next.nodes[i].id);
    if (it == c.live_by_id.end()) continue;
    const GraphNode& was = live_graph_.nodes[it->second];
    const GraphNode& now = next.nodes[i];
    if (was.type->name != now.type->name || !(was.options == now.options)) continue;
    c.reuse[i] = live_nodes_[it->second];
    c.kept_live[it->second] = true;
    for (ParamId p = 0; p < now.params.size() && p < was.params.size(); ++p) {
      if (now.params[p] != was.params[p]) c.sets.push_back({static_cast<uint32_t>(i), p, now.params[p]});
    }
  }
  return c;
}

// A node replaced by one of the same type with other options (a plug-in
// swapped for another build) starts from the running one's state where the
// two agree on it; the crossfade then hides the hand-over.
void Engine::carry_state(const Graph& next, const Carry& carry, Plan& clean) {
  swap_notes_.clear();
  for (size_t i = 0; i < next.nodes.size(); ++i) {
    auto it = carry.live_by_id.find(next.nodes[i].id);
    if (carry.reuse[i] || it == carry.live_by_id.end()) continue;
    if (live_graph_.nodes[it->second].type->name != next.nodes[i].type->name) continue;
    auto state = live_nodes_[it->second]->save_state();
    if (!state) continue;  // the type keeps no state
    auto loaded = clean.nodes[i]->load_state(*state);
    swap_notes_.push_back(
        "node '" + next.nodes[i].id +
        "': " + (loaded ? std::string("state carried over") : "state not carried over: " + loaded.error().message));
  }
}

// The new graph, plus every running node that does not carry over (a
// ghost, still fed as before), plus the wires that disappear (fading out);
// wires that appear fade in.
Engine::Transition Engine::transition(const Graph& next, const Carry& carry, const Plan& clean) const {
  Transition t{next, clean.nodes, std::vector<bool>(next.nodes.size(), false), false};
  std::map<const Node*, uint32_t> index_of;
  for (uint32_t i = 0; i < t.nodes.size(); ++i) index_of[t.nodes[i].get()] = i;
  for (size_t j = 0; j < live_graph_.nodes.size(); ++j) {
    if (carry.kept_live[j] || live_ghost_[j]) continue;
    GraphNode ghost = live_graph_.nodes[j];
    ghost.id += "~old";
    index_of[live_nodes_[j].get()] = static_cast<uint32_t>(t.graph.nodes.size());
    t.graph.nodes.push_back(std::move(ghost));
    t.nodes.push_back(live_nodes_[j]);
    t.ghost.push_back(true);
  }
  std::map<Wire, bool> now_wired, was_audible;
  for (const Connection& c : next.connections) now_wired[wire_of(c, t.nodes)] = true;
  for (const Connection& c : live_graph_.connections) {
    if (c.fade != Connection::Fade::out) was_audible[wire_of(c, live_nodes_)] = true;
  }
  for (Connection& c : t.graph.connections) {
    if (carry.reuse[c.dst_node] != nullptr && !was_audible.count(wire_of(c, t.nodes))) {
      c.fade = Connection::Fade::in;
      t.fades = true;
    }
  }
  for (const Connection& c : live_graph_.connections) {
    if (c.fade == Connection::Fade::out || now_wired.count(wire_of(c, live_nodes_))) continue;
    auto src = index_of.find(live_nodes_[c.src_node].get());
    auto dst = index_of.find(live_nodes_[c.dst_node].get());
    if (src == index_of.end() || dst == index_of.end()) continue;  // ghost of an earlier swap: already gone
    Connection kept = c;
    kept.src_node = src->second;
    kept.dst_node = dst->second;
    // Into a ghost: unchanged (the ghost's own output fades). Into a kept
    // node: fades out.
    kept.fade = t.ghost[dst->second] ? Connection::Fade::none : Connection::Fade::out;
    t.fades = t.fades || kept.fade == Connection::Fade::out;
    t.graph.connections.push_back(kept);
  }
  return t;
}

Expected<void> Engine::replace(Graph next, const std::set<std::string>& rebuild) {
  Carry carry = carry_over(next, rebuild);
  auto clean = build(next, carry.reuse);
  if (!clean) return unexpected(clean.error());
  carry_state(next, carry, **clean);
  Transition trans = transition(next, carry, **clean);
  delete clean_.release();
  if (trans.fades) {
    auto transitional = build(trans.graph, trans.nodes);
    if (transitional) {
      publish(std::move(*transitional), trans.graph, std::move(carry.sets));
      live_ghost_ = trans.ghost;
      clean_ = std::move(*clean);
      clean_graph_ = next;
      target_ = std::move(next);
      return {};
    }
    // A crossfade is not always possible (old and new wiring together can
    // form a cycle): then the swap is immediate.
  }
  publish(std::move(*clean), next, std::move(carry.sets));
  live_ghost_.assign(next.nodes.size(), false);
  target_ = std::move(next);
  return {};
}

Expected<std::string> Engine::restore(const std::string& id) {
  const bool known =
      std::any_of(target_.nodes.begin(), target_.nodes.end(), [&](const GraphNode& n) { return n.id == id; });
  if (!known) return unexpected(make_error(ErrorDomain::graph, "no node '" + id + "' to restore"));
  if (auto n = node(id); n && !n->fault().empty()) {
    // A fault is the instance's own (a trapped plug-in's memory is not
    // trusted): only a new instance runs again.
    if (auto ok = replace(target_, {id}); !ok) return unexpected(ok.error());
    return "node '" + id + "' built afresh (its state starts over)";
  }
  const std::vector<std::string> bypassed = published_ ? bypassed_nodes(*published_) : std::vector<std::string>{};
  if (std::find(bypassed.begin(), bypassed.end(), id) == bypassed.end()) return "node '" + id + "' is running";
  restore_node(*published_, id);
  return "node '" + id + "' restored: it runs again";
}

Expected<bool> Engine::rebalance(uint64_t min_blocks) {
  if (options_.threads <= 1 || clean_ || !published_ || balanced_ == publications_) return false;
  if (pending_.load(std::memory_order_acquire) != nullptr) return false;  // not live yet
  if (published_->run.block_counters.blocks.load(std::memory_order_relaxed) < min_blocks) return false;
  costs_.sample();
  if (!costs_.ready()) return false;  // call maintain() more often
  balanced_ = publications_;          // tried once per Plan, whatever comes of it
  // Every node carries over: nothing to activate.
  auto plan = rebalanced_plan(live_graph_, *published_, costs_, compile_options());
  if (!plan) return unexpected(plan.error());
  if (!*plan) return false;
  publish(std::move(*plan), live_graph_, {});
  balanced_ = publications_;
  return true;
}

size_t Engine::maintain() {
  size_t freed = 0;
  Plan* p = nullptr;
  while (retired_.try_pop(p)) {
    delete p;
    ++freed;
  }
  reclaimed_ += freed;
  if (options_.threads > 1) costs_.sample();
  if (clean_ && published_) {
    const int64_t since = published_->run.live_since.load(std::memory_order_acquire);
    if (since >= 0 && last_block_.load(std::memory_order_acquire) - since >= options_.crossfade_frames) {
      publish(std::move(clean_), clean_graph_, {});
      live_ghost_.assign(clean_graph_.nodes.size(), false);
    }
  }
  return freed;
}

Plan* Engine::plan_for_block(SampleTime time) noexcept {
  last_block_.store(time.value, std::memory_order_release);
  if (pending_.load(std::memory_order_acquire) == nullptr || retired_.free_space() == 0) return current_;
  Plan* next = pending_.exchange(nullptr, std::memory_order_acq_rel);
  if (!next) return current_;
  skip_past_events(*next, time);
  for (const SwapSet& set : next->swap_sets) next->nodes[set.node]->set_param(set.param, set.value, 0);
  next->run.live_since.store(time.value, std::memory_order_release);
  retired_.try_push(current_);  // room was checked above
  current_ = next;
  swaps_.fetch_add(1, std::memory_order_relaxed);
  return current_;
}

Plan* Engine::begin_block(SampleTime time, FrameCount frames) noexcept {
  Plan* plan = plan_for_block(time);
  PostedParam p;
  while (posted_.try_pop(p)) {
    if (pending_count_ == kPendingCapacity) {
      params_dropped_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    pending_params_[pending_count_++] = p;
  }
  const int64_t end = time.value + frames;
  uint32_t kept = 0;
  for (uint32_t i = 0; i < pending_count_; ++i) {
    const PostedParam& q = pending_params_[i];
    if (q.at >= end) {
      pending_params_[kept++] = q;  // a later block's
      continue;
    }
    uint32_t node = kNoIndex;
    for (uint32_t n = 0; n < plan->nodes.size(); ++n) {
      if (plan->nodes[n].get() == q.node) node = n;
    }
    if (node == kNoIndex || plan->routing.node_inbox[node] == kNoIndex) {
      params_dropped_.fetch_add(1, std::memory_order_relaxed);  // the node left the graph
      continue;
    }
    const auto frame = static_cast<FrameOffset>(q.at <= time.value ? 0 : q.at - time.value);
    if (!plan->routing.inboxes[plan->routing.node_inbox[node]].push({frame, q.param, q.value, q.ramp_frames}))
      params_dropped_.fetch_add(1, std::memory_order_relaxed);
  }
  pending_count_ = kept;
  return plan;
}

std::pair<uint32_t, ParamId> Engine::find_param(const std::string& node_id, const std::string& param) const {
  for (uint32_t i = 0; i < live_graph_.nodes.size(); ++i) {
    if (live_ghost_[i] || live_graph_.nodes[i].id != node_id) continue;
    const auto& specs = live_graph_.nodes[i].layout.params;
    for (ParamId p = 0; p < specs.size(); ++p) {
      if (specs[p].name == param) return {i, p};
    }
    return {i, kNoIndex};
  }
  return {kNoIndex, kNoIndex};
}

Expected<void> Engine::set_param(const std::string& node_id, const std::string& param, float value,
                                 std::optional<SampleTime> at, FrameCount ramp_frames) {
  const auto [node, pid] = find_param(node_id, param);
  if (node == kNoIndex) return unexpected(make_error(ErrorDomain::graph, "no node '" + node_id + "'"));
  if (pid == kNoIndex) {
    return unexpected(make_error(ErrorDomain::graph, "node '" + node_id + "' has no parameter '" + param + "'"));
  }
  const ParamSpec& spec = live_graph_.nodes[node].layout.params[pid];
  if (!(value >= spec.min && value <= spec.max)) {
    return unexpected(make_error(ErrorDomain::graph, "'" + node_id + "." + param + "' is " + std::to_string(value) +
                                                         ", outside its range " + spec.describe_range()));
  }
  PostedParam p{live_nodes_[node].get(), pid, value, ramp_frames, at ? at->value : -1};
  if (!posted_.try_push(p)) return unexpected(make_error(ErrorDomain::graph, "too many parameter changes queued"));
  live_graph_.nodes[node].params[pid] = value;
  for (GraphNode& n : target_.nodes) {
    if (n.id == node_id && pid < n.params.size()) n.params[pid] = value;
  }
  if (clean_) {
    for (GraphNode& n : clean_graph_.nodes) {
      if (n.id == node_id && pid < n.params.size()) n.params[pid] = value;
    }
  }
  return {};
}

std::shared_ptr<Node> Engine::node(const std::string& id) const {
  for (size_t i = 0; i < live_graph_.nodes.size(); ++i) {
    if (!live_ghost_[i] && live_graph_.nodes[i].id == id) return live_nodes_[i];
  }
  return nullptr;
}

Expected<float> Engine::param(const std::string& node_id, const std::string& param) const {
  const auto [node, pid] = find_param(node_id, param);
  if (node == kNoIndex) return unexpected(make_error(ErrorDomain::graph, "no node '" + node_id + "'"));
  if (pid == kNoIndex) {
    return unexpected(make_error(ErrorDomain::graph, "node '" + node_id + "' has no parameter '" + param + "'"));
  }
  return live_graph_.nodes[node].params[pid];
}

}  // namespace ac
