#include "rt_guard.h"

#include <dlfcn.h>
#include <pthread.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "core/audio_section.h"

// Sanitizers own some of the symbols the guard would replace: ASan and TSan
// the C allocator, TSan also the mutex functions. ASan leaves mutexes alone.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AC_RT_GUARD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define AC_RT_GUARD_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define AC_RT_GUARD_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define AC_RT_GUARD_TSAN 1
#endif
#endif

extern "C" {
void* __libc_malloc(size_t);
void __libc_free(void*);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
}

namespace {

std::atomic<uint64_t> g_allocations{0};
std::atomic<uint64_t> g_frees{0};
std::atomic<uint64_t> g_locks{0};
std::atomic<bool> g_have_first{false};
char g_first[128];
// Recording a violation must itself not allocate or recurse.
thread_local bool t_in_hook = false;

void record(std::atomic<uint64_t>& counter, const char* what, size_t size) {
  if (t_in_hook || !ac::in_audio_section()) return;
  t_in_hook = true;
  counter.fetch_add(1, std::memory_order_relaxed);
  bool expected = false;
  if (g_have_first.compare_exchange_strong(expected, true)) {
    std::snprintf(g_first, sizeof g_first, "%s (%zu bytes) inside an audio section", what, size);
  }
  t_in_hook = false;
}

void* checked_alloc(size_t size, const char* what) {
  record(g_allocations, what, size);
  void* p = std::malloc(size ? size : 1);
  if (!p) throw std::bad_alloc();
  return p;
}

void* checked_aligned_alloc(size_t size, std::align_val_t align, const char* what) {
  record(g_allocations, what, size);
  void* p = nullptr;
  if (posix_memalign(&p, std::max(sizeof(void*), static_cast<size_t>(align)), size ? size : 1) != 0) {
    throw std::bad_alloc();
  }
  return p;
}

void checked_free(void* p, const char* what) {
  if (p) record(g_frees, what, 0);
  std::free(p);
}

}  // namespace

// ---- operator new / delete: every form --------------------------------------
void* operator new(size_t n) {
  return checked_alloc(n, "operator new");
}
void* operator new[](size_t n) {
  return checked_alloc(n, "operator new[]");
}
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  try {
    return checked_alloc(n, "operator new(nothrow)");
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
  try {
    return checked_alloc(n, "operator new[](nothrow)");
  } catch (...) {
    return nullptr;
  }
}
void* operator new(size_t n, std::align_val_t a) {
  return checked_aligned_alloc(n, a, "operator new(aligned)");
}
void* operator new[](size_t n, std::align_val_t a) {
  return checked_aligned_alloc(n, a, "operator new[](aligned)");
}
void operator delete(void* p) noexcept {
  checked_free(p, "operator delete");
}
void operator delete[](void* p) noexcept {
  checked_free(p, "operator delete[]");
}
void operator delete(void* p, size_t) noexcept {
  checked_free(p, "operator delete");
}
void operator delete[](void* p, size_t) noexcept {
  checked_free(p, "operator delete[]");
}
void operator delete(void* p, std::align_val_t) noexcept {
  checked_free(p, "operator delete(aligned)");
}
void operator delete[](void* p, std::align_val_t) noexcept {
  checked_free(p, "operator delete[](aligned)");
}
void operator delete(void* p, size_t, std::align_val_t) noexcept {
  checked_free(p, "operator delete(aligned)");
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept {
  checked_free(p, "operator delete[](aligned)");
}

#ifndef AC_RT_GUARD_SANITIZER
// ---- the C allocator (glibc lets the executable interpose) ------------------
extern "C" {
void* malloc(size_t n) {
  record(g_allocations, "malloc", n);
  return __libc_malloc(n);
}
void free(void* p) {
  if (p) record(g_frees, "free", 0);
  __libc_free(p);
}
void* calloc(size_t a, size_t b) {
  record(g_allocations, "calloc", a * b);
  return __libc_calloc(a, b);
}
void* realloc(void* p, size_t n) {
  record(g_allocations, "realloc", n);
  return __libc_realloc(p, n);
}
int posix_memalign(void** out, size_t align, size_t n) {
  record(g_allocations, "posix_memalign", n);
  void* p = __libc_memalign(align, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
void* aligned_alloc(size_t align, size_t n) {
  record(g_allocations, "aligned_alloc", n);
  return __libc_memalign(align, n);
}
void* memalign(size_t align, size_t n) {
  record(g_allocations, "memalign", n);
  return __libc_memalign(align, n);
}
}
#endif

#ifndef AC_RT_GUARD_TSAN
// ---- mutexes ------------------------------------------------------------------
extern "C" {
using LockFn = int (*)(pthread_mutex_t*);
int pthread_mutex_lock(pthread_mutex_t* m) {
  static LockFn real = reinterpret_cast<LockFn>(dlsym(RTLD_NEXT, "pthread_mutex_lock"));
  record(g_locks, "pthread_mutex_lock", 0);
  return real(m);
}
int pthread_mutex_trylock(pthread_mutex_t* m) {
  static LockFn real = reinterpret_cast<LockFn>(dlsym(RTLD_NEXT, "pthread_mutex_trylock"));
  record(g_locks, "pthread_mutex_trylock", 0);
  return real(m);
}
}
#endif

namespace ac::test {

void reset_rt_violations() {
  g_allocations = 0;
  g_frees = 0;
  g_locks = 0;
  g_have_first = false;
}

RtViolations rt_violations() {
  RtViolations v;
  v.allocations = g_allocations.load();
  v.frees = g_frees.load();
  v.locks = g_locks.load();
  if (g_have_first.load()) v.first = g_first;
  return v;
}

bool rt_guard_watches_malloc() {
#ifdef AC_RT_GUARD_SANITIZER
  return false;
#else
  return true;
#endif
}

bool rt_guard_watches_locks() {
#ifdef AC_RT_GUARD_TSAN
  return false;
#else
  return true;
#endif
}

}  // namespace ac::test
