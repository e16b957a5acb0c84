#include "io/device_bridge.h"

#include <algorithm>

#include "clock/virtual_clock.h"

namespace ac {
namespace {

// Frames a stream lost before the block at `time` (0 for the first block),
// and where the next one is expected.
uint64_t skipped_before(int64_t& next, SampleTime time, FrameCount frames) {
  const uint64_t lost = next >= 0 && time.value > next ? static_cast<uint64_t>(time.value - next) : 0;
  next = time.value + frames;
  return lost;
}

}  // namespace

double bridge_now() noexcept {
  return static_cast<double>(VirtualClock::local_now()) * 1e-9;
}

Expected<std::unique_ptr<DeviceBridge>> DeviceBridge::create(const DeviceBridgeOptions& options) {
  auto b = std::unique_ptr<DeviceBridge>(new DeviceBridge());
  b->options_ = options;
  auto make = [&](uint32_t channels, FrameCount writer, FrameCount reader) -> Expected<std::unique_ptr<ClockBridge>> {
    ClockBridgeOptions o;
    o.channels = channels;
    o.rate = options.rate;
    o.writer_block = writer;
    o.reader_block = reader;
    o.target_latency = options.latency_seconds * options.rate;
    return ClockBridge::create(o);
  };
  if (options.capture_channels > 0) {
    auto c = make(options.capture_channels, options.device_block, options.graph_block);
    if (!c) return unexpected(c.error());
    b->capture_ = std::move(*c);
    b->captured_ = AudioBuffer(options.capture_channels, options.graph_block);
  }
  if (options.playback_channels > 0) {
    auto p = make(options.playback_channels, options.graph_block, options.device_block);
    if (!p) return unexpected(p.error());
    b->playback_ = std::move(*p);
  }
  b->device_in_.resize(options.capture_channels);
  b->device_out_.resize(options.playback_channels);
  b->graph_out_.resize(options.playback_channels);
  b->zeros_.assign(std::max(options.device_block, options.graph_block), 0.0f);
  b->scratch_.assign(options.device_block, 0.0f);
  return b;
}

void DeviceBridge::device_block(SampleTime time, FrameCount frames, HostIo& host) noexcept {
  const double now = bridge_now();
  const uint64_t skipped = skipped_before(device_next_, time, frames);
  if (frames != options_.device_block) {
    // The bridges' loops expect one period length (JACK changed its
    // buffer size): silence rather than a wrong time line.
    mismatched_.fetch_add(1, std::memory_order_relaxed);
    for (uint32_t c = 0; c < host.output.channel_count; ++c)
      std::fill(host.output.channel(c), host.output.channel(c) + frames, 0.0f);
    return;
  }
  if (capture_) {
    for (uint32_t c = 0; c < options_.capture_channels; ++c)
      device_in_[c] = c < host.input.channel_count ? host.input.channel(c) : zeros_.data();
    capture_->write(device_in_.data(), frames, now, skipped);
  }
  if (playback_) {
    for (uint32_t c = 0; c < options_.playback_channels; ++c)
      device_out_[c] = c < host.output.channel_count ? host.output.channel(c) : scratch_.data();
    playback_->read(device_out_.data(), frames, now, skipped);
  }
}

void DeviceBridge::graph_input(SampleTime time, FrameCount frames, HostIo& host) noexcept {
  graph_skipped_ = skipped_before(graph_next_, time, frames);
  if (!capture_) return;
  AudioView v = captured_.view(0, frames);
  capture_->read(v.channels, frames, bridge_now(), graph_skipped_);
  host.input = v.as_const();
}

void DeviceBridge::graph_output(FrameCount frames, const HostIo& host) noexcept {
  if (!playback_) return;
  for (uint32_t c = 0; c < options_.playback_channels; ++c)
    graph_out_[c] = c < host.output.channel_count ? host.output.channel(c) : zeros_.data();
  playback_->write(graph_out_.data(), frames, bridge_now(), graph_skipped_);
}

}  // namespace ac
