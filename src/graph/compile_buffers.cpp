// The compiler's buffer phases: steps with their inputs and outputs bound to
// buffers reused by liveness, and the pool's layout (graph/compile_phases.h).
#include <algorithm>

#include "graph/buffer_allocator.h"
#include "graph/compile_phases.h"

namespace ac {
namespace {

// Each output channel is a value produced at one step and last read at
// another; each input channel is fed by connections, in file order.
struct Liveness {
  std::map<ChannelKey, uint32_t> last_use;            // output channel -> last reading step
  std::vector<std::vector<ChannelKey>> last_read_at;  // per step: values whose last reader it is
  std::map<ChannelKey, std::vector<size_t>> feeds;    // input channel -> connections into it
};

Liveness find_liveness(const CompileState& s) {
  Liveness l;
  const Graph& graph = s.graph;
  for (size_t e = 0; e < graph.connections.size(); ++e) {
    const Connection& c = graph.connections[e];
    const uint32_t reader = s.step_of_vertex[s.audio_edges[e].to];
    auto [it, fresh] = l.last_use.emplace(ChannelKey{c.src_node, c.src_port, c.src_channel}, reader);
    if (!fresh) it->second = std::max(it->second, reader);
  }
  l.last_read_at.resize(s.vertices.size());
  for (const auto& [key, reader] : l.last_use) l.last_read_at[reader].push_back(key);
  for (size_t e = 0; e < graph.connections.size(); ++e) {
    const Connection& c = graph.connections[e];
    l.feeds[{c.dst_node, c.dst_port, c.dst_channel}].push_back(e);
  }
  return l;
}

// Hands out buffers. Serial Plans take the lowest free one. Parallel Plans
// take a free buffer only if every step that touched its previous value
// happens-before the new writer (else they could run at the same time), and
// only on the thread it belongs to (each thread's buffers lie apart, see
// PlanBuffers). Happens-before is the step's inputs and, because a list
// always runs in its order (whoever holds it), the steps before it in its
// own list: without that, each chain on a thread would need buffers of its
// own instead of reusing the last chain's, which are still in L1.
class BufferAssigner {
 public:
  explicit BufferAssigner(CompileState& s) : s_(s) {
    const auto steps = static_cast<uint32_t>(s.vertices.size());
    track_ancestry_ = s.parallel() && steps <= kMaxReuseTracking;
    if (track_ancestry_) find_ancestors(steps);
  }

  uint32_t acquire_for(uint32_t step) {
    uint32_t b = 0;
    if (!s_.parallel()) {
      b = alloc_.acquire();
    } else {
      const uint32_t thread = s_.schedule.thread_of[step];
      b = alloc_.acquire_if([&](uint32_t candidate) {
        if (!track_ancestry_ || s_.buffer_thread[candidate] != thread) return false;
        return std::all_of(users_[candidate].begin(), users_[candidate].end(),
                           [&](uint32_t u) { return is_ancestor(u, step); });
      });
      if (b >= s_.buffer_thread.size()) s_.buffer_thread.resize(b + 1, thread);
    }
    if (users_.size() <= b) users_.resize(b + 1);
    users_[b].assign(1, step);
    return b;
  }
  void note_use(uint32_t buffer, uint32_t step) {
    if (users_.size() <= buffer) users_.resize(buffer + 1);
    users_[buffer].push_back(step);
  }
  void release(uint32_t buffer) { alloc_.release(buffer); }
  uint32_t high_water() const { return alloc_.high_water(); }

 private:
  static constexpr uint32_t kMaxReuseTracking = 16384;

  void find_ancestors(uint32_t steps) {
    words_ = (steps + 63) / 64;
    ancestors_.assign(words_ * steps, 0);
    std::vector<uint32_t> list_last(s_.options.threads, kNoIndex);  // per list: its latest step so far
    for (uint32_t step = 0; step < steps; ++step) {
      uint64_t* mine = &ancestors_[step * words_];
      auto inherit = [&](uint32_t p) {
        const uint64_t* theirs = &ancestors_[p * words_];
        for (size_t w = 0; w < words_; ++w) mine[w] |= theirs[w];
        mine[p / 64] |= uint64_t{1} << (p % 64);
      };
      for (uint32_t p : s_.preds[step]) inherit(p);
      uint32_t& before = list_last[s_.schedule.thread_of[step]];
      if (before != kNoIndex) inherit(before);
      before = step;
    }
  }
  bool is_ancestor(uint32_t a, uint32_t step) const { return (ancestors_[step * words_ + a / 64] >> (a % 64)) & 1u; }

