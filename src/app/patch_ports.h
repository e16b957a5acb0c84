// What a graph patch asks of the running driver's ports, checked before
// the patch is swapped in (`audiocloud run`): JACK ports to add, or an ALSA
// device that would need more channels than it was opened with.
#pragma once

#include <optional>

#include "core/expected.h"
#include "graph/graph.h"
#include "io/alsa_driver.h"
#include "io/jack_driver.h"

namespace ac {

// [control] The JACK ports `next` needs that `jack` lacks (none: nullopt).
// `base` holds the client's fixed options (name, rate, block). A client
// bridged to the PTP clock cannot add ports: an error then.
Expected<std::optional<JackPortPlan>> jack_ports_for(const JackDriver& jack, const JackDriverOptions& base,
                                                     const Graph& next, bool bridged);

// [control] Registers the ports `plan` adds and says so on stdout, one line
// per port ("JACK port tx:out_2 added"), with any connection warnings.
void add_jack_ports(JackDriver& jack, const JackPortPlan& plan);

// [control] An error if `next` needs more ALSA channels than `alsa` runs.
Expected<void> alsa_channels_fit(const AlsaDriver& alsa, const Graph& next);

}  // namespace ac
