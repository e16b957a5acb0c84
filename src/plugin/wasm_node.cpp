// The `wasm` node: a WebAssembly plug-in in the graph. Loading (validation,
// ahead-of-time compilation, descriptor) happens when the graph is loaded,
// on the control thread; process() copies audio and events in and out of
// the plug-in's linear memory and calls it through the trap-recovering
// runtime. A trap or an overrun bypasses the node (inputs passed through
// where the channel counts allow, else silence); the rest of the graph
// plays on.
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "plugin/plugin_nodes.h"
#include "plugin/wasm_plugin.h"

namespace ac {
namespace {

using wasm::TrapCode;

wasm::PluginOptions options_from(const NodeOptions& o) {
  wasm::PluginOptions p;
  const std::string& engine = o.text("engine");
  p.engine = engine == "compiled"      ? wasm::EngineChoice::compiled
             : engine == "interpreted" ? wasm::EngineChoice::interpreted
                                       : wasm::EngineChoice::automatic;
  p.aot.bounds = o.text("bounds") == "explicit" ? wasm::BoundsCheck::explicit_checks : wasm::BoundsCheck::guard_pages;
  return p;
}

// Loaded plug-ins by file, engine and bounds checking: a graph loaded again
// (every hot-swap patch) finds them here instead of reading and
// instantiating each file again. A file that changed on disk loads afresh.
Expected<std::shared_ptr<const wasm::LoadedPlugin>> cached_plugin(const NodeOptions& o) {
  static std::mutex mutex;
  struct Entry {
    int64_t mtime_ns, size;
    std::shared_ptr<const wasm::LoadedPlugin> plugin;
  };
  static std::map<std::string, Entry> cache;
  const std::string& path = o.text("file");
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return unexpected(make_error(ErrorDomain::plugin, path + ": no such file"));
  const int64_t mtime = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
  const std::string key = path + "|" + o.text("engine") + "|" + o.text("bounds");
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = cache.find(key); it != cache.end() && it->second.mtime_ns == mtime && it->second.size == st.st_size) {
    return it->second.plugin;
  }
  auto loaded = wasm::load_plugin(path, options_from(o));
  if (!loaded) return loaded;
  if (!(*loaded)->warning.empty()) std::fprintf(stderr, "warning: %s\n", (*loaded)->warning.c_str());
  cache[key] = {mtime, st.st_size, *loaded};
  return loaded;
}

class WasmNode final : public Node {
 public:
  WasmNode(const NodeOptions& o, const NodeLayout& l, std::shared_ptr<const wasm::LoadedPlugin> plugin)
      : Node(l.params),
        plugin_(std::move(plugin)),
        pass_on_fault_(o.text("on_fault") == "pass"),
        budget_ms_(o.number("budget_ms")),
        pending_(l.params.size(), 1) {}

  Expected<void> prepare(const StreamConfig& config) override {
    // Budget: CPU time per call. Default: 8 block periods, at least 10 ms.
    const double period_ms = 1000.0 * config.max_block / config.sample_rate;
    const double ms = budget_ms_ > 0 ? budget_ms_ : std::max(10.0, 8.0 * period_ms);
    auto runner =
        wasm::PluginRunner::create(plugin_, config.sample_rate, config.max_block, static_cast<uint64_t>(ms * 1e6));
    if (!runner) return unexpected(runner.error());
    runner_ = std::move(*runner);
    state_.reserve(plugin_->descriptor.id.size() + 1 + plugin_->descriptor.state_size);
    std::fill(pending_.begin(), pending_.end(), uint8_t{1});
    return {};
  }

  FrameCount latency() const override { return plugin_->descriptor.latency; }

  void set_param(ParamId id, float value, FrameCount ramp_frames) noexcept override {
    Node::set_param(id, value, ramp_frames);
    if (id < pending_.size()) pending_[id] = 1;
  }

