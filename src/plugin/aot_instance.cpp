#include "plugin/aot_instance.h"

#include <dlfcn.h>

#include <cstdlib>
#include <map>
#include <mutex>

namespace ac::wasm {
namespace {

using Inst = void;
struct HostTable {
  void (*trap)(int);
  void (*allocate_memory)(LinearMemory*, uint32_t, uint32_t);
  uint32_t (*grow_memory)(LinearMemory*, uint32_t);
  void (*free_memory)(LinearMemory*);
};

}  // namespace

// One dlopen'ed shared object, shared by every instance of the module.
class AotLibrary {
 public:
  void* handle = nullptr;
  size_t (*instance_size)() = nullptr;
  void (*reset_depth)() = nullptr;
  void (*instantiate)(Inst*, void*, void (*)(void*, const uint8_t*, uint32_t)) = nullptr;
  void (*free_instance)(Inst*) = nullptr;
  LinearMemory* (*memory)(Inst*) = nullptr;
  void (*initialize)(Inst*) = nullptr;
  uint32_t (*abi_version)(Inst*) = nullptr;
  uint32_t (*descriptor)(Inst*) = nullptr;
  uint32_t (*plugin_instantiate)(Inst*, double, uint32_t) = nullptr;
  void (*process)(Inst*, uint32_t) = nullptr;
  void (*reset)(Inst*) = nullptr;
  uint32_t (*save_state)(Inst*) = nullptr;
  uint32_t (*load_state)(Inst*, uint32_t) = nullptr;

  // Objects stay loaded for the life of the process: code of a swapped-out
  // plug-in may still be on an audio thread's stack until the swap is done,
  // and a cache object is small.
  static Expected<std::shared_ptr<AotLibrary>> open(const std::string& path) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<AotLibrary>> loaded;
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = loaded.find(path); it != loaded.end()) return it->second;
    auto lib = std::make_shared<AotLibrary>();
    lib->handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib->handle) return unexpected(make_error(ErrorDomain::plugin, std::string("cannot load ") + dlerror()));
    std::string missing;
    const auto sym = [&](auto& fn, const char* name) {
      void* p = dlsym(lib->handle, name);
      if (!p) missing += std::string(" ") + name;
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(p);
    };
    void (*set_host)(const HostTable*) = nullptr;
    void (*init_module)() = nullptr;
    sym(set_host, "acg_set_host");
    sym(init_module, "acg_init_module");
    sym(lib->instance_size, "acg_instance_size");
    sym(lib->reset_depth, "acg_reset_depth");
    sym(lib->instantiate, "acg_instantiate");
    sym(lib->free_instance, "acg_free");
    sym(lib->memory, "acg_memory");
    sym(lib->initialize, "acg_initialize");
    sym(lib->abi_version, "acg_abi_version");
    sym(lib->descriptor, "acg_descriptor");
    sym(lib->plugin_instantiate, "acg_plugin_instantiate");
    sym(lib->process, "acg_process");
    sym(lib->reset, "acg_reset");
    sym(lib->save_state, "acg_save_state");
    sym(lib->load_state, "acg_load_state");
    if (!missing.empty()) {
      dlclose(lib->handle);
      return unexpected(
          make_error(ErrorDomain::plugin, path + ": not an audiocloud plug-in object (missing" + missing + ")"));
    }
    static const HostTable table = [] {
      const RuntimeCallbacks& rt = runtime_callbacks();
      return HostTable{rt.trap, rt.allocate_memory, rt.grow_memory, rt.free_memory};
    }();
    set_host(&table);
    init_module();
    loaded[path] = lib;
    return lib;
  }
};

namespace {

class AotInstance final : public Instance {
 public:
  AotInstance(std::shared_ptr<AotLibrary> lib) : lib_(std::move(lib)) {
    storage_ = static_cast<Inst*>(std::aligned_alloc(64, (lib_->instance_size() + 63) / 64 * 64));
  }
  ~AotInstance() override {
    if (instantiated_) lib_->free_instance(storage_);
    std::free(storage_);
  }

