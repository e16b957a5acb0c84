#pragma once
// The Engine owns the running Plan and changes it while audio plays (hot
// swap). The control thread hands it a new Graph; the Engine compiles a
// Plan that keeps every node with the same id, type and options (their
// state goes on: an oscillator's phase, a delay's contents), and publishes
// it. The audio thread picks it up at its next block boundary with one
// atomic exchange and hands the old Plan back through a lock-free ring; the
// control thread destroys it later. Nothing on the audio side allocates,
// locks or waits.
//
// Topology changes crossfade instead of clicking: a connection that appears
// fades in, one that disappears fades out (its source, if removed from the
// graph, keeps running as a "ghost" until then), over `crossfade_frames`
// with a raised cosine. When the fades are done, maintain() publishes the
// plain Plan of the new graph, which sounds identical (the gains are
// exactly 0 and 1 by then). Paths no edit touches are bit-identical to a
// run without edits.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/expected.h"
#include "core/spsc_ring.h"
#include "graph/compiler.h"
#include "graph/cost_sampler.h"
#include "graph/graph.h"
#include "graph/plan.h"

namespace ac {

struct EngineOptions {
  uint32_t threads = 1;               // Plans are compiled for this many executor threads
  bool realtime = true;               // see StreamConfig::realtime
  std::string media_clock;            // see StreamConfig::media_clock
  FrameCount crossfade_frames = 480;  // 10 ms at 48 kHz
  size_t retired_capacity = 64;       // Plans waiting to be reclaimed
  HostSlotOf host_slot_of{};          // see CompileOptions::host_slot_of
};

class Engine {
 public:
  // [control] Compiles and activates the first Plan.
  static Expected<std::unique_ptr<Engine>> create(Graph graph, const EngineOptions& options);
  // [control] Only once the audio thread no longer calls plan_for_block().
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // [audio] The Plan to run for the block starting at `time`. Takes up a
  // newly published Plan, if any (events before `time` are skipped, changed
  // parameter values applied), and hands back the one it replaces. Never
  // blocks, never allocates.
  Plan* plan_for_block(SampleTime time) noexcept;

  // [audio] plan_for_block(), then hands the parameter changes posted with
  // set_param() that fall in [time, time + frames) to their nodes (at their
  // frames; late ones at frame 0). What a driver calls at each block.
  Plan* begin_block(SampleTime time, FrameCount frames) noexcept;

  // [control] Sets a parameter of a running node at sample time `at` (as
  // soon as possible when absent or past), ramping over `ramp_frames`.
  // Errors name an unknown node or parameter, a value out of range, or a
  // full queue. The value is also what graph() and param() report from now.
  Expected<void> set_param(const std::string& node_id, const std::string& param, float value,
                           std::optional<SampleTime> at = std::nullopt, FrameCount ramp_frames = 0);
  // [control] The value last given to a parameter (by the graph or
  // set_param()), or an error naming what is unknown.
  Expected<float> param(const std::string& node_id, const std::string& param) const;
  // [control] The running instance of node `id` (null if none), for control
  // threads that read a node's own off-audio-thread API (a meter's poll()).
  std::shared_ptr<Node> node(const std::string& id) const;
  // [any] Posted changes dropped: queue full, or their node was gone.
  uint64_t params_dropped() const { return params_dropped_.load(std::memory_order_relaxed); }
  // [any] The sample time of the latest block's first frame.
  SampleTime last_block_time() const { return SampleTime{last_block_.load(std::memory_order_acquire)}; }

  // [control] Makes `next` the running graph: compiles (reusing nodes),
  // publishes, returns without waiting for the audio thread. Errors leave
  // the running graph untouched.
  Expected<void> replace(Graph next) { return replace(std::move(next), {}); }
  // [control] Same, but the nodes named in `rebuild` are built afresh even
  // where an instance would carry over.
  Expected<void> replace(Graph next, const std::set<std::string>& rebuild);
  // [control] Brings node `id` back: one the overrun policy bypassed runs
  // again from the next block; one that stopped working (a plug-in that
  // trapped: Node::fault()) is built afresh and crossfaded in, its state
  // starting over. Says what it did; an error for an unknown id.
  Expected<std::string> restore(const std::string& id);
  // [control] What the last replace() did with node state ("node 'fx':
  // state carried over"), for the caller to report.
  const std::vector<std::string>& swap_notes() const { return swap_notes_; }

