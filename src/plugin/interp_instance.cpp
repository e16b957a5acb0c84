#include "plugin/interp_instance.h"

#include <wabt/binary-reader.h>
#include <wabt/error-formatter.h>
#include <wabt/interp/binary-reader-interp.h>
#include <wabt/interp/interp.h>

#include <cmath>
#include <map>

namespace ac::wasm {
namespace {

namespace wi = wabt::interp;

TrapCode classify(const std::string& message) {
  // wabt's trap messages (interp.cc); anything else counts as unreachable.
  if (message.find("out of bounds") != std::string::npos) return TrapCode::out_of_bounds;
  if (message.find("integer divide by zero") != std::string::npos) return TrapCode::div_by_zero;
  if (message.find("integer overflow") != std::string::npos) return TrapCode::int_overflow;
  if (message.find("invalid conversion") != std::string::npos) return TrapCode::invalid_conversion;
  if (message.find("call stack exhausted") != std::string::npos ||
      message.find("value stack exhausted") != std::string::npos) {
    return TrapCode::stack_exhausted;
  }
  if (message.find("indirect call") != std::string::npos) return TrapCode::call_indirect;
  return TrapCode::unreachable;
}

class InterpInstance final : public Instance {
 public:
  ~InterpInstance() override {
    // After an interrupt the store may be mid-update: leave it alone.
    if (abandoned_) {
      (void)thread_.release();
      (void)store_.release();
    }
  }

  Expected<void> create(const Module& module) {
    store_ = std::make_unique<wi::Store>();
    wabt::Errors errors;
    wi::ModuleDesc desc;
    wabt::ReadBinaryOptions options;
    if (wabt::Failed(wi::ReadBinaryInterp(module.name(), module.bytes().data(), module.bytes().size(), options, &errors,
                                          &desc))) {
      return unexpected(
          make_error(ErrorDomain::plugin,
                     module.name() + ": " + wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary)));
    }
    wi::Module::Ptr mod = wi::Module::New(*store_, desc);
    wi::RefVec imports;
    for (const wi::ImportDesc& imp : mod->desc().imports) {
      const auto* type = wabt::cast<wi::FuncType>(imp.type.type.get());
      imports.push_back(wi::HostFunc::New(*store_, *type, host_function(imp.type.name)).ref());
    }
    wi::Trap::Ptr trap;
    instance_ = wi::Instance::Instantiate(*store_, mod.ref(), imports, &trap);
    if (!instance_) {
      return unexpected(make_error(ErrorDomain::plugin, module.name() + ": instantiation trapped: " +
                                                            (trap ? trap->message() : std::string("?"))));
    }
    for (size_t i = 0; i < mod->desc().exports.size(); ++i) {
      exports_[mod->desc().exports[i].type.name] = instance_->exports()[i];
    }
    memory_ = store_->UnsafeGet<wi::Memory>(exports_.at("memory"));
    thread_ = std::make_unique<wi::Thread>(*store_);
    return {};
  }

  const char* engine() const override { return "interpreted"; }
  bool realtime_safe() const override { return false; }

  TrapCode initialize() override {
    if (!exports_.count("_initialize")) return TrapCode::none;
    return invoke("_initialize", {});
  }
  TrapCode abi_version(uint32_t& out) override { return invoke_u32("ac_plugin_abi_version", {}, out); }
  TrapCode descriptor(uint32_t& out) override { return invoke_u32("ac_plugin_descriptor", {}, out); }
  TrapCode instantiate(double rate, uint32_t max_block, uint32_t& out) override {
    return invoke_u32("ac_plugin_instantiate", {wi::Value::Make(rate), wi::Value::Make(max_block)}, out);
  }
  TrapCode process(uint32_t frames) noexcept override { return invoke("ac_plugin_process", {wi::Value::Make(frames)}); }
  TrapCode reset() noexcept override { return invoke("ac_plugin_reset", {}); }
  TrapCode save_state(uint32_t& size) override { return invoke_u32("ac_plugin_save_state", {}, size); }
  TrapCode load_state(uint32_t size, uint32_t& status) override {
    return invoke_u32("ac_plugin_load_state", {wi::Value::Make(size)}, status);
  }
  uint8_t* memory_data() noexcept override { return memory_->UnsafeData(); }
  uint32_t memory_size() const noexcept override { return static_cast<uint32_t>(memory_->ByteSize()); }