  void process(ProcessContext& ctx) noexcept override {
    serve_state_request();
    const uint32_t frames = ctx.frames;
    if (fault_.load(std::memory_order_relaxed) != TrapCode::none) {
      bypass(ctx);
      return;
    }
    wasm::PluginRunner& r = *runner_;
    r.begin(frames);
    uint32_t ch = 0;
    for (uint32_t p = 0; p < ctx.input_count; ++p) {
      for (uint32_t c = 0; c < ctx.in(p).channel_count; ++c)
        std::memcpy(r.input(ch++), ctx.in(p).channel(c), frames * sizeof(float));
    }
    for (ParamId id = 0; id < pending_.size(); ++id) {
      if (!pending_[id]) continue;
      pending_[id] = 0;
      // A ramp from the graph arrives as its target: the plug-in smooths.
      uint32_t data[4] = {id, 0, 0, 0};
      const float v = param(id).target();
      std::memcpy(&data[1], &v, 4);
      r.push_event(0, wasm::kEventParam, data);
    }
    if (ctx.event_input_count > 0) {
      for (const UmpEvent& e : ctx.events_in(0)) {
        r.push_event(e.at - ctx.block_offset, wasm::kEventUmp, e.words);
      }
    }
    const TrapCode t = r.run();
    if (t != TrapCode::none) {
      fault_.store(t, std::memory_order_release);
      bypass(ctx);
      return;
    }
    ch = 0;
    for (uint32_t p = 0; p < ctx.output_count; ++p) {
      for (uint32_t c = 0; c < ctx.out(p).channel_count; ++c)
        std::memcpy(ctx.out(p).channel(c), r.output(ch++), frames * sizeof(float));
    }
    for (uint32_t i = 0; i < r.output_event_count(); ++i) {
      uint32_t frame = 0, type = 0, data[4];
      r.output_event(i, frame, type, data);
      if (type == wasm::kEventUmp && ctx.event_output_count > 0) {
        ctx.emit(0, frame, data);
      } else if (type == wasm::kEventParam && data[0] < param_count()) {
        float v;
        std::memcpy(&v, &data[1], 4);
        Node::set_param(data[0], v, 0);  // the plug-in changed it: the host shows the new value
      }
    }
    for (ParamId id = 0; id < param_count(); ++id) param(id).advance(frames);
  }

  void reset() noexcept override {
    if (fault_.load(std::memory_order_relaxed) == TrapCode::none && runner_) {
      if (TrapCode t = runner_->reset(); t != TrapCode::none) fault_.store(t, std::memory_order_release);
    }
  }

  std::vector<std::string> counters() const override {
    const uint64_t dropped = runner_ ? runner_->dropped_events() : 0;
    if (dropped == 0) return {};
    return {std::to_string(dropped) + " events dropped (more in one call than the plug-in's event list holds)"};
  }

  std::string fault() const override {
    const TrapCode t = fault_.load(std::memory_order_acquire);
    if (t == TrapCode::none) return {};
    return "plug-in '" + plugin_->descriptor.id + "' (" + plugin_->module->name() + ") trapped: " + wasm::trap_text(t) +
           "; bypassed (" + (pass_on_fault_ ? "inputs passed through" : "silent") + ")";
  }

