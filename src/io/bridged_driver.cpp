#include "io/bridged_driver.h"

#include <cstdarg>
#include <cstdio>

namespace ac {
namespace {

__attribute__((format(printf, 1, 2))) std::string format(const char* fmt, ...) {
  char line[256];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(line, sizeof line, fmt, args);
  va_end(args);
  return line;
}

}  // namespace

Expected<std::unique_ptr<BridgedDriver>> BridgedDriver::create(std::unique_ptr<Driver> device, const DriverSetup& setup,
                                                               const std::string& device_name, double latency_ms) {
  const DeviceShape shape = device->shape();
  DeviceBridgeOptions bo;
  bo.capture_channels = shape.capture_channels;
  bo.playback_channels = shape.playback_channels;
  bo.capture_event_streams = shape.event_inputs;
  bo.playback_event_streams = shape.event_outputs;
  bo.rate = setup.graph->sample_rate;
  bo.device_block = shape.period;
  bo.graph_block = setup.graph->block_size;
  bo.latency_seconds = latency_ms / 1000.0;
  auto bridge = DeviceBridge::create(bo);
  if (!bridge) return unexpected(bridge.error());
  std::unique_ptr<BridgedDriver> d(new BridgedDriver());
  d->device_ = std::move(device);
  d->bridge_ = std::move(*bridge);
  d->device_name_ = device_name;
  d->latency_ms_ = latency_ms;
  DummyDriverOptions graph_side;
  graph_side.sample_rate = setup.graph->sample_rate;
  graph_side.block = setup.graph->block_size;
  graph_side.output_channels = std::max(1u, setup.output_channels);
  graph_side.stop_after_frames = setup.stop_after_frames;
  graph_side.media_clock = setup.media_clock;
  graph_side.start_at = setup.start_at;
  d->graph_side_ = std::make_unique<DummyDriver>(graph_side);
  return d;
}

BridgedDriver::~BridgedDriver() {
  stop();
}

Expected<void> BridgedDriver::start(BlockCallback block) {
  block_ = std::move(block);
  DeviceBridge* bridge = bridge_.get();
  if (auto ok = device_->start(
          [bridge](SampleTime t, FrameCount frames, HostIo& host) { bridge->device_block(t, frames, host); });
      !ok) {
    return ok;
  }
  return graph_side_->start([this](SampleTime t, FrameCount frames, HostIo& host) {
    bridge_->graph_input(t, frames, host);
    block_(t, frames, host);
    bridge_->graph_output(frames, host);
  });
}

void BridgedDriver::keep_bridge_status() const {
  if (graph_side_->finished()) return;
  if (const ClockBridge* b = bridge_->playback()) playback_ = b->status();
  if (const ClockBridge* b = bridge_->capture()) capture_ = b->status();
}

void BridgedDriver::stop() {
  if (!graph_side_) return;
  keep_bridge_status();
  graph_side_->stop();
  device_->stop();
}

DriverStatus BridgedDriver::status() const {
  keep_bridge_status();
  DriverStatus s = graph_side_->status();
  const DriverStatus device = device_->status();
  s.xruns += device.xruns;
  s.period = device.period;
  if (device.finished) {
    s.finished = true;
    s.failure = device.failure;
  }
  if (s.realtime_warning.empty()) s.realtime_warning = device.realtime_warning;
  return s;
}

std::vector<std::string> BridgedDriver::describe() const {
  std::vector<std::string> lines = device_->describe();
  lines.push_back(format("%s period %u frames bridged to the media clock, %.1f ms held each way", device_name_.c_str(),
                         device_->shape().period, latency_ms_));
  return lines;
}

std::string BridgedDriver::status_detail() const {
  std::string text;
  if (const ClockBridge* b = bridge_->playback()) {
    const ClockBridgeStatus st = b->status();
    text += format("  bridge out ratio %.7f latency %.1f (graph %.2f Hz, device %.2f Hz)", st.ratio, st.latency_frames,
                   st.writer_rate, st.reader_rate);
  }
  if (const ClockBridge* b = bridge_->capture()) {
    const ClockBridgeStatus st = b->status();
    text += format("  bridge in ratio %.7f latency %.1f", st.ratio, st.latency_frames);
  }
  return text;
}

std::vector<std::string> BridgedDriver::report() const {
  std::vector<std::string> lines;
  lines.push_back(format("xruns: %llu of the graph's thread on the media clock, %llu of the device",
                         static_cast<unsigned long long>(graph_side_->xruns()),
                         static_cast<unsigned long long>(device_->status().xruns)));
  auto bridge_line = [&](const char* direction, const char* ratio_is, const std::optional<ClockBridgeStatus>& st) {
    if (!st) return;
    lines.push_back(format(
        "clock bridge %s: ratio %.7f (%s), held latency %.1f frames, %llu underruns, %llu overruns, %llu resyncs%s",
        direction, st->ratio, ratio_is, st->latency_frames, static_cast<unsigned long long>(st->underruns),
        static_cast<unsigned long long>(st->overruns), static_cast<unsigned long long>(st->resyncs),
        st->locked ? ", locked" : ", not locked yet"));
  };
  bridge_line("playback", "device rate / media clock rate", playback_);
  bridge_line("capture", "media clock rate / device rate", capture_);
  if (bridge_->events_dropped())
    lines.push_back(format("clock bridge: %llu MIDI events DROPPED crossing",
                           static_cast<unsigned long long>(bridge_->events_dropped())));
  if (bridge_->mismatched_periods())
    lines.push_back(format("clock bridge: %llu device periods of another length were silenced",
                           static_cast<unsigned long long>(bridge_->mismatched_periods())));
  for (std::string& l : device_->report()) lines.push_back(std::move(l));
  return lines;
}

}  // namespace ac
