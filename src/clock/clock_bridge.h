#pragma once
// Carries audio from one clock domain into another: from a writer whose
// samples are counted by one crystal (a sound card, a JACK server) to a
// reader counted by another (the PTP media clock, another card). Both run
// the same nominal rate but never quite the same real one, so a fixed FIFO
// between them would fill up or run dry: 100 ppm is 4.8 samples a second at
// 48 kHz.
//
// Each side reports when its blocks happen on one reference clock (the
// caller's choice: CLOCK_MONOTONIC_RAW, or PTP time). A delay-locked loop on
// each side filters those times into a smooth time line; from the writer's
// line the reader knows, at the time of each of its blocks, exactly how many
// input samples exist (fractionally) and so how much latency the FIFO plus
// the resampler hold. A second-order loop steers zita-resampler's variable
// ratio to hold that latency at its target: the ratio the loop settles on is
// the measured ratio of the two domains.
//
// Threads: write() on the writer's thread, read() on the reader's, each
// wait-free with no allocation (a SPSC ring and a seqlock between them);
// status() on any thread.
#include <atomic>
#include <cstdint>
#include <memory>

#include "clock/delay_locked_loop.h"
#include "core/expected.h"
#include "core/spsc_ring.h"

class VResampler;

namespace ac {

struct ClockBridgeOptions {
  uint32_t channels = 2;
  double rate = 48000.0;          // nominal rate of both domains
  uint32_t writer_block = 64;     // frames per write()
  uint32_t reader_block = 64;     // frames per read()
  double target_latency = 0.0;    // frames held; 0 = 2 x the larger block + 16
  uint32_t filter_length = 48;    // zita-resampler hlen (16..96): 48 is > 110 dB clean
  double lock_bandwidth = 0.5;    // Hz, the latency loop while locking
  double final_bandwidth = 0.02;  // Hz, once locked: slow, so its corrections are inaudible
};

struct ClockBridgeStatus {
  bool running = false;         // the reader has started consuming
  bool locked = false;          // the loop has narrowed to its final bandwidth
  double ratio = 1.0;           // reader rate / writer rate, as the loop has learnt it
  double latency_frames = 0.0;  // held latency (input frames, FIFO + resampler)
  double latency_error = 0.0;   // latency minus its target (frames)
  double writer_rate = 0.0;     // each side's rate against the reference clock, from its callback times
  double reader_rate = 0.0;
  uint64_t written = 0, read = 0;
  uint64_t underruns = 0;  // reader found the FIFO empty (silence inserted)
  uint64_t overruns = 0;   // writer found the FIFO full (frames dropped)
  uint64_t resyncs = 0;    // latency so far off that the FIFO was reset
};

class ClockBridge {
 public:
  // [control] Allocates the FIFO and the resampler.
  static Expected<std::unique_ptr<ClockBridge>> create(const ClockBridgeOptions& options);
  ~ClockBridge();
  ClockBridge(const ClockBridge&) = delete;
  ClockBridge& operator=(const ClockBridge&) = delete;

  // [writer] `frames` (== writer_block) frames, one pointer per channel,
  // whose block happened at `time` seconds on the reference clock.
  // `skipped`: frames the writer's stream lost just before this block (its
  // driver skipped blocks after a stall), so its time line moves on by them.
  void write(const float* const* channels, uint32_t frames, double time, uint64_t skipped = 0) noexcept;
  // [reader] Fills `frames` (== reader_block) frames for a block happening
  // at `time` on the same reference clock; `skipped` as for write().
  void read(float* const* channels, uint32_t frames, double time, uint64_t skipped = 0) noexcept;

  // [writer] Frames written so far: the input position of the next frame
  // written (what events crossing with the audio are placed by).
  uint64_t frames_written() const noexcept { return written_; }
  // [reader] The input positions the last read's output came from: its
  // frame k was resampled around begin + k (end - begin) / frames. Empty
  // (begin == end) when the read played silence.
  struct Span {
    double begin = 0.0, end = 0.0;
  };
  Span last_read_span() const noexcept { return read_span_; }

  // [any] A snapshot (each field consistent on its own).
  ClockBridgeStatus status() const noexcept;
  const ClockBridgeOptions& options() const noexcept { return options_; }

 private:
  // [reader] The reader's block time, smoothed by its delay-locked loop
  // (which also learns the reader's rate); `skipped` frames were lost
  // before this block.
  double reader_time(double time, uint64_t skipped) noexcept;
  explicit ClockBridge(const ClockBridgeOptions& options);
  struct WriterClock {
    uint64_t frames = 0;  // frames written so far
    double next = 0.0;    // filtered time at which frame `frames` happens
    double rate = 0.0;    // writer frames per second, filtered
  };
  void publish_writer(const WriterClock& w) noexcept;
  bool load_writer(WriterClock& w) const noexcept;
  double consumed_position() const noexcept;
  uint32_t input_chunk() const noexcept;
  void start_reading(double input_position, double time) noexcept;
  void steer(double error_frames, double time) noexcept;
  bool resample(uint32_t frames) noexcept;  // false: the FIFO ran dry
  void discard(uint64_t frames) noexcept;

  ClockBridgeOptions options_;
  SpscRing<float> fifo_;  // interleaved frames
  // Writer side.
  DelayLockedLoop writer_dll_;
  bool writer_started_ = false;
  uint64_t written_ = 0;  // frames pushed into the FIFO
  std::unique_ptr<float[]> interleave_;
  std::atomic<uint32_t> writer_seq_{0};
  std::atomic<uint64_t> pub_frames_{0};
  std::atomic<double> pub_next_{0.0}, pub_rate_{0.0};
  std::atomic<uint64_t> overruns_{0};
  std::atomic<bool> writer_skipped_{false};  // the writer lost frames: the reader realigns
  // Reader side.
  DelayLockedLoop reader_dll_;
  std::unique_ptr<VResampler> resampler_;
  std::unique_ptr<float[]> input_, output_;
  uint32_t pending_ = 0;     // frames in input_ not yet taken by the resampler
  uint32_t pending_at_ = 0;  // where they start
  uint64_t popped_ = 0;      // frames taken from the FIFO (pending_ of them not yet resampled)
  Span read_span_;           // input positions of the last read's output
  bool reader_started_ = false;
  bool reading_ = false;
  bool ever_started_ = false;
  double started_at_ = 0.0;
  double integral_ = 0.0;  // the loop's integrator: the learnt ratio error
  double last_time_ = 0.0;
  double bandwidth_ = 0.0;
  // Published by the reader for status().
  std::atomic<bool> pub_running_{false}, pub_locked_{false};
  std::atomic<double> pub_ratio_{1.0}, pub_latency_{0.0}, pub_error_{0.0}, pub_reader_rate_{0.0};
  std::atomic<uint64_t> read_{0}, underruns_{0}, resyncs_{0};
};

}  // namespace ac
