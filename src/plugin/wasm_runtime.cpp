#include "plugin/wasm_runtime.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace ac::wasm {
namespace {

// wasm2c's guard-page mode computes `data + u32 address + u32 offset`
// without checks: every access of a 32-bit memory lands in 8 GiB.
constexpr uint64_t kReservation = 8ull << 30;
constexpr uint64_t kPage = 65536;

// Reserved regions, for telling an out-of-bounds access from other faults.
struct Region {
  std::atomic<uintptr_t> base{0};
};
std::array<Region, 1024> g_regions;

// Calls in progress, for the watchdog. A slot is claimed per call (CAS on
// `tid`), so no thread needs registering and none leaks a slot at exit.
struct Slot {
  std::atomic<int> tid{0};
  std::atomic<uint64_t> call{0};  // which call holds the slot
  std::atomic<uint64_t> budget_ns{0};
  std::atomic<uint64_t> interrupt_call{0};  // the call the watchdog wants stopped
};
constexpr int kSlots = 64;
std::array<Slot, kSlots> g_slots;
std::atomic<uint64_t> g_next_call{1};

std::atomic<uint64_t> g_traps{0}, g_timeouts{0}, g_memories{0};
std::atomic<bool> g_initialized{false};
struct sigaction g_old_segv, g_old_bus;
int g_interrupt_signal = 0;

thread_local CallFrame* t_frame = nullptr;
thread_local uint64_t t_call = 0;
thread_local int t_tid = 0;

bool in_reserved_region(uintptr_t addr) {
  for (const Region& r : g_regions) {
    const uintptr_t b = r.base.load(std::memory_order_acquire);
    if (b && addr >= b && addr < b + kReservation) return true;
  }
  return false;
}

[[noreturn]] void jump_out(TrapCode code) {
  g_traps.fetch_add(1, std::memory_order_relaxed);
  if (code == TrapCode::timeout) g_timeouts.fetch_add(1, std::memory_order_relaxed);
  siglongjmp(t_frame->jump, static_cast<int>(code));
}

void chain(const struct sigaction& old, int sig, siginfo_t* info, void* uc) {
  if (old.sa_flags & SA_SIGINFO) {
    if (old.sa_sigaction) {
      old.sa_sigaction(sig, info, uc);
      return;
    }
  } else if (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN) {
    old.sa_handler(sig);
    return;
  }
  // Default action: restore it and return; the fault repeats and kills.
  signal(sig, SIG_DFL);
}

void on_fault(int sig, siginfo_t* info, void* uc) {
  if (t_frame) {
    const auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
    jump_out(in_reserved_region(addr) ? TrapCode::out_of_bounds : TrapCode::stack_exhausted);
  }
  chain(sig == SIGBUS ? g_old_bus : g_old_segv, sig, info, uc);
}

void on_interrupt(int, siginfo_t*, void*) {
  CallFrame* f = t_frame;
  if (!f || f->slot < 0) return;  // the call ended before the signal arrived
  if (g_slots[static_cast<size_t>(f->slot)].interrupt_call.load(std::memory_order_acquire) != t_call) return;
  jump_out(TrapCode::timeout);
}

uint64_t thread_cpu_ns(int tid) {
  // The kernel's CPU-time clock of one thread (CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED).
  const auto clock = static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6u);
  timespec ts{};
  if (clock_gettime(clock, &ts) != 0) return 0;
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// Polls the calls in progress every millisecond. A call that has used more
// CPU time than its budget since the watchdog first saw it is interrupted.
// CPU time, not wall time: a call preempted by a busy machine is not at fault.
void watchdog() {
  std::array<uint64_t, kSlots> seen_call{};
  std::array<uint64_t, kSlots> start_cpu{};
  const pid_t pid = getpid();
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    for (int i = 0; i < kSlots; ++i) {
      Slot& s = g_slots[static_cast<size_t>(i)];
      const int tid = s.tid.load(std::memory_order_acquire);
      if (!tid) continue;
      const uint64_t call = s.call.load(std::memory_order_acquire);
      const uint64_t budget = s.budget_ns.load(std::memory_order_relaxed);
      if (call != seen_call[static_cast<size_t>(i)]) {
        seen_call[static_cast<size_t>(i)] = call;
        start_cpu[static_cast<size_t>(i)] = thread_cpu_ns(tid);
        continue;
      }
      if (!budget || thread_cpu_ns(tid) - start_cpu[static_cast<size_t>(i)] <= budget) continue;
      if (s.interrupt_call.load(std::memory_order_relaxed) == call) continue;  // already asked
      s.interrupt_call.store(call, std::memory_order_release);
      syscall(SYS_tgkill, pid, tid, g_interrupt_signal);
    }
  }
}

