#pragma once
// What a control thread may read from or hand to a running node, without
// knowing its type: levels a node measures (a meter) and events from
// outside the graph (an `osc_events` node). A node offers them through
// Node::levels() and Node::inlet(); control surfaces (OSC, later HTTP) use
// only these interfaces, so they need no dsp or midi types.
#include <cstdint>
#include <vector>

namespace ac {

// One channel's levels as a meter measured them, linear full scale.
struct LevelReading {
  float peak = 0.0f;        // largest |x| since the previous poll
  double rms = 0.0;         // since the previous poll
  float peak_total = 0.0f;  // since the start
  double rms_total = 0.0;   // since the start
};

class LevelSource {
 public:
  virtual ~LevelSource() = default;
  // [control] Drains what the audio thread measured since the last call;
  // one reading per channel. One control thread at a time.
  virtual const std::vector<LevelReading>& poll_levels() = 0;
};

class EventInlet {
 public:
  virtual ~EventInlet() = default;
  // [control] Queues a UMP packet for sample time `at` (negative: as soon
  // as possible). Lock-free; false when the queue is full.
  virtual bool post(int64_t at, const uint32_t (&words)[4]) noexcept = 0;
};

}  // namespace ac
