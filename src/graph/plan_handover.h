// Handing a running graph from one Plan to another compiled for the same
// nodes (a rebalanced schedule): what the new Plan must take over so that
// the switch changes nothing but who runs which step.
#pragma once

#include "core/sample_time.h"
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

}  // namespace ac