 private:
  wi::HostFunc::Callback host_function(const std::string& name) {
    using R = wabt::Result;
    const auto f32 = [](float (*fn)(float)) {
      return [fn](wi::Thread&, const wi::Values& in, wi::Values& out, wi::Trap::Ptr*) -> R {
        out[0] = wi::Value::Make(fn(in[0].Get<float>()));
        return wabt::Result::Ok;
      };
    };
    const auto f64 = [](double (*fn)(double)) {
      return [fn](wi::Thread&, const wi::Values& in, wi::Values& out, wi::Trap::Ptr*) -> R {
        out[0] = wi::Value::Make(fn(in[0].Get<double>()));
        return wabt::Result::Ok;
      };
    };
    if (name == "log_message") {
      return [this](wi::Thread& t, const wi::Values& in, wi::Values&, wi::Trap::Ptr* trap) -> R {
        const uint32_t p = in[0].Get<uint32_t>(), n = in[1].Get<uint32_t>();
        if (uint64_t{p} + n > memory_->ByteSize()) {
          *trap = wi::Trap::New(t.store(), "out of bounds memory access: log_message text");
          return wabt::Result::Error;
        }
        log(memory_->UnsafeData() + p, n);
        return wabt::Result::Ok;
      };
    }
    if (name == "sinf") return f32(&::sinf);
    if (name == "cosf") return f32(&::cosf);
    if (name == "tanf") return f32(&::tanf);
    if (name == "expf") return f32(&::expf);
    if (name == "logf") return f32(&::logf);
    if (name == "sin") return f64(static_cast<double (*)(double)>(&std::sin));
    if (name == "cos") return f64(static_cast<double (*)(double)>(&std::cos));
    if (name == "tan") return f64(static_cast<double (*)(double)>(&std::tan));
    if (name == "exp") return f64(static_cast<double (*)(double)>(&std::exp));
    if (name == "log") return f64(static_cast<double (*)(double)>(&std::log));
    if (name == "powf") {
      return [](wi::Thread&, const wi::Values& in, wi::Values& out, wi::Trap::Ptr*) -> R {
        out[0] = wi::Value::Make(::powf(in[0].Get<float>(), in[1].Get<float>()));
        return wabt::Result::Ok;
      };
    }
    // "pow" (the module checker admits nothing else)
    return [](wi::Thread&, const wi::Values& in, wi::Values& out, wi::Trap::Ptr*) -> R {
      out[0] = wi::Value::Make(std::pow(in[0].Get<double>(), in[1].Get<double>()));
      return wabt::Result::Ok;
    };
  }

  struct Call {
    InterpInstance* self;
    wi::Func* func;
    const wi::Values* params;
    wi::Values* results;
    TrapCode trap = TrapCode::none;
  };

  TrapCode invoke_into(const char* name, const wi::Values& params, wi::Values& results) noexcept {
    if (abandoned_) return TrapCode::timeout;
    auto it = exports_.find(name);
    if (it == exports_.end()) return TrapCode::unreachable;
    wi::Func::Ptr func = store_->UnsafeGet<wi::Func>(it->second);
    Call c{this, func.get(), &params, &results};
    const TrapCode t = guarded_call(
        [](void* p) {
          Call& k = *static_cast<Call*>(p);
          wi::Trap::Ptr trap;
          if (wabt::Failed(k.func->Call(*k.self->thread_, *k.params, *k.results, &trap))) {
            k.trap = classify(trap ? trap->message() : "");
          }
        },
        &c, budget_ns_);
    if (t != TrapCode::none) {
      abandoned_ = true;  // interrupted inside the interpreter
      return t;
    }
    return c.trap;
  }
  TrapCode invoke(const char* name, const wi::Values& params) noexcept {
    wi::Values results;
    return invoke_into(name, params, results);
  }
  TrapCode invoke_u32(const char* name, const wi::Values& params, uint32_t& out) {
    wi::Values results;
    const TrapCode t = invoke_into(name, params, results);
    out = t == TrapCode::none && !results.empty() ? results[0].Get<uint32_t>() : 0;
    return t;
  }

  std::unique_ptr<wi::Store> store_;
  wi::Instance::Ptr instance_;
  std::map<std::string, wi::Ref> exports_;
  wi::Memory::Ptr memory_;
  std::unique_ptr<wi::Thread> thread_;
  bool abandoned_ = false;
};

}  // namespace

Expected<std::unique_ptr<Instance>> instantiate_interpreted(const Module& module) {
  runtime_init();
  auto inst = std::make_unique<InterpInstance>();
  if (auto ok = inst->create(module); !ok) return unexpected(ok.error());
  return std::unique_ptr<Instance>(std::move(inst));
}

}  // namespace ac::wasm
