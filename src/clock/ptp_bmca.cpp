#include "clock/ptp_bmca.h"

namespace ac::ptp {

DataSet data_set_of(const Message& m, const PortIdentity& receiver) {
  DataSet d;
  d.priority1 = m.announce.priority1;
  d.quality = m.announce.quality;
  d.priority2 = m.announce.priority2;
  d.grandmaster = m.announce.grandmaster;
  d.steps_removed = m.announce.steps_removed;
  d.sender = m.header.source;
  d.receiver = receiver;
  return d;
}

namespace {

// Figure 28: the same grandmaster, seen along different paths.
Comparison compare_topology(const DataSet& a, const DataSet& b) {
  if (a.steps_removed > b.steps_removed + 1) return Comparison::b_better;
  if (b.steps_removed > a.steps_removed + 1) return Comparison::a_better;
  if (a.steps_removed > b.steps_removed) {
    if (a.receiver.clock < a.sender.clock) return Comparison::b_better;
    if (a.receiver.clock > a.sender.clock) return Comparison::b_better_by_topology;
    return Comparison::error;
  }
  if (b.steps_removed > a.steps_removed) {
    if (b.receiver.clock < b.sender.clock) return Comparison::a_better;
    if (b.receiver.clock > b.sender.clock) return Comparison::a_better_by_topology;
    return Comparison::error;
  }
  if (a.sender.clock < b.sender.clock) return Comparison::a_better_by_topology;
  if (a.sender.clock > b.sender.clock) return Comparison::b_better_by_topology;
  if (a.receiver.port < b.receiver.port) return Comparison::a_better_by_topology;
  if (a.receiver.port > b.receiver.port) return Comparison::b_better_by_topology;
  return Comparison::error;
}

}  // namespace

Comparison compare(const DataSet& a, const DataSet& b) {
  if (a.grandmaster == b.grandmaster) return compare_topology(a, b);
  // Figure 27: the grandmasters themselves; lower is better at each step.
  auto pick = [](auto x, auto y) -> Comparison {
    if (x < y) return Comparison::a_better;
    if (x > y) return Comparison::b_better;
    return Comparison::error;  // equal: look further
  };
  for (Comparison c : {pick(a.priority1, b.priority1), pick(a.quality.clock_class, b.quality.clock_class),
                       pick(a.quality.accuracy, b.quality.accuracy), pick(a.quality.variance, b.quality.variance),
                       pick(a.priority2, b.priority2), pick(a.grandmaster, b.grandmaster)}) {
    if (c != Comparison::error) return c;
  }
  return Comparison::error;  // unreachable: the identities differ
}

const char* to_string(PortState s) {
  switch (s) {
    case PortState::initializing:
      return "initializing";
    case PortState::faulty:
      return "faulty";
    case PortState::disabled:
      return "disabled";
    case PortState::listening:
      return "listening";
    case PortState::pre_master:
      return "pre_master";
    case PortState::master:
      return "master";
    case PortState::passive:
      return "passive";
    case PortState::uncalibrated:
      return "uncalibrated";
    case PortState::slave:
      return "slave";
  }
  return "?";
}

Recommendation recommended_state(const DataSet& d0, const std::optional<DataSet>& erbest, bool slave_only) {
  if (!erbest) return slave_only ? Recommendation::listening : Recommendation::master;
  if (slave_only) return Recommendation::slave;
  const bool d0_better = better(d0, *erbest);
  if (d0.quality.clock_class >= 1 && d0.quality.clock_class <= 127) {
    return d0_better ? Recommendation::master : Recommendation::passive;  // M1 / P1
  }
  // One port: Erbest is Ebest.
  return d0_better ? Recommendation::master : Recommendation::slave;  // M2 / S1
}

}  // namespace ac::ptp
