#pragma once
// `clock: ptp` for `audiocloud run`: starts the PTP clock the graph asks for
// (its domain and profile; the interface and role from the command line),
// waits for it to lock, and picks the media time at which the graph's
// timeline begins.
#include <cstdint>
#include <memory>

#include "app/commands.h"
#include "clock/ptp_clock.h"
#include "core/expected.h"
#include "graph/graph.h"

namespace ac {

struct GraphPtp {
  std::unique_ptr<PtpClock> clock;
  int64_t origin = 0;  // media sample of the graph's time 0: a whole block, a moment ahead
};

// [control] Prints progress on stderr while it waits (at most ptp_timeout).
Expected<GraphPtp> start_ptp_for_graph(const RunArgs& args, const Graph& graph);

}  // namespace ac
