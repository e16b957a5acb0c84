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
  return static_cast<double>(VirtualClock::local_now().ns) * 1e-9;
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
  // Events ride an audio bridge's time line: a direction with events and no
  // audio gets one silent channel.
  const uint32_t capture_carried =
      options.capture_channels > 0 ? options.capture_channels : (options.capture_event_streams > 0 ? 1 : 0);
  const uint32_t playback_carried =
      options.playback_channels > 0 ? options.playback_channels : (options.playback_event_streams > 0 ? 1 : 0);
  b->options_.capture_channels = capture_carried;
  b->options_.playback_channels = playback_carried;
  if (capture_carried > 0) {
    auto c = make(capture_carried, options.device_block, options.graph_block);
    if (!c) return unexpected(c.error());
    b->capture_ = std::move(*c);
    b->captured_ = AudioBuffer(capture_carried, options.graph_block);
  }
  if (playback_carried > 0) {
    auto p = make(playback_carried, options.graph_block, options.device_block);
    if (!p) return unexpected(p.error());
    b->playback_ = std::move(*p);
  }
  b->device_in_.resize(capture_carried);
  b->device_out_.resize(playback_carried);
  b->graph_out_.resize(playback_carried);
  for (uint32_t i = 0; i < options.capture_event_streams; ++i) {
    b->capture_events_.push_back(std::make_unique<BridgedEvents>());
    b->graph_in_events_.emplace_back();
  }
  for (uint32_t i = 0; i < options.playback_event_streams; ++i) {
    b->playback_events_.push_back(std::make_unique<BridgedEvents>());
    b->graph_out_events_.emplace_back();
  }
  for (auto& e : b->graph_in_events_) b->graph_in_ptrs_.push_back(&e);
  for (auto& e : b->graph_out_events_) b->graph_out_ptrs_.push_back(&e);
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
    const uint64_t base = capture_->frames_written();
    capture_->write(device_in_.data(), frames, now, skipped);
    for (size_t i = 0; i < capture_events_.size() && i < host.event_input_count; ++i)
      capture_events_[i]->push(*host.event_input[i], base);
  }
  if (playback_) {
    for (uint32_t c = 0; c < options_.playback_channels; ++c)
      device_out_[c] = c < host.output.channel_count ? host.output.channel(c) : scratch_.data();
    playback_->read(device_out_.data(), frames, now, skipped);
    for (size_t i = 0; i < playback_events_.size() && i < host.event_output_count; ++i)
      playback_events_[i]->pop(playback_->last_read_span(), frames, *host.event_output[i]);
  }
}

void DeviceBridge::graph_input(SampleTime time, FrameCount frames, HostIo& host) noexcept {
  graph_skipped_ = skipped_before(graph_next_, time, frames);
  for (EventBuffer& e : graph_out_events_) e.clear();
  host.event_output = graph_out_ptrs_.data();
  host.event_output_count = static_cast<uint32_t>(graph_out_ptrs_.size());
  if (!capture_) return;
  AudioView v = captured_.view(0, frames);
  capture_->read(v.channels, frames, bridge_now(), graph_skipped_);
  host.input = v.as_const();
  for (size_t i = 0; i < capture_events_.size(); ++i) {
    graph_in_events_[i].clear();
    capture_events_[i]->pop(capture_->last_read_span(), frames, graph_in_events_[i]);
  }
  host.event_input = graph_in_ptrs_.data();
  host.event_input_count = static_cast<uint32_t>(graph_in_ptrs_.size());
}

void DeviceBridge::graph_output(FrameCount frames, const HostIo& host) noexcept {
  if (!playback_) return;
  for (uint32_t c = 0; c < options_.playback_channels; ++c)
    graph_out_[c] = c < host.output.channel_count ? host.output.channel(c) : zeros_.data();
  const uint64_t base = playback_->frames_written();
  playback_->write(graph_out_.data(), frames, bridge_now(), graph_skipped_);
  for (size_t i = 0; i < playback_events_.size(); ++i) playback_events_[i]->push(graph_out_events_[i], base);
}

uint64_t DeviceBridge::events_dropped() const {
  uint64_t n = 0;
  for (const auto& e : capture_events_) n += e->dropped();
  for (const auto& e : playback_events_) n += e->dropped();
  return n;
}

}  // namespace ac
