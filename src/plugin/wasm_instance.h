#pragma once
// One instantiated plug-in module, run by one of two engines: code compiled
// ahead of time (wasm2c + the system C compiler, aot_instance.cpp) or wabt's
// interpreter (interp_instance.cpp). Both speak the ABI's functions and both
// recover traps (wasm_runtime.h); the plug-in layer above sees no difference
// but speed and real-time safety.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "plugin/wasm_runtime.h"

namespace ac::wasm {

// Lines the plug-in logged (ac.log_message), carried off the audio thread
// (a lock-free ring; wasm_instance.cpp).
class LogRing;

class Instance {
 public:
  virtual ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  // "compiled" or "interpreted".
  virtual const char* engine() const = 0;
  // True when calls neither allocate nor lock (the compiled engine).
  virtual bool realtime_safe() const = 0;

  // The ABI's functions. Each returns how the call ended; results are only
  // meaningful when it is TrapCode::none. process() is [audio]; the others
  // are [control] (or [audio] where the spec allows: reset).
  virtual TrapCode initialize() = 0;  // _initialize, when exported
  virtual TrapCode abi_version(uint32_t& out) = 0;
  virtual TrapCode descriptor(uint32_t& out) = 0;
  virtual TrapCode instantiate(double sample_rate, uint32_t max_block, uint32_t& out) = 0;
  virtual TrapCode process(uint32_t frames) noexcept = 0;
  virtual TrapCode reset() noexcept = 0;
  virtual TrapCode save_state(uint32_t& size) = 0;
  virtual TrapCode load_state(uint32_t size, uint32_t& status) = 0;

  // The linear memory as it is now (it may grow, and the interpreter may
  // move it: fetch per use).
  virtual uint8_t* memory_data() noexcept = 0;
  virtual uint32_t memory_size() const noexcept = 0;

  // CPU time one call may use before it is interrupted; 0 = no limit.
  void set_budget_ns(uint64_t ns) { budget_ns_ = ns; }
  uint64_t budget_ns() const { return budget_ns_; }

  // [control] Takes the lines logged since the last call.
  void drain_log(const std::function<void(std::string_view)>& each);
  uint64_t log_dropped() const { return log_dropped_.load(std::memory_order_relaxed); }

  // The ac.log_message import: copies into the ring, never blocks.
  void log(const uint8_t* text, uint32_t length) noexcept;

 protected:
  Instance();
  uint64_t budget_ns_ = 0;

 private:
  std::unique_ptr<LogRing> log_;
  std::atomic<uint64_t> log_dropped_{0};
};

}  // namespace ac::wasm
