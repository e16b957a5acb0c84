#pragma once
// A WASM plug-in ready to run: its module validated, compiled ahead of time
// (or, where that cannot be done, interpreted with a warning), its
// descriptor read. LoadedPlugin is shared by every node of one file;
// PluginRunner is one running instance with its io offsets, what a node
// drives on the audio thread.
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/expected.h"
#include "plugin/aot_compiler.h"
#include "plugin/plugin_descriptor.h"
#include "plugin/wasm_instance.h"
#include "plugin/wasm_module.h"

namespace ac::wasm {

enum class EngineChoice : uint8_t {
  automatic,    // compiled, else interpreted with a warning
  compiled,     // compiled or an error
  interpreted,  // wabt's interpreter (differential tests, no compiler)
};

struct PluginOptions {
  EngineChoice engine = EngineChoice::automatic;
  AotOptions aot;
  ModuleLimits limits;
};

struct LoadedPlugin {
  std::shared_ptr<const Module> module;
  PluginDescriptor descriptor;
  bool compiled = false;
  AotArtifact artifact;  // when compiled
  std::string warning;   // why it is interpreted, when it was meant to be compiled
};

// [control] Validates, compiles (or finds in the cache) and reads the
// descriptor of the plug-in at `path`.
Expected<std::shared_ptr<const LoadedPlugin>> load_plugin(const std::string& path, const PluginOptions& options = {});
Expected<std::shared_ptr<const LoadedPlugin>> load_plugin(std::shared_ptr<const Module> module,
                                                          const PluginOptions& options = {});

// [control] A fresh instance: _initialize run, ABI version and descriptor
// checked again (a module must describe itself the same way every time).
Expected<std::unique_ptr<Instance>> new_instance(const LoadedPlugin& plugin);

enum : uint32_t { kEventUmp = 1, kEventParam = 2 };

class PluginRunner {
 public:
  // [control]
  static Expected<std::unique_ptr<PluginRunner>> create(std::shared_ptr<const LoadedPlugin> plugin, double sample_rate,
                                                        uint32_t max_block, uint64_t budget_ns);

  const PluginDescriptor& descriptor() const { return plugin_->descriptor; }
  const LoadedPlugin& plugin() const { return *plugin_; }
  Instance& instance() { return *instance_; }

  // [audio] One process() call: set inputs and events, run(), read outputs.
  void begin(uint32_t frames) noexcept;
  float* input(uint32_t channel) noexcept { return reinterpret_cast<float*>(base_ + io_.audio_in[channel]); }
  const float* output(uint32_t channel) const noexcept {
    return reinterpret_cast<const float*>(base_ + io_.audio_out[channel]);
  }
  // False when the plug-in's event list is full (the event is dropped).
  bool push_event(uint32_t frame, uint32_t type, const uint32_t (&data)[4]) noexcept;
  TrapCode run() noexcept;
  // After run(): events the plug-in emitted, clamped to its list and the call.
  uint32_t output_event_count() const noexcept { return out_count_; }
  void output_event(uint32_t i, uint32_t& frame, uint32_t& type, uint32_t (&data)[4]) const noexcept;
  // [any] Events that did not fit the plug-in's event list, since creation.
  uint64_t dropped_events() const noexcept { return dropped_.load(std::memory_order_relaxed); }

  // [control, not while running] State as bytes (see docs/spec/plugin-abi.md
  // "State"): the plug-in id, then the plug-in's own bytes.
  Expected<std::vector<uint8_t>> save_state();
  Expected<void> load_state(std::span<const uint8_t> bytes);
  // [audio]
  TrapCode reset() noexcept { return instance_->reset(); }
  // [audio] The plug-in's state buffer (after a successful ac_plugin_save_state).
  const uint8_t* state_bytes() noexcept { return instance_->memory_data() + io_.state; }

 private:
  PluginRunner() = default;
  std::shared_ptr<const LoadedPlugin> plugin_;
  std::unique_ptr<Instance> instance_;
  PluginIo io_;
  uint8_t* base_ = nullptr;
  uint32_t frames_ = 0, in_count_ = 0, out_count_ = 0;
  std::atomic<uint64_t> dropped_{0};  // written on the audio thread only
};

}  // namespace ac::wasm
