#pragma once
// Assigns pool buffers to values by liveness: a buffer freed after its last
// reader runs is handed to the next value that needs one. Deterministic: the
// lowest free index is always taken.
#include <cstdint>
#include <functional>
#include <set>

namespace ac {

class BufferAllocator {
 public:
  uint32_t acquire();
  // The lowest free buffer for which `usable` holds, else a new one.
  uint32_t acquire_if(const std::function<bool(uint32_t)>& usable);
  void release(uint32_t buffer);
  uint32_t high_water() const { return next_; }

 private:
  std::set<uint32_t> free_;
  uint32_t next_ = 0;
};

}  // namespace ac