  CompileState& s_;
  BufferAllocator alloc_;
  bool track_ancestry_ = false;
  size_t words_ = 0;
  std::vector<uint64_t> ancestors_;           // per step: a bit per step that happens-before it
  std::vector<std::vector<uint32_t>> users_;  // per buffer: steps that touched its current value
};

// The alignment delay for connection `c`: the running Plan's, if it has one
// for the same instances, channels and length (its audio goes on).
std::shared_ptr<AlignmentDelay> alignment_delay(const CompileState& s, const Connection& c, FrameCount frames) {
  const Node* src = s.plan.nodes[c.src_node].get();
  const Node* dst = s.plan.nodes[c.dst_node].get();
  if (s.options.reuse_delays_from) {
    for (const auto& d : s.options.reuse_delays_from->run.delays) {
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
}

// What assign_buffers() carries from step to step.
struct Assignment {
  Liveness live;
  BufferAssigner buffers;
  std::map<ChannelKey, uint32_t> value_buffer;  // output channel -> its buffer
  uint32_t mixes = 0, outputs = 0;
};

// One input channel fed by the connections `list`: read in place when it is
// one connection without delay or fade, else mixed into a buffer of its own.
PlanInputChannel bind_input(CompileState& s, Assignment& a, uint32_t step, const std::vector<size_t>& list,
                            std::vector<uint32_t>& to_release) {
  const Graph& graph = s.graph;
  Plan& plan = s.plan;
  PlanInputChannel in;
  if (list.size() == 1 && s.connection_delay[list[0]] == 0 &&
      graph.connections[list[0]].fade == Connection::Fade::none) {
    const Connection& c = graph.connections[list[0]];
    in.mode = PlanInputChannel::Mode::alias;
    in.buffer = a.value_buffer.at({c.src_node, c.src_port, c.src_channel});
    a.buffers.note_use(in.buffer, step);
    return in;
  }
  in.mode = PlanInputChannel::Mode::mix;
  in.buffer = a.buffers.acquire_for(step);
  ++a.mixes;
  to_release.push_back(in.buffer);
  in.first_source = static_cast<uint32_t>(plan.sources.size());
  in.source_count = static_cast<uint32_t>(list.size());
  for (size_t e : list) {
    const Connection& c = graph.connections[e];
    PlanSource src;
    src.fade = c.fade;
    plan.has_fades = plan.has_fades || c.fade != Connection::Fade::none;
    src.buffer = a.value_buffer.at({c.src_node, c.src_port, c.src_channel});
    a.buffers.note_use(src.buffer, step);
    if (s.connection_delay[e] > 0) {
      src.delay_line = static_cast<uint32_t>(plan.run.delays.size());
      plan.run.delays.push_back(alignment_delay(s, c, s.connection_delay[e]));
    }
    plan.sources.push_back(src);
  }
  return in;
}

// Inputs of whole nodes and write halves.
void bind_inputs(CompileState& s, Assignment& a, uint32_t step, PlanStep& ps, std::vector<uint32_t>& to_release) {
  Plan& plan = s.plan;
  const GraphNode& gn = s.graph.nodes[ps.node];
  ps.first_input_channel = static_cast<uint32_t>(plan.input_channels.size());
  if (ps.kind != PlanStep::Kind::cycle_read) {
    for (uint32_t p = 0; p < gn.layout.inputs.size(); ++p) {
      for (uint32_t ch = 0; ch < gn.layout.inputs[p].channels; ++ch) {
        auto f = a.live.feeds.find({ps.node, p, ch});
        plan.input_channels.push_back(f == a.live.feeds.end() ? PlanInputChannel{}
                                                              : bind_input(s, a, step, f->second, to_release));
      }
    }
  }
  ps.input_channels_count = static_cast<uint32_t>(plan.input_channels.size()) - ps.first_input_channel;
  for (uint32_t i = ps.first_input_channel; i < plan.input_channels.size(); ++i)
    ps.has_mix = ps.has_mix || plan.input_channels[i].mode == PlanInputChannel::Mode::mix;
}

// Outputs of whole nodes and read halves: a buffer per channel.
std::vector<uint32_t> bind_outputs(CompileState& s, Assignment& a, uint32_t step, const PlanStep& ps,
                                   std::vector<uint32_t>& to_release) {
  std::vector<uint32_t> outs;
  if (ps.kind == PlanStep::Kind::cycle_write) return outs;
  const GraphNode& gn = s.graph.nodes[ps.node];
  for (uint32_t p = 0; p < gn.layout.outputs.size(); ++p) {
    for (uint32_t ch = 0; ch < gn.layout.outputs[p].channels; ++ch) {
      const uint32_t b = a.buffers.acquire_for(step);
      ++a.outputs;
      a.value_buffer[{ps.node, p, ch}] = b;
      outs.push_back(b);
      if (!a.live.last_use.count({ps.node, p, ch})) to_release.push_back(b);  // nobody reads it
    }
  }
  return outs;
}

// The step's own settings: its node, its budget, its successors.
PlanStep make_step(CompileState& s, uint32_t step) {
  const CompileVertex& vx = s.vertices[s.order[step]];
  const GraphNode& gn = s.graph.nodes[vx.node];
  PlanStep ps;
  ps.kind = vx.kind;
  ps.node = vx.node;
  ps.node_ptr = s.plan.nodes[vx.node].get();
  if (gn.budget && vx.kind == PlanStep::Kind::process) {
    ps.budget_share = static_cast<float>(gn.budget->share);
    ps.budget_after = gn.budget->after;
    ps.bypass_passes = gn.budget->pass_through;
  }
  ps.first_successor = static_cast<uint32_t>(s.plan.successors.size());
  ps.successor_count = static_cast<uint32_t>(s.succs[step].size());
  s.plan.successors.insert(s.plan.successors.end(), s.succs[step].begin(), s.succs[step].end());
  return ps;
}

}  // namespace

void assign_buffers(CompileState& s) {
  Assignment a{find_liveness(s), BufferAssigner(s), {}, 0, 0};
  const auto steps = static_cast<uint32_t>(s.vertices.size());
  for (uint32_t step = 0; step < steps; ++step) {
    PlanStep ps = make_step(s, step);
    std::vector<uint32_t> to_release;
    bind_inputs(s, a, step, ps, to_release);
    s.out_channel_buffers.push_back(bind_outputs(s, a, step, ps, to_release));
    // Values whose last reader (in this order) is this step are free after it.
    for (const ChannelKey& key : a.live.last_read_at[step]) to_release.push_back(a.value_buffer.at(key));
    std::sort(to_release.begin(), to_release.end());
    to_release.erase(std::unique(to_release.begin(), to_release.end()), to_release.end());
    for (uint32_t b : to_release) a.buffers.release(b);
    s.plan.steps.push_back(ps);
  }
  s.plan.parallel_safe = s.parallel();
  s.plan.buffers.count = a.buffers.high_water();
  s.plan.buffers.naive_count = a.outputs + a.mixes;
}

void lay_out_pool(CompileState& s) {
  PlanBuffers& b = s.plan.buffers;
  constexpr size_t kLineFloats = 64 / sizeof(float);
  constexpr size_t kPageFloats = 4096 / sizeof(float);
  const FrameCount block = s.graph.block_size;
  b.stride = (block + kLineFloats - 1) / kLineFloats * kLineFloats;
  // Thread by thread (a serial Plan's buffers all belong to thread 0), each
  // thread's buffers starting on a page.
  s.buffer_thread.resize(b.count, 0);
  b.offset.resize(b.count);
  size_t used = 0;
  for (uint32_t t = 0; t < std::max(s.options.threads, 1u); ++t) {
    used = (used + kPageFloats - 1) / kPageFloats * kPageFloats;
    for (uint32_t i = 0; i < b.count; ++i) {
      if (s.buffer_thread[i] != t) continue;
      b.offset[i] = used;
      used += b.stride;
    }
  }
  b.pool.assign(used + kPageFloats, 0.0f);
  auto addr = reinterpret_cast<uintptr_t>(b.pool.data());
  addr = (addr + 4095) & ~uintptr_t{4095};
  b.base = reinterpret_cast<float*>(addr);
  b.zero.assign(block, 0.0f);
}

}  // namespace ac
