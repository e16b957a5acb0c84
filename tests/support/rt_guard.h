#pragma once
// The real-time guard. Linked into a test binary, it replaces the global
// allocation functions (operator new/delete, and malloc/free/calloc/realloc
// outside sanitizer builds) and pthread_mutex_lock, and counts every call
// made inside an ac::AudioSection — that is, while a block runs on the
// audio thread. A test asserts the count stays zero.
#include <cstdint>
#include <string>

namespace ac::test {

struct RtViolations {
  uint64_t allocations = 0;
  uint64_t frees = 0;
  uint64_t locks = 0;
  std::string first;  // what the first violation was
  uint64_t total() const { return allocations + frees + locks; }
};

// [control] Clears the counters.
void reset_rt_violations();
// [control] The counters since the last reset.
RtViolations rt_violations();
// Whether malloc/free are watched in this build (ASan and TSan own them;
// operator new/delete are watched in every build).
bool rt_guard_watches_malloc();
// Whether mutex locks are watched in this build (TSan owns them).
bool rt_guard_watches_locks();

}  // namespace ac::test
