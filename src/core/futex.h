#pragma once
// The thinnest wrapper over Linux futexes, for worker pools that sleep
// between blocks. Waking is one non-blocking syscall; std::atomic::wait is
// avoided because its fallback paths may take a lock.
#include <atomic>
#include <cstdint>

namespace ac {

// [worker] Sleeps while *word == expected (returns at once otherwise, or on
// a wake, or spuriously). Never call it on an audio thread.
void futex_wait(std::atomic<uint32_t>& word, uint32_t expected) noexcept;

// [any, audio too] Wakes every thread waiting on `word`. Never blocks.
void futex_wake_all(std::atomic<uint32_t>& word) noexcept;

// [any] A CPU hint for spin-wait loops.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace ac
