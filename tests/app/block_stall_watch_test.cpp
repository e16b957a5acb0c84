// The run's stall watch: a driver that stops calling the graph is said
// once, after two seconds, and again when blocks run again; before the
// first block nothing is due, and a finished count of blocks that keeps
// moving says nothing.
#include <gtest/gtest.h>

#include "app/run_report.h"

namespace ac {
namespace {

TEST(BlockStallWatch, SaysAStallOnceAndItsEnd) {
  BlockStallWatch w;
  EXPECT_EQ(w.check(0, 0, 100.0), "");
  EXPECT_EQ(w.check(0, 0, 105.0), "") << "before the first block nothing is due";
  EXPECT_EQ(w.check(10, 0, 105.1), "");
  EXPECT_EQ(w.check(10, 0, 106.9), "") << "1.8 s: within the limit";
  const std::string stall = w.check(10, 3, 107.2);
  EXPECT_NE(stall.find("warning: the driver has run no block for 2.1 s"), std::string::npos) << stall;
  EXPECT_EQ(w.check(10, 50, 110.0), "") << "said once";
  const std::string again = w.check(11, 803, 115.0);
  EXPECT_NE(again.find("again after 9.9 s without a block (800 xruns meanwhile)"), std::string::npos) << again;
  EXPECT_EQ(w.check(12, 803, 115.1), "");
}

TEST(BlockStallWatch, BlocksThatKeepComingSayNothing) {
  BlockStallWatch w;
  for (int i = 1; i <= 100; ++i) EXPECT_EQ(w.check(static_cast<uint64_t>(i), 0, i * 1.5), "");
}

}  // namespace
}  // namespace ac
