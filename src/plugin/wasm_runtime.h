#pragma once
// The host side of the WebAssembly runtime shared by compiled (wasm2c) and
// interpreted plug-ins: trap recovery, linear memories with guard pages, and
// the per-call time budget.
//
// Trap state is per thread (the packaged wasm-rt keeps one global jump
// buffer; plug-ins here run on several audio threads at once). A call into
// plug-in code goes through guarded_call(): a trap raised by the code
// (unreachable, division by zero, call-stack exhaustion, an explicit bounds
// check), a fault in a linear memory's guard region (SIGSEGV), or the
// watchdog's interrupt when the call has used more CPU time than its budget
// lands back there as a TrapCode, on the thread that made the call.
#include <csetjmp>
#include <cstdint>
#include <string>

namespace ac::wasm {

// The wasm-rt trap numbers (wasm-rt.h wasm_rt_trap_t), plus the host's own.
enum class TrapCode : int {
  none = 0,
  out_of_bounds = 1,
  int_overflow = 2,
  div_by_zero = 3,
  invalid_conversion = 4,
  unreachable = 5,
  call_indirect = 6,
  uncaught_exception = 7,
  stack_exhausted = 8,
  timeout = 100,      // used more CPU time than the call's budget
  host_memory = 101,  // a linear memory could not be reserved
};

const char* trap_text(TrapCode code);

// The memory layout shared with generated code (wasm-rt.h wasm_rt_memory_t).
struct LinearMemory {
  uint8_t* data;
  uint32_t pages, max_pages;
  uint32_t size;
};

enum class BoundsCheck : uint8_t {
  guard_pages,  // 8 GiB reserved per memory, faults caught: no cost per access
  explicit_checks,
};

// The functions compiled plug-ins call back into (C ABI, passed to the glue).
struct RuntimeCallbacks {
  void (*trap)(int code);  // does not return
  void (*allocate_memory)(LinearMemory*, uint32_t initial_pages, uint32_t max_pages);
  uint32_t (*grow_memory)(LinearMemory*, uint32_t delta_pages);
  void (*free_memory)(LinearMemory*);
};
const RuntimeCallbacks& runtime_callbacks();

// [control] Installs the fault and interrupt handlers and starts the
// watchdog. Idempotent; every entry point below calls it.
void runtime_init();

// One call into plug-in code. Not reentrant per thread.
struct CallFrame {
  sigjmp_buf jump;
  uint64_t budget_ns = 0;  // CPU time allowed; 0 = no limit
  int slot = -1;
};

// [any thread] Runs fn(arg) with traps recovered; returns how it ended.
// Allocation-free and lock-free: safe on the audio thread.
TrapCode guarded_call(void (*fn)(void*), void* arg, uint64_t budget_ns) noexcept;

// [control] Counters for tests and reports.
struct RuntimeStats {
  uint64_t traps = 0;
  uint64_t timeouts = 0;
  uint64_t memories_live = 0;
};
RuntimeStats runtime_stats();

}  // namespace ac::wasm
