#include "core/spsc_ring.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace ac {
namespace {

TEST(SpscRing, PushUntilFullThenPopInOrder) {
  SpscRing<int> ring(5);
  ASSERT_GE(ring.capacity(), 5u);
  size_t pushed = 0;
  while (ring.try_push(static_cast<int>(pushed))) ++pushed;
  EXPECT_EQ(pushed, ring.capacity());
  EXPECT_FALSE(ring.try_push(99));
  for (size_t i = 0; i < pushed; ++i) {
    int v = -1;
    ASSERT_TRUE(ring.try_pop(v));
    EXPECT_EQ(v, static_cast<int>(i));
  }
  int v = 0;
  EXPECT_FALSE(ring.try_pop(v));
}

TEST(SpscRing, PushAllIsAllOrNothing) {
  SpscRing<float> ring(8);
  std::vector<float> big(ring.capacity() + 1, 1.0f);
  EXPECT_FALSE(ring.try_push_all(big));
  EXPECT_EQ(ring.size(), 0u);
  std::vector<float> fits(ring.capacity(), 2.0f);
  EXPECT_TRUE(ring.try_push_all(fits));
  EXPECT_EQ(ring.size(), ring.capacity());
}

TEST(SpscRing, TwoThreadsPassEveryItemInOrder) {
  SpscRing<uint32_t> ring(64);
  constexpr uint32_t kCount = 200000;
  std::thread producer([&] {
    for (uint32_t i = 0; i < kCount;) {
      if (ring.try_push(i))
        ++i;
      else
        std::this_thread::yield();
    }
  });
  uint32_t expected = 0;
  std::vector<uint32_t> chunk(17);
  while (expected < kCount) {
    const size_t n = ring.pop_into(chunk);
    for (size_t k = 0; k < n; ++k) ASSERT_EQ(chunk[k], expected++);
    if (n == 0) std::this_thread::yield();
  }
  producer.join();
}

}  // namespace
}  // namespace ac
