#include "graph/buffer_allocator.h"

namespace ac {

uint32_t BufferAllocator::acquire() {
  if (free_.empty()) return next_++;
  const uint32_t b = *free_.begin();
  free_.erase(free_.begin());
  return b;
}

void BufferAllocator::release(uint32_t buffer) {
  free_.insert(buffer);
}

}  // namespace ac
