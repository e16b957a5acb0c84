#pragma once
// Drivers by name. Each driver registers one DriverInfo (driver_registry.cpp
// holds the lines); `run --driver NAME` and `render` open them through
// here. Opening a driver that has a clock of its own (a device) for a graph
// on the PTP media clock wraps it in a BridgedDriver.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/expected.h"
#include "io/driver.h"

namespace ac {

struct DriverInfo {
  std::string name;                       // as --driver takes it: "jack"
  std::string label;                      // as messages name it: "JACK"
  std::string description;                // one line for --help
  DriverClock clock = DriverClock::none;  // what paces it (device: bridged under a media clock)
  std::vector<std::string> params;        // the DriverParams it reads
  std::function<Expected<std::unique_ptr<Driver>>(const DriverSetup&)> open;
};

class DriverRegistry {
 public:
  // [control] Adds a driver; a second one of the same name replaces the first.
  void add(DriverInfo info);
  // [control] null when unknown.
  const DriverInfo* find(const std::string& name) const;
  // [control] Names in registration order; `realtime_only` leaves out the
  // offline ones.
  std::vector<std::string> names(bool realtime_only = false) const;
  // [control] Opens driver `name`. With setup.media_clock, a driver on a
  // device clock runs bridged to it (holding `bridge_latency_ms` each way).
  Expected<std::unique_ptr<Driver>> open(const std::string& name, DriverSetup setup,
                                         double bridge_latency_ms = 20.0) const;

 private:
  std::vector<DriverInfo> drivers_;
};

// [control] Every driver of this build: dummy, jack, alsa, offline.
const DriverRegistry& default_drivers();

}  // namespace ac
