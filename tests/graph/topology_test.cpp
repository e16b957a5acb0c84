#include "graph/topology.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

TEST(Topology, OrderRespectsEveryEdgeAndIsDeterministic) {
  const std::vector<TopologyEdge> edges = {{3, 1}, {1, 0}, {2, 0}, {4, 2}};
  const auto order = topological_order(5, edges);
  ASSERT_EQ(order.size(), 5u);
  std::vector<size_t> pos(5);
  for (size_t i = 0; i < order.size(); ++i) pos[order[i]] = i;
  for (const auto& e : edges) EXPECT_LT(pos[e.from], pos[e.to]);
  EXPECT_EQ(order, topological_order(5, edges));
  EXPECT_EQ(order, (std::vector<uint32_t>{3, 1, 4, 2, 0}));  // lowest ready index first
}

TEST(Topology, CycleGivesNoOrderAndIsFound) {
  const std::vector<TopologyEdge> edges = {{0, 1}, {1, 2}, {2, 3}, {3, 1}, {3, 4}};
  EXPECT_TRUE(topological_order(5, edges).empty());
  const auto comps = strongly_connected(5, edges);
  const std::vector<uint32_t>* cyclic = nullptr;
  for (const auto& c : comps) {
    if (c.size() > 1) cyclic = &c;
  }
  ASSERT_NE(cyclic, nullptr);
  EXPECT_EQ(cyclic->size(), 3u);
  EXPECT_EQ(find_cycle(*cyclic, edges), (std::vector<uint32_t>{1, 2, 3}));
}

TEST(Topology, LongChainDoesNotOverflowTheStack) {
  std::vector<TopologyEdge> edges;
  constexpr uint32_t n = 200000;
  for (uint32_t i = 0; i + 1 < n; ++i) edges.push_back({i, i + 1});
  EXPECT_EQ(strongly_connected(n, edges).size(), n);
  EXPECT_EQ(topological_order(n, edges).size(), n);
}

}  // namespace
}  // namespace ac
