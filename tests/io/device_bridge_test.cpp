// The device bridge on both of its threads' paths: a device (its own
// callback thread) and a graph (another), exchanging audio through it in
// real time for a second. Nothing allocates or locks inside the audio
// sections; the graph sees the device's capture channels and events; a
// period of the wrong length is counted and played as silence.
#include "io/device_bridge.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "core/audio_section.h"
#include "rt_guard.h"

namespace ac {
namespace {

TEST(DeviceBridge, BothSidesRunWithoutAllocatingAndTheGraphSeesTheCapture) {
  DeviceBridgeOptions o;
  o.capture_channels = 2;
  o.playback_channels = 2;
  o.device_block = 128;
  o.graph_block = 64;
  o.latency_seconds = 0.02;
  o.capture_event_streams = 1;
  o.playback_event_streams = 1;
  auto made = DeviceBridge::create(o);
  ASSERT_TRUE(made) << made.error().to_string();
  DeviceBridge& bridge = **made;
  // One event each way per block, crossing with the audio.
  std::atomic<uint32_t> graph_events_seen{0};
  uint32_t device_events_seen = 0;

  test::reset_rt_violations();
  std::atomic<bool> stop{false};
  std::atomic<uint32_t> graph_inputs_seen{0};
  // The graph side: 64-frame blocks every 1.333 ms, a constant on its output.
  std::thread graph([&] {
    AudioBuffer out(2, 64);
    auto next = std::chrono::steady_clock::now();
    for (int64_t t = 0; !stop.load() && t < 48000 * 2; t += 64) {
      {
        AudioSection section;
        HostIo host;
        host.output = out.view();
        for (uint32_t c = 0; c < 2; ++c) std::fill(out.view().channel(c), out.view().channel(c) + 64, 0.25f);
        bridge.graph_input(SampleTime{t}, 64, host);
        if (host.input.channel_count == 2 && host.input.frames == 64) graph_inputs_seen.fetch_add(1);
        if (host.event_input_count == 1) graph_events_seen.fetch_add(host.event_input[0]->size());
        if (host.event_output_count == 1) host.event_output[0]->push(UmpEvent{10, {0x20903c64u, 0, 0, 0}});
        bridge.graph_output(64, host);
      }
      next += std::chrono::microseconds(1333);
      std::this_thread::sleep_until(next);
    }
  });
  // The device side, here on this thread: 128-frame periods.
  AudioBuffer in(2, 128), out(2, 128);
  EventBuffer device_in, device_out;
  device_in.push(UmpEvent{5, {0x20903c64u, 0, 0, 0}});
  const EventBuffer* device_in_ptr = &device_in;
  EventBuffer* device_out_ptr = &device_out;
  for (uint32_t c = 0; c < 2; ++c) std::fill(in.view().channel(c), in.view().channel(c) + 128, 0.5f);
  int carried = 0;  // device periods that played the graph's 0.25
  auto next = std::chrono::steady_clock::now();
  for (int64_t t = 0; t < 48000; t += 128) {
    AudioSection section;
    HostIo host;
    host.input = in.view().as_const();
    host.output = out.view();
    host.event_input = &device_in_ptr;
    host.event_input_count = 1;
    host.event_output = &device_out_ptr;
    host.event_output_count = 1;
    device_out.clear();
    bridge.device_block(SampleTime{t}, 128, host);
    device_events_seen += device_out.size();
    if (std::fabs(out.view().channel(1)[127] - 0.25f) < 1e-3f) ++carried;
    next += std::chrono::microseconds(2667);
    std::this_thread::sleep_until(next);
  }
  // A period of another length: silence, counted.
  {
    AudioBuffer odd(2, 100);
    HostIo host;
    host.output = odd.view();
    std::fill(odd.view().channel(0), odd.view().channel(0) + 100, 1.0f);
    bridge.device_block(SampleTime{48000}, 100, host);
    EXPECT_EQ(odd.view().channel(0)[50], 0.0f);
  }
  stop.store(true);
  graph.join();
  EXPECT_EQ(test::rt_violations().total(), 0u) << test::rt_violations().first;
  EXPECT_GT(graph_inputs_seen.load(), 100u);
  EXPECT_EQ(bridge.mismatched_periods(), 1u);
  ASSERT_NE(bridge.playback(), nullptr);
  ASSERT_NE(bridge.capture(), nullptr);
  // Once the playback bridge holds its 20 ms, it carries the graph's 0.25
  // (the resampler passes a constant through, to float precision): most of
  // the 375 periods, however the two threads were scheduled.
  EXPECT_GT(carried, 150);
  // Events: one per device period into the graph (375 sent), one per graph
  // block out (~750 sent); most arrive (the rest wait in the queues for
  // audio that has not been played yet when the run stops).
  EXPECT_GT(graph_events_seen.load(), 250u);
  EXPECT_GT(device_events_seen, 500u);
  EXPECT_EQ(bridge.events_dropped(), 0u);
}

TEST(DeviceBridge, OneDirectionOnly) {
  DeviceBridgeOptions o;
  o.capture_channels = 0;
  o.playback_channels = 1;
  auto made = DeviceBridge::create(o);
  ASSERT_TRUE(made) << made.error().to_string();
  EXPECT_EQ((*made)->capture(), nullptr);
  EXPECT_NE((*made)->playback(), nullptr);
  HostIo host;
  (*made)->graph_input(SampleTime{0}, 64, host);  // no capture: the input stays as it was
  EXPECT_EQ(host.input.channel_count, 0u);
}

}  // namespace
}  // namespace ac
