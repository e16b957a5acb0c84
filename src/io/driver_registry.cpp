#include "io/driver_registry.h"

#include "io/alsa_driver.h"
#include "io/bridged_driver.h"
#include "io/dummy_driver.h"
#include "io/jack_driver.h"
#include "io/offline_driver.h"

namespace ac {

void DriverRegistry::add(DriverInfo info) {
  for (DriverInfo& d : drivers_) {
    if (d.name == info.name) {
      d = std::move(info);
      return;
    }
  }
  drivers_.push_back(std::move(info));
}

const DriverInfo* DriverRegistry::find(const std::string& name) const {
  for (const DriverInfo& d : drivers_) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::vector<std::string> DriverRegistry::names(bool realtime_only) const {
  std::vector<std::string> out;
  for (const DriverInfo& d : drivers_) {
    if (!realtime_only || d.clock != DriverClock::none) out.push_back(d.name);
  }
  return out;
}

Expected<std::unique_ptr<Driver>> DriverRegistry::open(const std::string& name, DriverSetup setup,
                                                       double bridge_latency_ms) const {
  const DriverInfo* info = find(name);
  if (!info) return unexpected(make_error(ErrorDomain::io, "no driver '" + name + "'"));
  const bool bridged = setup.media_clock && info->clock == DriverClock::device;
  setup.bridged = bridged;
  auto opened = info->open(setup);
  if (!opened || !bridged) return opened;
  auto wrapped = BridgedDriver::create(std::move(*opened), setup, info->label, bridge_latency_ms);
  if (!wrapped) return unexpected(wrapped.error());
  return std::unique_ptr<Driver>(std::move(*wrapped));
}

const DriverRegistry& default_drivers() {
  static const DriverRegistry registry = [] {
    DriverRegistry r;
    r.add({"dummy",
           "dummy",
           "paced by the monotonic clock (or the PTP media clock), no device",
           DriverClock::monotonic,
           {},
           &open_dummy_driver});
    r.add({"jack", "JACK", "a JACK client", DriverClock::device, {"client-name"}, &open_jack_driver});
    r.add({"alsa",
           "ALSA",
           "an ALSA PCM device",
           DriverClock::device,
           {"device", "capture-device", "period", "periods"},
           &open_alsa_driver});
    r.add({"offline",
           "offline",
           "as fast as the CPU allows, into a sound file",
           DriverClock::none,
           {"output", "format", "encoding"},
           &open_offline_driver});
    return r;
  }();
  return registry;
}

}  // namespace ac