void allocate_memory(LinearMemory* mem, uint32_t initial_pages, uint32_t max_pages) {
  void* p = mmap(nullptr, kReservation, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) runtime_callbacks().trap(static_cast<int>(TrapCode::host_memory));
  if (initial_pages && mprotect(p, initial_pages * kPage, PROT_READ | PROT_WRITE) != 0) {
    munmap(p, kReservation);
    runtime_callbacks().trap(static_cast<int>(TrapCode::host_memory));
  }
  for (Region& r : g_regions) {
    uintptr_t expected = 0;
    if (r.base.compare_exchange_strong(expected, reinterpret_cast<uintptr_t>(p))) break;
  }
  g_memories.fetch_add(1, std::memory_order_relaxed);
  mem->data = static_cast<uint8_t*>(p);
  mem->pages = initial_pages;
  mem->max_pages = max_pages;
  mem->size = static_cast<uint32_t>(initial_pages * kPage);
}

uint32_t grow_memory(LinearMemory* mem, uint32_t delta) {
  const uint32_t old = mem->pages;
  if (delta == 0) return old;
  if (uint64_t{old} + delta > mem->max_pages || uint64_t{old} + delta > 65536) return UINT32_MAX;
  if (mprotect(mem->data + uint64_t{old} * kPage, uint64_t{delta} * kPage, PROT_READ | PROT_WRITE) != 0) {
    return UINT32_MAX;
  }
  mem->pages = old + delta;
  mem->size = static_cast<uint32_t>(uint64_t{mem->pages} * kPage);  // 4 GiB wraps to 0: refused above (65536 pages)
  return old;
}

void free_memory(LinearMemory* mem) {
  if (!mem->data) return;
  for (Region& r : g_regions) {
    uintptr_t expected = reinterpret_cast<uintptr_t>(mem->data);
    if (r.base.compare_exchange_strong(expected, 0)) break;
  }
  munmap(mem->data, kReservation);
  g_memories.fetch_sub(1, std::memory_order_relaxed);
  mem->data = nullptr;
  mem->size = 0;
}

[[noreturn]] void trap(int code) {
  if (!t_frame) std::abort();  // plug-in code outside guarded_call: a host bug
  jump_out(static_cast<TrapCode>(code));
}

}  // namespace

const char* trap_text(TrapCode code) {
  switch (code) {
    case TrapCode::none:
      return "no trap";
    case TrapCode::out_of_bounds:
      return "out-of-bounds memory access";
    case TrapCode::int_overflow:
      return "integer overflow";
    case TrapCode::div_by_zero:
      return "integer division by zero";
    case TrapCode::invalid_conversion:
      return "invalid conversion to integer";
    case TrapCode::unreachable:
      return "unreachable executed";
    case TrapCode::call_indirect:
      return "invalid indirect call";
    case TrapCode::uncaught_exception:
      return "uncaught exception";
    case TrapCode::stack_exhausted:
      return "call stack exhausted";
    case TrapCode::timeout:
      return "time budget exceeded (interrupted)";
    case TrapCode::host_memory:
      return "linear memory could not be reserved";
  }
  return "unknown trap";
}

const RuntimeCallbacks& runtime_callbacks() {
  static const RuntimeCallbacks callbacks{&trap, &allocate_memory, &grow_memory, &free_memory};
  return callbacks;
}

void runtime_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = &on_fault;
    // SA_NODEFER: the handler leaves by siglongjmp without restoring the
    // signal mask (sigsetjmp(.., 0) saves a syscall per call), so the
    // signal must not be blocked while it runs.
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &g_old_segv);
    sigaction(SIGBUS, &sa, &g_old_bus);
    g_interrupt_signal = SIGRTMIN + 7;
    struct sigaction si {};
    si.sa_sigaction = &on_interrupt;
    si.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESTART;
    sigemptyset(&si.sa_mask);
    sigaction(g_interrupt_signal, &si, nullptr);
    std::thread(&watchdog).detach();
    g_initialized.store(true, std::memory_order_release);
  });
}

TrapCode guarded_call(void (*fn)(void*), void* arg, uint64_t budget_ns) noexcept {
  if (!g_initialized.load(std::memory_order_acquire)) std::abort();  // runtime_init() belongs to set-up
  if (!t_tid) t_tid = static_cast<int>(syscall(SYS_gettid));
  CallFrame frame;
  frame.budget_ns = budget_ns;
  const uint64_t call = g_next_call.fetch_add(1, std::memory_order_relaxed);
  if (budget_ns) {
    for (int i = 0; i < kSlots; ++i) {
      Slot& s = g_slots[static_cast<size_t>(i)];
      int free_tid = 0;
      if (s.tid.load(std::memory_order_relaxed) == 0 &&
          s.tid.compare_exchange_strong(free_tid, t_tid, std::memory_order_acq_rel)) {
        s.budget_ns.store(budget_ns, std::memory_order_relaxed);
        s.call.store(call, std::memory_order_release);
        frame.slot = i;
        break;
      }
    }
  }
  t_call = call;
  t_frame = &frame;
  const int code = sigsetjmp(frame.jump, 0);
  if (code == 0) fn(arg);
  t_frame = nullptr;
  if (frame.slot >= 0) g_slots[static_cast<size_t>(frame.slot)].tid.store(0, std::memory_order_release);
  return static_cast<TrapCode>(code);
}

RuntimeStats runtime_stats() {
  return {g_traps.load(std::memory_order_relaxed), g_timeouts.load(std::memory_order_relaxed),
          g_memories.load(std::memory_order_relaxed)};
}

}  // namespace ac::wasm
