// CostSampler: a node's typical cost is the median of its windows' means, so
// one stall does not make a cheap node look costly, while work that comes
// in bursts still counts at its mean. Counters are written by hand here:
// the expected figures follow from them, not from a run.
#include "graph/cost_sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/cycle_clock.h"
#include "graph/compiler.h"
#include "render_helpers.h"

namespace ac {
namespace {

const char* kGraph =
    "nodes:\n  out: {type: output, channels: 1}\n  s: {type: sine}\n  g: {type: gain}\n"
    "connections:\n  - s.out -> g.in\n  - g.out -> out.in\n";

std::unique_ptr<Plan> compiled(const Graph& graph, std::vector<std::shared_ptr<Node>> reuse = {}) {
  CompileOptions o;
  o.reuse = std::move(reuse);
  auto plan = compile(graph, o);
  EXPECT_TRUE(plan) << (plan ? "" : plan.error().to_string());
  return plan ? std::move(*plan) : nullptr;
}

size_t node_index(const Plan& p, const std::string& id) {
  for (size_t i = 0; i < p.node_ids.size(); ++i)
    if (p.node_ids[i] == id) return i;
  ADD_FAILURE() << "no node " << id;
  return 0;
}

// Counts one block in which node `id` cost `us` (and every other node
// nothing), as the audio thread would.
void block(Plan& p, const std::string& id, double us) {
  const size_t node = node_index(p, id);
  for (size_t s = 0; s < p.steps.size(); ++s) {
    if (p.steps[s].node != node) continue;
    const auto ticks = static_cast<uint64_t>(std::llround(us * cycle_ticks_per_second() / 1e6));
    p.run.counters[s].ticks.fetch_add(ticks, std::memory_order_relaxed);
    break;
  }
  p.run.block_counters.blocks.fetch_add(1, std::memory_order_relaxed);
}

double cost_of(const CostSampler& c, const Plan& p, const std::string& id) {
  auto us = c.cost_us(p.nodes[node_index(p, id)].get());
  EXPECT_TRUE(us.has_value()) << id;
  return us.value_or(-1);
}

// Tick rounding: well under a nanosecond per block.
constexpr double kTolerance = 1e-3;

TEST(CostSampler, OneStallDoesNotMoveTheCost) {
  const auto plan = compiled(test::load_or_fail(kGraph, test::test_registry()));
  ASSERT_TRUE(plan);
  CostSampler c(16);
  c.follow(*plan);
  for (int b = 0; b < 160; ++b) {
    block(*plan, "g", b == 70 ? 2.0 + 5000.0 : 2.0);  // preempted for 5 ms once
    c.sample();
  }
  EXPECT_EQ(c.windows_of_plan(), 10u);
  EXPECT_NEAR(cost_of(c, *plan, "g"), 2.0, kTolerance);  // the mean would be 33.25
}

TEST(CostSampler, BurstsCountAtTheirMean) {
  const auto plan = compiled(test::load_or_fail(kGraph, test::test_registry()));
  ASSERT_TRUE(plan);
  CostSampler c(16);
  c.follow(*plan);
  for (int b = 0; b < 160; ++b) {
    block(*plan, "g", b % 4 == 3 ? 41.0 : 1.0);  // an FFT every fourth block
    c.sample();
  }
  EXPECT_NEAR(cost_of(c, *plan, "g"), 11.0, kTolerance);
}

TEST(CostSampler, AWindowNeedsItsBlocksAndSamplingLateWidensIt) {
  const auto plan = compiled(test::load_or_fail(kGraph, test::test_registry()));
  ASSERT_TRUE(plan);
  CostSampler c(16);
  c.follow(*plan);
  for (int b = 0; b < 15; ++b) block(*plan, "g", 3.0);
  c.sample();
  EXPECT_EQ(c.windows_of_plan(), 0u);
  EXPECT_FALSE(c.cost_us(plan->nodes[node_index(*plan, "g")].get()).has_value());
  for (int b = 0; b < 25; ++b) block(*plan, "g", 5.0);
  c.sample();  // one window of 40 blocks: (15 × 3 + 25 × 5) / 40
  EXPECT_EQ(c.windows_of_plan(), 1u);
  EXPECT_NEAR(cost_of(c, *plan, "g"), 4.25, kTolerance);
}

TEST(CostSampler, ANewPlanKeepsTheWindowsOfTheNodesItCarriesOver) {
  const NodeRegistry r = test::test_registry();
  const Graph graph = test::load_or_fail(kGraph, r);
  const auto first = compiled(graph);
  ASSERT_TRUE(first);
  CostSampler c(16);
  c.follow(*first);
  for (int b = 0; b < 48; ++b) {
    block(*first, "g", 7.0);
    c.sample();
  }
  // The gain carries over; the sine and output are built anew.
  std::vector<std::shared_ptr<Node>> reuse(graph.nodes.size());
  const size_t g = node_index(*first, "g");
  reuse[g] = first->nodes[g];
  const auto second = compiled(graph, reuse);
  ASSERT_TRUE(second);
  c.follow(*second);
  EXPECT_EQ(c.windows_of_plan(), 0u);
  EXPECT_NEAR(cost_of(c, *second, "g"), 7.0, kTolerance);
  EXPECT_FALSE(c.cost_us(first->nodes[node_index(*first, "s")].get()).has_value()) << "forgotten";
  EXPECT_FALSE(c.cost_us(second->nodes[node_index(*second, "s")].get()).has_value()) << "new, not measured";
}

}  // namespace
}  // namespace ac
