#pragma once
// A sound device on its own crystal (a JACK server, an ALSA card)
// joined to a graph that runs on another clock (the PTP media clock): the
// graph runs on its own thread, paced by its clock, and the device's audio
// crosses into the graph's domain and back through two clock bridges
// (clock/clock_bridge.h) — capture: device → graph, playback: graph →
// device. Both sides time their blocks on CLOCK_MONOTONIC_RAW. The device's
// event streams (JACK MIDI ports) cross with the audio (io/bridged_events.h):
// each event lands on the frame of the audio it came with; a direction with
// events and no audio channels gets a bridge of one silent channel to carry
// its time line.
//
// Threads: device_block() on the device's callback thread, graph_input()
// and graph_output() on the graph's; neither allocates or locks.
#include <memory>
#include <vector>

#include "clock/clock_bridge.h"
#include "core/audio_buffer.h"
#include "core/expected.h"
#include "core/sample_time.h"
#include "graph/node.h"
#include "io/bridged_events.h"

namespace ac {

struct DeviceBridgeOptions {
  uint32_t capture_channels = 0;        // device inputs the graph reads (0: no capture bridge)
  uint32_t playback_channels = 0;       // graph outputs the device plays (0: no playback bridge)
  uint32_t capture_event_streams = 0;   // device event inputs (JACK MIDI in ports), by host slot
  uint32_t playback_event_streams = 0;  // device event outputs, by host slot
  double rate = 48000.0;
  FrameCount device_block = 64;   // frames per device callback (a JACK period)
  FrameCount graph_block = 64;    // frames per graph block
  double latency_seconds = 0.02;  // held by each bridge: room for either thread to stall that long
};

class DeviceBridge {
 public:
  // [control]
  static Expected<std::unique_ptr<DeviceBridge>> create(const DeviceBridgeOptions& options);

  // [device] One device period: its captured input goes towards the graph,
  // its playback buffers are filled from the graph's output. A period of
  // another length than device_block is played as silence and counted.
  // `time` is the device's frame time: a jump says frames were lost (an xrun).
  void device_block(SampleTime time, FrameCount frames, HostIo& host) noexcept;
  // [graph] Before the graph's block at `time`: points host.input at the
  // captured audio, resampled into the graph's clock, and host's event
  // streams at the captured events and at empty buffers for the graph's
  // own. A jump in `time` says the graph's driver skipped blocks.
  void graph_input(SampleTime time, FrameCount frames, HostIo& host) noexcept;
  // [graph] After that block: its output and its events go towards the
  // device.
  void graph_output(FrameCount frames, const HostIo& host) noexcept;

  // [any] null when that direction has no channels.
  const ClockBridge* capture() const { return capture_.get(); }
  const ClockBridge* playback() const { return playback_.get(); }
  uint64_t mismatched_periods() const { return mismatched_.load(std::memory_order_relaxed); }
  // [any] Events dropped crossing (a queue or a block's buffer was full).
  uint64_t events_dropped() const;

 private:
  DeviceBridge() = default;
  DeviceBridgeOptions options_;
  std::unique_ptr<ClockBridge> capture_, playback_;
  AudioBuffer captured_;  // the graph's view of the capture
  // Per-call channel pointers (views' offsets applied), one set per thread;
  // channels a side lacks read zeros_ or write into scratch_.
  std::vector<const float*> device_in_, graph_out_;
  std::vector<float*> device_out_;
  std::vector<float> zeros_, scratch_;
  std::atomic<uint64_t> mismatched_{0};
  // Events: one queue per stream and direction, and the graph side's
  // buffers (the device side uses the driver's own).
  std::vector<std::unique_ptr<BridgedEvents>> capture_events_, playback_events_;
  std::vector<EventBuffer> graph_in_events_, graph_out_events_;
  std::vector<const EventBuffer*> graph_in_ptrs_;
  std::vector<EventBuffer*> graph_out_ptrs_;
  int64_t device_next_ = -1, graph_next_ = -1;  // each side's expected next block time
  uint64_t graph_skipped_ = 0;                  // frames the graph skipped before its current block
};

// [any] CLOCK_MONOTONIC_RAW in seconds: both sides' block times.
double bridge_now() noexcept;

}  // namespace ac
