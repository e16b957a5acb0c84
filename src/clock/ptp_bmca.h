#pragma once
// The best master clock algorithm of IEEE 1588-2008 (9.3): the data set
// comparison (figures 27 and 28) over the whole data set, and the state
// decision (figure 26) for an ordinary clock's single port. Pure code.
#include <optional>

#include "clock/ptp_message.h"

namespace ac::ptp {

// What the comparison looks at: a grandmaster as an Announce describes it
// (or the local clock's default data set), and where the Announce came from.
struct DataSet {
  uint8_t priority1 = 128;
  ClockQuality quality;
  uint8_t priority2 = 128;
  ClockIdentity grandmaster{};
  uint16_t steps_removed = 0;
  PortIdentity sender;    // the port that sent the Announce (for D0: the local port)
  PortIdentity receiver;  // the port that received it
};

// The data set of an Announce received on `receiver`.
DataSet data_set_of(const Message& announce, const PortIdentity& receiver);

enum class Comparison : int8_t {
  a_better = -2,
  a_better_by_topology = -1,
  error = 0,  // the same data set received twice on one port (figure 28's error cases)
  b_better_by_topology = 1,
  b_better = 2,
};

Comparison compare(const DataSet& a, const DataSet& b);
inline bool better(const DataSet& a, const DataSet& b) {
  const Comparison c = compare(a, b);
  return c == Comparison::a_better || c == Comparison::a_better_by_topology;
}

enum class PortState : uint8_t {
  initializing,
  faulty,
  disabled,
  listening,
  pre_master,
  master,
  passive,
  uncalibrated,
  slave
};
const char* to_string(PortState s);

// Figure 26 for an ordinary clock: what the port should be, given the local
// clock's default data set `d0` and the best foreign master `erbest` (none:
// no qualified Announce). `slave_only` clocks never become master.
enum class Recommendation : uint8_t { master, passive, slave, listening };
Recommendation recommended_state(const DataSet& d0, const std::optional<DataSet>& erbest, bool slave_only);

}  // namespace ac::ptp
