// Events crossing a clock bridge with its audio, in two simulated domains
// (the writer at 48 kHz, the reader's crystal 100 ppm fast, jittery
// callbacks): the writer sends a click (one sample at 1.0) and a note-on at
// the same frame every 100 ms. On the reader's side each note must land on
// the frame where that click's resampled peak is: the audio itself is the
// reference, measured independently of the bridge's bookkeeping.
#include "io/bridged_events.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace ac {
namespace {

struct Domain {
  double rate = 48000.0;
  uint32_t block = 64;
};

struct Crossing {
  std::vector<float> out;             // the reader's audio
  std::vector<int64_t> note_frames;   // where the notes landed, in reader frames
  std::vector<uint32_t> note_values;  // their note numbers, in order
};

Crossing run(const Domain& w, const Domain& r, double seconds, uint32_t click_every, unsigned seed) {
  ClockBridgeOptions o;
  o.channels = 1;
  o.writer_block = w.block;
  o.reader_block = r.block;
  auto made = ClockBridge::create(o);
  EXPECT_TRUE(made);
  ClockBridge& bridge = **made;
  BridgedEvents events;
  EventBuffer in_events, out_events;
  std::mt19937 rng(seed);
  std::normal_distribution<double> jitter(0.0, 30e-6);
  std::vector<float> in(w.block), out(r.block);
  const float* in_ptr[1] = {in.data()};
  float* out_ptr[1] = {out.data()};
  Crossing c;
  uint64_t wk = 0, rk = 0;
  uint32_t note = 0;
  auto time_of = [&](uint64_t k, const Domain& d) { return static_cast<double>((k + 1) * d.block) / d.rate; };
  double tw = time_of(0, w) + jitter(rng), tr = time_of(0, r) + 0.0005 + jitter(rng);
  const auto reader_blocks = static_cast<uint64_t>(seconds * r.rate / r.block);
  while (rk < reader_blocks) {
    if (tw <= tr) {
      std::fill(in.begin(), in.end(), 0.0f);
      in_events.clear();
      for (uint32_t i = 0; i < w.block; ++i) {
        const uint64_t n = wk * w.block + i;
        if (n % click_every != click_every / 2) continue;
        in[i] = 1.0f;
        UmpEvent e;
        e.at = static_cast<FrameOffset>(i);
        e.words[0] = 0x20900000u | ((note++ & 0x7Fu) << 8) | 100u;  // MIDI 1.0 note on, in UMP
        in_events.push(e);
      }
      const uint64_t base = bridge.frames_written();
      bridge.write(in_ptr, w.block, tw);
      events.push(in_events, base);
      ++wk;
      tw = time_of(wk, w) + jitter(rng);
    } else {
      bridge.read(out_ptr, r.block, tr);
      out_events.clear();
      events.pop(bridge.last_read_span(), r.block, out_events);
      for (const UmpEvent& e : out_events.all()) {
        c.note_frames.push_back(static_cast<int64_t>(rk * r.block) + e.at);
        c.note_values.push_back((e.words[0] >> 8) & 0x7Fu);
      }
      c.out.insert(c.out.end(), out.begin(), out.end());
      ++rk;
      tr = time_of(rk, r) + 0.0005 + jitter(rng);
    }
  }
  return c;
}

// Where the resampled click nearest `around` peaks (its largest sample).
int64_t click_peak(const std::vector<float>& x, int64_t around, int64_t radius) {
  int64_t best = -1;
  float peak = 0.0f;
  for (int64_t n = std::max<int64_t>(0, around - radius);
       n < std::min<int64_t>(static_cast<int64_t>(x.size()), around + radius); ++n) {
    if (x[static_cast<size_t>(n)] > peak) {
      peak = x[static_cast<size_t>(n)];
      best = n;
    }
  }
  return peak > 0.5f ? best : -1;
}

void expect_notes_on_their_clicks(const Crossing& c, double skip_seconds) {
  ASSERT_GT(c.note_frames.size(), 50u);
  for (size_t i = 1; i < c.note_values.size(); ++i)
    ASSERT_EQ(c.note_values[i], (c.note_values[i - 1] + 1) & 0x7Fu) << "a note was lost or reordered at " << i;
  int checked = 0, off = 0;
  for (int64_t at : c.note_frames) {
    if (at < static_cast<int64_t>(skip_seconds * 48000)) continue;  // while the bridge locks
    const int64_t peak = click_peak(c.out, at, 200);
    ASSERT_GE(peak, 0) << "no click near the note at frame " << at;
    if (std::llabs(peak - at) > 1) ++off;
    ++checked;
  }
  EXPECT_GT(checked, 40);
  EXPECT_EQ(off, 0) << off << " of " << checked << " notes more than a frame from their click";
}

TEST(BridgedEvents, NotesLandOnTheFrameOfTheAudioTheyCameWith) {
  // Writer 128-frame periods (a device), reader 64-frame blocks (a graph)
  // on a crystal 100 ppm fast; a click and a note every 4800 frames.
  const Crossing c = run(Domain{48000.0, 128}, Domain{48000.0 * 1.0001, 64}, 20.0, 4800, 5);
  expect_notes_on_their_clicks(c, 3.0);
}

TEST(BridgedEvents, TheOtherWayAndSlow) {
  const Crossing c = run(Domain{48000.0, 64}, Domain{48000.0 * 0.9999, 256}, 20.0, 4799, 9);
  expect_notes_on_their_clicks(c, 3.0);
}

// Before the bridge holds its latency the reader plays silence: the events
// wait for their audio rather than arrive ahead of it.
TEST(BridgedEvents, EventsWaitForTheirAudio) {
  BridgedEvents events;
  EventBuffer in, out;
  UmpEvent e;
  e.at = 10;
  in.push(e);
  events.push(in, 1000);  // input position 1010
  events.pop(ClockBridge::Span{0.0, 0.0}, 64, out);
  EXPECT_EQ(out.size(), 0u);
  events.pop(ClockBridge::Span{990.0, 1054.0}, 64, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out.all().begin()->at, 20);
  // An event whose audio was already played (a restart skipped it): frame 0.
  in.clear();
  e.at = 0;
  in.push(e);
  events.push(in, 500);
  out.clear();
  events.pop(ClockBridge::Span{1054.0, 1118.0}, 64, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out.all().begin()->at, 0);
}

}  // namespace
}  // namespace ac
