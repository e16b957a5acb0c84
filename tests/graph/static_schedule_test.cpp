#include "graph/static_schedule.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

// Two chains of 16 steps. `interleaved`: the order alternates between them
// (a0 b0 a1 b1 ...); otherwise a0..a15 then b0..b15.
std::vector<std::vector<uint32_t>> two_chains(bool interleaved) {
  std::vector<std::vector<uint32_t>> preds(32);
  for (uint32_t i = 1; i < 16; ++i) {
    if (interleaved) {
      preds[2 * i] = {2 * (i - 1)};
      preds[2 * i + 1] = {2 * (i - 1) + 1};
    } else {
      preds[i] = {i - 1};
      preds[16 + i] = {16 + i - 1};
    }
  }
  return preds;
}

TEST(StaticSchedule, ChainsInOrderAreCutAtTheirBoundaryIntoTwoRanges) {
  const auto s = make_static_schedule(two_chains(false), std::vector<double>(32, 1.0), 2);
  for (uint32_t i = 0; i < 16; ++i) {
    EXPECT_EQ(s.thread_of[i], 0u) << i;
    EXPECT_EQ(s.thread_of[16 + i], 1u) << i;
  }
  EXPECT_EQ(s.lists[0].size(), 16u);
  EXPECT_EQ(s.lists[1].size(), 16u);
}

// Cut into two ranges, interleaved chains would run one after the other
// (the second range waits for the first): the greedy schedule wins.
TEST(StaticSchedule, InterleavedChainsStayWholeOnAThreadEach) {
  const auto s = make_static_schedule(two_chains(true), std::vector<double>(32, 1.0), 2);
  for (uint32_t i = 1; i < 16; ++i) {
    EXPECT_EQ(s.thread_of[2 * i], s.thread_of[0]) << i;
    EXPECT_EQ(s.thread_of[2 * i + 1], s.thread_of[1]) << i;
  }
  EXPECT_NE(s.thread_of[0], s.thread_of[1]);
}

TEST(StaticSchedule, CostsMoveTheCut) {
  // Eight independent steps; the first costs as much as the other seven.
  std::vector<std::vector<uint32_t>> preds(8);
  std::vector<double> cost(8, 1.0);
  cost[0] = 7.0;
  const auto s = make_static_schedule(preds, cost, 2);
  EXPECT_EQ(s.lists[0], std::vector<uint32_t>{0});
  EXPECT_EQ(s.lists[1].size(), 7u);
}

TEST(StaticSchedule, ListsKeepTheOrderAndCoverEveryStepOnce) {
  const auto preds = two_chains(true);
  for (uint32_t threads : {1u, 2u, 3u, 4u}) {
    const auto s = make_static_schedule(preds, std::vector<double>(preds.size(), 1.0), threads);
    ASSERT_EQ(s.lists.size(), threads);
    std::vector<int> seen(preds.size(), 0);
    for (uint32_t t = 0; t < threads; ++t) {
      for (size_t k = 0; k < s.lists[t].size(); ++k) {
        const uint32_t step = s.lists[t][k];
        ++seen[step];
        EXPECT_EQ(s.thread_of[step], t);
        if (k > 0) {
          EXPECT_LT(s.lists[t][k - 1], step);
        }
      }
    }
    for (int n : seen) EXPECT_EQ(n, 1);
  }
}

}  // namespace
}  // namespace ac
