#pragma once
// What `audiocloud run` says while it runs and when it stops: output peaks
// measured on the audio thread, the live status line, nodes the overrun
// policy bypassed or that stopped working (said once each time), and the
// end-of-run summary.
#include <array>
#include <atomic>
#include <cstdint>
#include <set>
#include <string>

#include "core/audio_view.h"
#include "graph/engine.h"
#include "io/driver.h"

namespace ac {

// Output peaks for the status line: the audio thread raises them, the
// status line reads and resets them (a lost race only loses one peak).
class OutputPeaks {
 public:
  static constexpr uint32_t kChannels = 16;
  // [audio] The block's output.
  void add(const AudioView& output, FrameCount frames) noexcept;
  // [control] Peak dBFS of channels [0, count) since the last call (-120
  // for silence), as " -6.0 -6.0", and reset.
  std::string take_dbfs(uint32_t count);

 private:
  std::array<std::atomic<float>, kChannels> peaks_{};
};

// Nodes that stopped doing their work, said once on stderr each time they
// do: bypassed by the overrun policy, or faulted (a trapped plug-in).
class NodeTroubles {
 public:
  // [control] Says what is new since the last call.
  void check(const Engine& engine, bool tty);
  // [control] A restored node is said again when it fails again.
  void forget(const std::string& id) { bypassed_.erase(id); }

 private:
  std::set<std::string> bypassed_, faulted_;
};

// A driver that stopped calling the graph, said when it happens and when
// it ends: the audio thread blocked, or a server (JACK) that no longer runs
// this client, which would otherwise show only as a frozen timeline.
class BlockStallWatch {
 public:
  static constexpr double kSeconds = 2.0;  // longer than any period a driver has
  // [control] The driver's block count now, `now_s` seconds on a steady
  // clock; returns what to say ("" when nothing changed).
  std::string check(uint64_t blocks, uint64_t xruns, double now_s);

 private:
  uint64_t blocks_ = 0, xruns_at_stall_ = 0;
  double moved_at_ = -1.0;
  bool stalled_ = false;
};

// [control] The live status line: time on the timeline, DSP load, xruns,
// swaps, the driver's rate and detail, peaks, and `extra` (the PTP state).
std::string status_line(const Engine& engine, const DriverStatus& driver, const std::string& detail, double sample_rate,
                        OutputPeaks& peaks, const std::string& extra);

}  // namespace ac
