#include "plugin/wasm_plugin.h"

#include <algorithm>
#include <cstring>

#include "plugin/aot_instance.h"
#include "plugin/interp_instance.h"

namespace ac::wasm {
namespace {

Unexpected fail(const std::string& who, const std::string& what) {
  return unexpected(make_error(ErrorDomain::plugin, who + ": " + what));
}

std::span<const uint8_t> memory_of(Instance& inst) {
  return {inst.memory_data(), inst.memory_size()};
}

// Runs _initialize and ac_plugin_abi_version, reads the descriptor.
Expected<PluginDescriptor> describe(Instance& inst, const std::string& name) {
  if (TrapCode t = inst.initialize(); t != TrapCode::none)
    return fail(name, std::string("_initialize trapped: ") + trap_text(t));
  uint32_t version = 0;
  if (TrapCode t = inst.abi_version(version); t != TrapCode::none) {
    return fail(name, std::string("ac_plugin_abi_version trapped: ") + trap_text(t));
  }
  if (version != 1) return fail(name, "ABI version " + std::to_string(version) + " (this host speaks version 1)");
  uint32_t at = 0;
  if (TrapCode t = inst.descriptor(at); t != TrapCode::none) {
    return fail(name, std::string("ac_plugin_descriptor trapped: ") + trap_text(t));
  }
  auto d = read_descriptor(memory_of(inst), at);
  if (!d) return fail(name, d.error().message);
  return d;
}

Expected<std::unique_ptr<Instance>> instance_for(const LoadedPlugin& p) {
  if (p.compiled) return instantiate_compiled(*p.module, p.artifact.library);
  return instantiate_interpreted(*p.module);
}

}  // namespace

Expected<std::shared_ptr<const LoadedPlugin>> load_plugin(const std::string& path, const PluginOptions& options) {
  auto module = Module::load_file(path, options.limits);
  if (!module) return unexpected(module.error());
  return load_plugin(*module, options);
}

Expected<std::shared_ptr<const LoadedPlugin>> load_plugin(std::shared_ptr<const Module> module,
                                                          const PluginOptions& options) {
  auto p = std::make_shared<LoadedPlugin>();
  p->module = std::move(module);
  if (options.engine != EngineChoice::interpreted) {
    auto artifact = compile_to_cache(*p->module, options.aot);
    if (artifact) {
      p->compiled = true;
      p->artifact = *artifact;
    } else if (options.engine == EngineChoice::compiled) {
      return unexpected(artifact.error());
    } else {
      p->warning = artifact.error().message +
                   "; running it in wabt's interpreter instead, expect it to be 100 to 1000 times slower and "
                   "not real-time safe";
    }
  }
  auto inst = instance_for(*p);
  if (!inst) return unexpected(inst.error());
  auto d = describe(**inst, p->module->name());
  if (!d) return unexpected(d.error());
  p->descriptor = std::move(*d);
  return std::shared_ptr<const LoadedPlugin>(std::move(p));
}

Expected<std::unique_ptr<Instance>> new_instance(const LoadedPlugin& plugin) {
  auto inst = instance_for(plugin);
  if (!inst) return inst;
  auto d = describe(**inst, plugin.module->name());
  if (!d) return unexpected(d.error());
  if (d->id != plugin.descriptor.id || d->params.size() != plugin.descriptor.params.size() ||
      d->input_channels() != plugin.descriptor.input_channels() ||
      d->output_channels() != plugin.descriptor.output_channels()) {
    return fail(plugin.module->name(), "the descriptor changed between two instances");
  }
  return inst;
}

Expected<std::unique_ptr<PluginRunner>> PluginRunner::create(std::shared_ptr<const LoadedPlugin> plugin,
                                                             double sample_rate, uint32_t max_block,
                                                             uint64_t budget_ns) {
  std::unique_ptr<PluginRunner> r(new PluginRunner());
  auto inst = new_instance(*plugin);
  if (!inst) return unexpected(inst.error());
  r->instance_ = std::move(*inst);
  r->plugin_ = std::move(plugin);
  const std::string& name = r->plugin_->module->name();
  uint32_t at = 0;
  if (TrapCode t = r->instance_->instantiate(sample_rate, max_block, at); t != TrapCode::none) {
    return fail(name, std::string("ac_plugin_instantiate trapped: ") + trap_text(t));
  }
  auto io = read_io(memory_of(*r->instance_), at, r->plugin_->descriptor, max_block);
  if (!io) return fail(name, io.error().message);
  r->io_ = std::move(*io);
  r->instance_->set_budget_ns(budget_ns);
  return r;
}

void PluginRunner::begin(uint32_t frames) noexcept {
  base_ = instance_->memory_data();
  frames_ = frames;
  in_count_ = 0;
  out_count_ = 0;
}

bool PluginRunner::push_event(uint32_t frame, uint32_t type, const uint32_t (&data)[4]) noexcept {
  if (in_count_ >= io_.events_in_capacity) {
    dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return false;
  }
  uint32_t e[6] = {frame, type, data[0], data[1], data[2], data[3]};
  std::memcpy(base_ + io_.events_in + in_count_ * kEventSize, e, sizeof e);
  ++in_count_;
  return true;
}

TrapCode PluginRunner::run() noexcept {
  if (io_.events_in_capacity) std::memcpy(base_ + io_.events_in_count_at, &in_count_, 4);
  const uint32_t zero = 0;
  std::memcpy(base_ + io_.events_out_count_at, &zero, 4);
  const TrapCode t = instance_->process(frames_);
  base_ = instance_->memory_data();  // the call may have grown (or, interpreted, moved) the memory
  if (t != TrapCode::none) return t;
  uint32_t n = 0;
  std::memcpy(&n, base_ + io_.events_out_count_at, 4);
  out_count_ = n < io_.events_out_capacity ? n : io_.events_out_capacity;
  return t;
}

void PluginRunner::output_event(uint32_t i, uint32_t& frame, uint32_t& type, uint32_t (&data)[4]) const noexcept {
  uint32_t e[6];
  std::memcpy(e, base_ + io_.events_out + i * kEventSize, sizeof e);
  frame = e[0] < frames_ ? e[0] : (frames_ ? frames_ - 1 : 0);
  type = e[1];
  for (int k = 0; k < 4; ++k) data[k] = e[2 + k];
}

Expected<std::vector<uint8_t>> PluginRunner::save_state() {
  const std::string& id = plugin_->descriptor.id;
  std::vector<uint8_t> out(id.begin(), id.end());
  out.push_back(0);
  uint32_t size = 0;
  if (plugin_->descriptor.state_size == 0) return out;
  if (TrapCode t = instance_->save_state(size); t != TrapCode::none) {
    return fail(plugin_->module->name(), std::string("ac_plugin_save_state trapped: ") + trap_text(t));
  }
  if (size > plugin_->descriptor.state_size) {
    return fail(plugin_->module->name(), "ac_plugin_save_state returned " + std::to_string(size) +
                                             " bytes, more than its state size " +
                                             std::to_string(plugin_->descriptor.state_size));
  }
  const uint8_t* p = instance_->memory_data() + io_.state;
  out.insert(out.end(), p, p + size);
  return out;
}

Expected<void> PluginRunner::load_state(std::span<const uint8_t> bytes) {
  const std::string& id = plugin_->descriptor.id;
  const auto nul = std::find(bytes.begin(), bytes.end(), uint8_t{0});
  if (nul == bytes.end()) return fail(plugin_->module->name(), "state without a plug-in id");
  const std::string from(bytes.begin(), nul);
  if (from != id) return fail(plugin_->module->name(), "state of '" + from + "' cannot be loaded into '" + id + "'");
  const auto body = bytes.subspan(static_cast<size_t>(nul - bytes.begin()) + 1);
  if (body.size() > plugin_->descriptor.state_size) {
    return fail(plugin_->module->name(),
                "state of " + std::to_string(body.size()) + " bytes, more than its state size");
  }
  if (body.empty()) return {};
  std::memcpy(instance_->memory_data() + io_.state, body.data(), body.size());
  uint32_t status = 0;
  if (TrapCode t = instance_->load_state(static_cast<uint32_t>(body.size()), status); t != TrapCode::none) {
    return fail(plugin_->module->name(), std::string("ac_plugin_load_state trapped: ") + trap_text(t));
  }
  if (status != 0)
    return fail(plugin_->module->name(), "ac_plugin_load_state refused the state (" + std::to_string(status) + ")");
  return {};
}

}  // namespace ac::wasm