  // [control] Parallel engines: once the running Plan has run `min_blocks`
  // blocks and maintain() has sampled enough of its costs
  // (CostSampler::ready()), compiles the same graph again with what each
  // node typically costs (rebalanced_plan()), and publishes it if the threads' lists change (a node far costlier
  // than the others moves the cut). Every node carries over: the output is
  // bit-identical to not rebalancing. Once per Plan; not during a
  // crossfade. True when a new Plan was published.
  Expected<bool> rebalance(uint64_t min_blocks);
  // [control] Call regularly: destroys Plans the audio thread gave back and,
  // once a crossfade has run its course, publishes the plain Plan. Returns
  // how many Plans it destroyed.
  size_t maintain();

  // [control] The Plan last published: the running one, or the one about to
  // run. Unlike a pointer the audio thread hands out, it stays valid on the
  // control thread until that thread publishes another (maintain(),
  // replace(), rebalance()).
  const Plan& published_plan() const { return *published_; }
  const Graph& graph() const { return target_; }                             // the graph last asked for
  uint64_t swaps() const { return swaps_.load(std::memory_order_relaxed); }  // Plans that went live
  uint64_t plans_reclaimed() const { return reclaimed_; }
  bool crossfading() const { return clean_ != nullptr; }

 private:
  std::vector<std::string> swap_notes_;
  explicit Engine(const EngineOptions& options);
  Expected<std::unique_ptr<Plan>> build(const Graph& graph, std::vector<std::shared_ptr<Node>> reuse);
  CompileOptions compile_options() const;  // what every Plan of this engine is compiled with
  void publish(std::unique_ptr<Plan> plan, const Graph& graph, std::vector<SwapSet> sets);
  // replace()'s steps. Which running instances carry over into `next`
  // (same id, type and options), with the parameter values they change.
  struct Carry {
    std::map<std::string, size_t> live_by_id;  // running nodes that may carry over, by id
    std::vector<std::shared_ptr<Node>> reuse;  // per `next` node: the instance kept, or null
    std::vector<bool> kept_live;               // per running node: kept
    std::vector<SwapSet> sets;
  };
  Carry carry_over(const Graph& next, const std::set<std::string>& rebuild) const;
  void carry_state(const Graph& next, const Carry& carry, Plan& clean);
  // The graph that crossfades from the running one to `next`.
  struct Transition {
    Graph graph;
    std::vector<std::shared_ptr<Node>> nodes;
    std::vector<bool> ghost;  // per node: a running node on its way out
    bool fades = false;       // anything to crossfade
  };
  Transition transition(const Graph& next, const Carry& carry, const Plan& clean) const;

  EngineOptions options_;
  Graph target_;                                   // what was asked for
  Graph live_graph_;                               // graph of the last published Plan (ghosts included)
  std::vector<std::shared_ptr<Node>> live_nodes_;  // its node instances
  std::vector<bool> live_ghost_;                   // per live_graph_ node
  Plan* published_ = nullptr;                      // last published (control's view)
  uint64_t publications_ = 0;                      // Plans published so far
  uint64_t balanced_ = UINT64_MAX;                 // the publication rebalance() last settled
  CostSampler costs_;                              // of the published Plan's nodes
  std::unique_ptr<Plan> clean_;                    // the plain Plan to follow a crossfade
  Graph clean_graph_;
  std::atomic<Plan*> pending_{nullptr};
  Plan* current_ = nullptr;  // owned; touched by the audio thread only (after create)
  SpscRing<Plan*> retired_;
  std::atomic<int64_t> last_block_{0};
  std::atomic<uint64_t> swaps_{0};
  uint64_t reclaimed_ = 0;

  // Posted parameter changes: control → audio through a ring, then held on
  // the audio side until their block.
  struct PostedParam {
    const Node* node = nullptr;
    ParamId param = 0;
    float value = 0.0f;
    FrameCount ramp_frames = 0;
    int64_t at = -1;  // sample time, -1: as soon as possible
  };
  static constexpr uint32_t kPendingCapacity = 1024;
  SpscRing<PostedParam> posted_{kPendingCapacity};
  std::vector<PostedParam> pending_params_ = std::vector<PostedParam>(kPendingCapacity);
  uint32_t pending_count_ = 0;
  std::atomic<uint64_t> params_dropped_{0};
  std::pair<uint32_t, ParamId> find_param(const std::string& node_id, const std::string& param) const;
};

}  // namespace ac
