#pragma once
// A device on its own crystal (JACK, ALSA) under a graph on the PTP media
// clock, as one driver: the graph runs on a dummy driver paced by the media
// clock, and the device's audio and events cross to it and back through a
// DeviceBridge (io/device_bridge.h). The session sees one driver whose
// blocks are the graph side's; xruns are both sides', and the report says
// which side had them and how the bridges ran.
#include <memory>
#include <optional>

#include "clock/clock_bridge.h"
#include "io/device_bridge.h"
#include "io/driver.h"
#include "io/dummy_driver.h"

namespace ac {

class BridgedDriver final : public Driver {
 public:
  // [control] `device` was opened with setup.bridged; the bridge holds
  // `latency_ms` each way.
  static Expected<std::unique_ptr<BridgedDriver>> create(std::unique_ptr<Driver> device, const DriverSetup& setup,
                                                         const std::string& device_name, double latency_ms);
  ~BridgedDriver() override;

  Expected<void> start(BlockCallback block) override;
  // Reads the bridges' state while both sides still run (once the graph's
  // side stops, the device's sees a stream that ended), then stops both.
  void stop() override;
  // Also keeps the bridges' state as they run, for report().
  DriverStatus status() const override;
  std::vector<std::string> describe() const override;
  std::string running_as() const override { return device_->running_as(); }
  std::vector<std::string> warnings() const override { return device_->warnings(); }
  std::vector<std::string> take_notices() override { return device_->take_notices(); }
  std::vector<std::string> report() const override;
  std::string status_detail() const override;
  HostSlotOf host_slots() override { return device_->host_slots(); }
  Expected<std::unique_ptr<DriverEdit>> prepare_edit(const Graph& next) override { return device_->prepare_edit(next); }

 private:
  BridgedDriver() = default;
  // The bridges' state while the graph's side still runs (a stream that
  // ended is not how they ran).
  void keep_bridge_status() const;
  std::unique_ptr<Driver> device_;
  std::unique_ptr<DeviceBridge> bridge_;
  std::unique_ptr<DummyDriver> graph_side_;
  std::string device_name_;
  double latency_ms_ = 0.0;
  BlockCallback block_;
  mutable std::optional<ClockBridgeStatus> playback_, capture_;  // as they ran (control thread)
};

}  // namespace ac
