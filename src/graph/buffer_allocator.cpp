#include "graph/buffer_allocator.h"

namespace ac {

uint32_t BufferAllocator::acquire() {
  if (free_.empty()) return next_++;
  const uint32_t b = *free_.begin();
  free_.erase(free_.begin());
  return b;
}

uint32_t BufferAllocator::acquire_if(const std::function<bool(uint32_t)>& usable) {
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    if (usable(*it)) {
      const uint32_t b = *it;
      free_.erase(it);
      return b;
    }
  }
  return next_++;
}

void BufferAllocator::release(uint32_t buffer) {
  free_.insert(buffer);
}

}  // namespace ac
