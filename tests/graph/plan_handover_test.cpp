// Handing a graph to a Plan compiled for the same nodes: counters carry
// over step for step (the deadline report reads the same), and events
// before the switch are not replayed.
#include "graph/plan_handover.h"

#include <gtest/gtest.h>

#include "graph/compiler.h"
#include "graph/deadline_report.h"
#include "render_helpers.h"

namespace ac {
namespace {

const char* kGraph =
    "nodes:\n  out: {type: output, channels: 1}\n  a: {type: sine}\n  b: {type: sine}\n"
    "  ga: {type: gain}\n  gb: {type: gain}\n  m: {type: mixer, params: {inputs: 2}}\n"
    "connections:\n  - a.out -> ga.in\n  - b.out -> gb.in\n  - ga.out -> m.in0\n  - gb.out -> m.in1\n"
    "  - m.out -> out.in\n"
    "events:\n  - {at: 100, set: ga.gain, value: -6}\n  - {at: 200, set: ga.gain, value: -12}\n"
    "  - {at: 300, set: ga.gain, value: -18}\n";

TEST(PlanHandover, CountersCarryOverStepForStepAndPastEventsAreSkipped) {
  const NodeRegistry r = test::test_registry();
  const Graph g = test::load_or_fail(kGraph, r);
  CompileOptions o;
  o.threads = 2;
  auto first = compile(g, o);
  ASSERT_TRUE(first) << first.error().to_string();
  Plan& a = **first;
  // Counters as if it had run: distinct figures per step.
  for (size_t s = 0; s < a.steps.size(); ++s) {
    a.run.counters[s].ticks.store(1000 * (s + 1));
    a.run.counters[s].max.store(100 * (s + 1));
    a.run.counters[s].misses.store(s);
  }
  a.run.block_counters.blocks.store(50);
  a.run.block_counters.total_frames.store(50 * 64);
  a.run.counters[a.steps.size() - 1].bypassed.store(true);

  o.reuse = a.nodes;
  o.reuse_delays_from = &a;
  o.node_cost.assign(g.nodes.size(), 1.0);
  o.node_cost[3] = 100.0;  // another schedule
  auto second = compile(g, o);
  ASSERT_TRUE(second) << second.error().to_string();
  Plan& b = **second;
  carry_counters(a, b);
  const DeadlineReport ra = read_deadline_report(a), rb = read_deadline_report(b);
  EXPECT_EQ(rb.blocks, 50u);
  ASSERT_EQ(ra.nodes.size(), rb.nodes.size());
  for (size_t i = 0; i < ra.nodes.size(); ++i) {
    EXPECT_EQ(ra.nodes[i].id, rb.nodes[i].id);
    EXPECT_DOUBLE_EQ(ra.nodes[i].mean_us_per_block, rb.nodes[i].mean_us_per_block) << ra.nodes[i].id;
    EXPECT_DOUBLE_EQ(ra.nodes[i].max_us, rb.nodes[i].max_us) << ra.nodes[i].id;
    EXPECT_EQ(ra.nodes[i].misses, rb.nodes[i].misses) << ra.nodes[i].id;
  }
  EXPECT_EQ(bypassed_nodes(a), bypassed_nodes(b));

  // At frame 200 the events at 100 are past; the one at 200 is not.
  skip_past_events(b, SampleTime{200});
  int checked = 0;
  for (size_t s = 0; s < b.steps.size(); ++s) {
    if (b.node_ids[b.steps[s].node] != "ga" || b.steps[s].event_count == 0) continue;
    ++checked;
    ASSERT_EQ(b.steps[s].event_count, 3u);
    EXPECT_EQ(b.run.event_cursor[s], 1u);
    EXPECT_EQ(b.events[b.steps[s].first_event + b.run.event_cursor[s]].at.value, 200);
  }
  EXPECT_EQ(checked, 1);
}

}  // namespace
}  // namespace ac