  // The state is taken on the audio thread between two calls (a running
  // plug-in must not be entered twice); when nothing runs the node within
  // 100 ms, it is not in a running Plan and is read directly.
  Expected<std::vector<uint8_t>> save_state() override {
    if (!runner_) return unexpected(make_error(ErrorDomain::plugin, "not prepared"));
    if (fault_.load(std::memory_order_acquire) != TrapCode::none) {
      return unexpected(make_error(ErrorDomain::plugin, "the plug-in trapped; its state is not trusted"));
    }
    state_ready_.store(false, std::memory_order_relaxed);
    state_request_.store(true, std::memory_order_release);
    for (int i = 0; i < 100 && !state_ready_.load(std::memory_order_acquire); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    bool expected = true;
    if (state_request_.compare_exchange_strong(expected, false, std::memory_order_acq_rel)) {
      return runner_->save_state();  // not running: nobody took the request
    }
    for (int i = 0; i < 1000 && !state_ready_.load(std::memory_order_acquire); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!state_ok_) return unexpected(make_error(ErrorDomain::plugin, "the plug-in could not save its state"));
    return state_;
  }

  Expected<void> load_state(std::span<const uint8_t> state) override {
    if (!runner_) return unexpected(make_error(ErrorDomain::plugin, "not prepared"));
    return runner_->load_state(state);
  }

 private:
  void serve_state_request() noexcept {
    bool expected = true;
    if (!state_request_.load(std::memory_order_acquire) ||
        !state_request_.compare_exchange_strong(expected, false, std::memory_order_acq_rel)) {
      return;
    }
    // Into the buffer reserved at prepare(): the id, then the plug-in's bytes.
    state_ok_ = false;
    state_.clear();
    const std::string& id = plugin_->descriptor.id;
    uint32_t size = 0;
    if (plugin_->descriptor.state_size == 0 || runner_->instance().save_state(size) == TrapCode::none) {
      if (size <= plugin_->descriptor.state_size) {
        state_.insert(state_.end(), id.begin(), id.end());
        state_.push_back(0);
        const uint8_t* p = runner_->state_bytes();
        state_.insert(state_.end(), p, p + size);
        state_ok_ = true;
      }
    }
    state_ready_.store(true, std::memory_order_release);
  }

  void bypass(ProcessContext& ctx) noexcept {
    uint32_t p = 0;
    for (; p < ctx.output_count; ++p) {
      const AudioView& out = ctx.out(p);
      const bool pass = pass_on_fault_ && p < ctx.input_count && ctx.in(p).channel_count == out.channel_count;
      for (uint32_t c = 0; c < out.channel_count; ++c) {
        if (pass) {
          std::memcpy(out.channel(c), ctx.in(p).channel(c), ctx.frames * sizeof(float));
        } else {
          std::memset(out.channel(c), 0, ctx.frames * sizeof(float));
        }
      }
    }
    for (ParamId id = 0; id < param_count(); ++id) param(id).advance(ctx.frames);
  }

  std::shared_ptr<const wasm::LoadedPlugin> plugin_;
  std::unique_ptr<wasm::PluginRunner> runner_;
  bool pass_on_fault_;
  double budget_ms_;
  std::vector<uint8_t> pending_;  // parameters to send at the next call
  std::atomic<TrapCode> fault_{TrapCode::none};
  std::atomic<bool> state_request_{false}, state_ready_{false};
  bool state_ok_ = false;
  std::vector<uint8_t> state_;
};

}  // namespace

NodeType wasm_node_type() {
  NodeType t;
  t.name = "wasm";
  t.summary = "a WebAssembly plug-in (docs/spec/plugin-abi.md): compiled ahead of time, sandboxed";
  t.options = {
      path_param("file", "the plug-in module (.wasm)"),
      choice_param("engine", {"auto", "compiled", "interpreted"}, "auto",
                   "compiled (wasm2c + C compiler), interpreted (wabt), or auto: compiled when a compiler exists"),
      choice_param("bounds", {"guard", "explicit"}, "guard",
                   "memory bounds: guard pages (no cost per access) or explicit checks"),
      number_param("budget_ms", 0, 10000, 0, "ms",
                   "CPU time one call may use before it is interrupted (0: 8 block periods, at least 10 ms)"),
      choice_param("on_fault", {"pass", "silence"}, "pass",
                   "after a trap or overrun: pass inputs through (where channels match) or output silence"),
  };
  t.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    auto plugin = cached_plugin(o);
    if (!plugin) return unexpected(plugin.error());
    const wasm::PluginDescriptor& d = (*plugin)->descriptor;
    NodeLayout l;
    for (const wasm::PluginPort& p : d.audio_inputs) l.inputs.push_back({p.name, p.channels});
    for (const wasm::PluginPort& p : d.audio_outputs) l.outputs.push_back({p.name, p.channels});
    if (d.event_inputs) l.event_inputs.push_back({"events", 1});
    if (d.event_outputs) l.event_outputs.push_back({"events", 1});
    for (const wasm::PluginParam& p : d.params) {
      ParamSpec s = number_param(p.id, p.min, p.max, p.default_value, p.unit, p.name);
      if (p.curve == 2 || p.curve == 3) s.kind = ParamKind::integer;
      l.params.push_back(std::move(s));
    }
    return l;
  };
  t.create = [](const NodeOptions& o, const NodeLayout& l) -> Expected<std::unique_ptr<Node>> {
    auto plugin = cached_plugin(o);
    if (!plugin) return unexpected(plugin.error());
    return std::unique_ptr<Node>(std::make_unique<WasmNode>(o, l, *plugin));
  };
  return t;
}

void register_plugin_nodes(NodeRegistry& registry) {
  registry.add(wasm_node_type());
}

}  // namespace ac
