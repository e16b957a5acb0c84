// Handing a running graph from one Plan to another compiled for the same
// nodes (a rebalanced schedule): what the new Plan must take over so that
// the switch changes nothing but who runs which step.
#pragma once

#include <memory>

#include "core/expected.h"
#include "core/sample_time.h"
#include "graph/compiler.h"
#include "graph/cost_sampler.h"
#include "graph/graph.h"
#include "graph/plan.h"

namespace ac {

// [audio] Moves `next`'s event cursors past the events before `time`: they
// already happened (to nodes that carry over) or belong to a past new nodes
// never had. Never allocates.
void skip_past_events(Plan& next, SampleTime time) noexcept;

// [control] Copies `from`'s cost and overrun counters into `to`, step for
// step (matched by node and step kind), so that `to`'s deadline report and
// overrun policy go on from where `from` left off. Neither Plan may be
// running.
void carry_counters(const Plan& from, Plan& to);

// [control] `graph` (the one `running` was compiled from) compiled again
// for `running`'s node instances and alignment delays, its threads balanced
// by what `costs` measured of them: `options` with reuse, delays and node
// costs filled in. Null when the threads' lists come out the same. Every
// node carries over, so running it instead changes no sample.
Expected<std::unique_ptr<Plan>> rebalanced_plan(const Graph& graph, const Plan& running, const CostSampler& costs,
                                                CompileOptions options);

}  // namespace ac
