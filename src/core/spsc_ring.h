#pragma once
// Single-producer single-consumer ring of trivially copyable items.
// Lock-free and wait-free for both sides; capacity is fixed at construction
// (the only allocation), so neither side ever allocates.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <type_traits>

namespace ac {

template <typename T>
class SpscRing {
  static_assert(std::is_trivially_copyable_v<T>, "SpscRing holds trivially copyable items");

 public:
  // [control] Allocates room for at least `capacity` items.
  explicit SpscRing(size_t capacity)
      : mask_(round_up_pow2(capacity + 1) - 1), items_(std::make_unique<T[]>(mask_ + 1)) {}

  size_t capacity() const { return mask_; }

  // [producer] Appends one item; false (and nothing written) when full.
  bool try_push(const T& item) noexcept {
    const size_t w = write_.load(std::memory_order_relaxed);
    const size_t next = (w + 1) & mask_;
    if (next == read_.load(std::memory_order_acquire)) return false;
    items_[w] = item;
    write_.store(next, std::memory_order_release);
    return true;
  }

  // [producer] Appends all of `items` or none; false when there is not room.
  bool try_push_all(std::span<const T> items) noexcept {
    if (items.size() > free_space()) return false;
    size_t w = write_.load(std::memory_order_relaxed);
    for (const T& it : items) {
      items_[w] = it;
      w = (w + 1) & mask_;
    }
    write_.store(w, std::memory_order_release);
    return true;
  }

  // [consumer] Removes one item into `out`; false when empty.
  bool try_pop(T& out) noexcept {
    const size_t r = read_.load(std::memory_order_relaxed);
    if (r == write_.load(std::memory_order_acquire)) return false;
    out = items_[r];
    read_.store((r + 1) & mask_, std::memory_order_release);
    return true;
  }

  // [consumer] Removes up to out.size() items; returns how many.
  size_t pop_into(std::span<T> out) noexcept {
    const size_t r0 = read_.load(std::memory_order_relaxed);
    const size_t avail = (write_.load(std::memory_order_acquire) - r0) & mask_;
    const size_t n = avail < out.size() ? avail : out.size();
    size_t r = r0;
    for (size_t i = 0; i < n; ++i) {
      out[i] = items_[r];
      r = (r + 1) & mask_;
    }
    read_.store(r, std::memory_order_release);
    return n;
  }

  // [any] Approximate when read from the side that does not own the index.
  size_t size() const noexcept {
    return (write_.load(std::memory_order_acquire) - read_.load(std::memory_order_acquire)) & mask_;
  }
  // [producer] Items that can be pushed now (at least this many).
  size_t free_space() const noexcept { return mask_ - size(); }

 private:
  static size_t round_up_pow2(size_t n) {
    size_t p = 1;
    while (p < n) p <<= 1;
    return p;
  }

  // Separate cache lines so producer and consumer do not false-share.
  alignas(64) std::atomic<size_t> write_{0};
  alignas(64) std::atomic<size_t> read_{0};
  alignas(64) const size_t mask_;
  std::unique_ptr<T[]> items_;
};

}  // namespace ac