  Expected<void> create() {
    struct Args {
      AotInstance* self;
    } args{this};
    const TrapCode t = guarded_call(
        [](void* p) {
          AotInstance* self = static_cast<Args*>(p)->self;
          self->lib_->reset_depth();
          self->lib_->instantiate(self->storage_, self, &AotInstance::log_thunk);
        },
        &args, 0);
    if (t != TrapCode::none) {
      return unexpected(make_error(ErrorDomain::plugin, std::string("instantiation trapped: ") + trap_text(t)));
    }
    instantiated_ = true;
    memory_ = lib_->memory(storage_);
    return {};
  }

  const char* engine() const override { return "compiled"; }
  bool realtime_safe() const override { return true; }

  TrapCode initialize() override {
    return call([](AotInstance* s, Call&) { s->lib_->initialize(s->storage_); });
  }
  TrapCode abi_version(uint32_t& out) override {
    return call_u32(out, [](AotInstance* s, Call& c) { c.result = s->lib_->abi_version(s->storage_); });
  }
  TrapCode descriptor(uint32_t& out) override {
    return call_u32(out, [](AotInstance* s, Call& c) { c.result = s->lib_->descriptor(s->storage_); });
  }
  TrapCode instantiate(double rate, uint32_t max_block, uint32_t& out) override {
    Call c{this, 0, rate, max_block};
    const TrapCode t =
        run(c, [](AotInstance* s, Call& k) { k.result = s->lib_->plugin_instantiate(s->storage_, k.rate, k.arg); });
    out = c.result;
    return t;
  }
  TrapCode process(uint32_t frames) noexcept override {
    Call c{this, 0, 0, frames};
    return run(c, [](AotInstance* s, Call& k) { s->lib_->process(s->storage_, k.arg); });
  }
  TrapCode reset() noexcept override {
    return call([](AotInstance* s, Call&) { s->lib_->reset(s->storage_); });
  }
  TrapCode save_state(uint32_t& size) override {
    return call_u32(size, [](AotInstance* s, Call& c) { c.result = s->lib_->save_state(s->storage_); });
  }
  TrapCode load_state(uint32_t size, uint32_t& status) override {
    Call c{this, 0, 0, size};
    const TrapCode t = run(c, [](AotInstance* s, Call& k) { k.result = s->lib_->load_state(s->storage_, k.arg); });
    status = c.result;
    return t;
  }
  uint8_t* memory_data() noexcept override { return memory_->data; }
  uint32_t memory_size() const noexcept override { return memory_->size; }

 private:
  struct Call {
    AotInstance* self;
    uint32_t result;
    double rate;
    uint32_t arg;
    void (*body)(AotInstance*, Call&) = nullptr;
  };

  TrapCode run(Call& c, void (*body)(AotInstance*, Call&)) noexcept {
    c.body = body;
    return guarded_call(
        [](void* p) {
          Call& k = *static_cast<Call*>(p);
          k.self->lib_->reset_depth();
          k.body(k.self, k);
        },
        &c, budget_ns_);
  }
  TrapCode call(void (*body)(AotInstance*, Call&)) noexcept {
    Call c{this, 0, 0, 0};
    return run(c, body);
  }
  TrapCode call_u32(uint32_t& out, void (*body)(AotInstance*, Call&)) {
    Call c{this, 0, 0, 0};
    const TrapCode t = run(c, body);
    out = c.result;
    return t;
  }
  static void log_thunk(void* ctx, const uint8_t* text, uint32_t length) {
    static_cast<AotInstance*>(ctx)->log(text, length);
  }

  std::shared_ptr<AotLibrary> lib_;
  Inst* storage_ = nullptr;
  LinearMemory* memory_ = nullptr;
  bool instantiated_ = false;
};

}  // namespace

Expected<std::unique_ptr<Instance>> instantiate_compiled(const Module& module, const std::string& library) {
  runtime_init();
  auto lib = AotLibrary::open(library);
  if (!lib) return unexpected(make_error(ErrorDomain::plugin, module.name() + ": " + lib.error().message));
  auto inst = std::make_unique<AotInstance>(*lib);
  if (auto ok = inst->create(); !ok) {
    return unexpected(make_error(ErrorDomain::plugin, module.name() + ": " + ok.error().message));
  }
  return std::unique_ptr<Instance>(std::move(inst));
}

}  // namespace ac::wasm
