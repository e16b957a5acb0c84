#pragma once
// One interface for every audio driver: the dummy driver, JACK, ALSA, the
// offline renderer, and later network transports (an AES67 stream, a fabric
// link). A driver owns the thread that runs blocks (its own, or one its
// library gives it, as JACK's process thread) and calls the session's block
// callback once per block with the block's media-clock time, its length and
// the host's audio and event streams. Everything else is on the control
// thread: open (through DriverRegistry), start, stop, status, and the
// checks a graph edit needs (ports to add, channels that must fit).
//
// See docs/architecture.md ("Drivers") for where a new driver goes: one
// file with a class deriving from Driver and an open function, and one line
// in driver_registry.cpp.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/expected.h"
#include "core/sample_time.h"
#include "graph/compiler.h"
#include "graph/graph.h"
#include "graph/node.h"

namespace ac {

class VirtualClock;

// [audio] One block: `frames` (1..the graph's block size) frames whose first
// is at media-clock time `time`. Must not allocate, lock or block.
using BlockCallback = std::function<void(SampleTime time, FrameCount frames, HostIo& host)>;

// What paces a driver's blocks.
enum class DriverClock : uint8_t {
  none,       // offline: as fast as the CPU allows
  monotonic,  // CLOCK_MONOTONIC: a sound card that keeps perfect time (the dummy driver)
  device,     // a device's own crystal: a JACK server, an ALSA card
  media,      // the PTP media clock
};
const char* to_string(DriverClock clock);

// [control] A driver's state, read while it runs. Counters are consistent
// each on its own.
struct DriverStatus {
  uint64_t blocks = 0;          // graph blocks run (calls of the block callback)
  int64_t frames = 0;           // the timeline so far: frames run plus frames skipped by xruns
  uint64_t xruns = 0;           // periods missed or late
  double estimated_rate = 0.0;  // the device's real rate, Hz, as measured (nominal until known)
  DriverClock clock = DriverClock::none;
  FrameCount period = 0;         // frames per device period (JACK's buffer size, ALSA's period)
  bool finished = false;         // stopped by itself: its duration is over, or it failed
  std::string failure;           // why it stopped by itself, when that was a failure ("" otherwise)
  int64_t first_block = -1;      // media clock: the first block's media time (-1 before it ran)
  uint64_t clock_steps = 0;      // media clock: how often the clock moved under the driver
  std::string realtime_warning;  // why real-time scheduling was refused ("" if granted or not asked)
};

// Driver-specific settings by name ("device", "period", "client-name",
// "output" ...), as the command line gives them. Each driver reads the ones
// it knows (DriverInfo::params lists them) and checks their values.
using DriverParams = std::map<std::string, std::string>;

// [control] What a driver is opened with.
struct DriverSetup {
  const Graph* graph = nullptr;    // the graph to run: rate, block, endpoints
  uint32_t output_channels = 0;    // the first Plan's host output width
  int64_t stop_after_frames = -1;  // stop by itself once the timeline reached this (-1: never)
  // clock: ptp — the media clock. A driver with a clock of its own (JACK,
  // ALSA) is then run under a clock bridge and only needs to know that it
  // is (it runs whole periods); the dummy driver paces its blocks by it,
  // from media sample `start_at`.
  const VirtualClock* media_clock = nullptr;
  int64_t start_at = -1;
  bool bridged = false;
  DriverParams params;
  // Offline: called on the driver's thread between blocks, every
  // `progress_every` blocks and at the end (it may allocate and print).
  std::function<void(int64_t done, int64_t total)> progress;
  uint32_t progress_every = 256;
};

// The device side of a driver as a clock bridge needs it.
struct DeviceShape {
  uint32_t capture_channels = 0, playback_channels = 0;
  uint32_t event_inputs = 0, event_outputs = 0;  // host event streams (JACK MIDI ports)
  FrameCount period = 0;
};

// A graph edit as the driver sees it: prepared (checked, nothing changed)
// before the engine compiles the new graph, committed once the engine took
// it. Destroyed without commit(), it leaves the driver as it was.
class DriverEdit {
 public:
  virtual ~DriverEdit() = default;
  // [control] Makes the change (registers ports ...); returns lines to
  // report ("JACK port fx:out_2 added", warnings).
  virtual std::vector<std::string> commit() = 0;
};

class Driver {
 public:
  virtual ~Driver() = default;
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  // [control] Starts calling `block` for every block, on the driver's
  // thread. Errors say what failed (the device, the server).
  virtual Expected<void> start(BlockCallback block) = 0;
  // [control] Stops after the current block, finalises what it writes;
  // idempotent.
  virtual void stop() = 0;
  // [control] Instead of start(): the run will not happen, so what open()
  // created (an output file) is removed.
  virtual void abandon() {}
  // [control] Counters and state, see DriverStatus.
  virtual DriverStatus status() const = 0;
  // [control] What was opened, a line each ("ALSA playback hw:0: 48000 Hz,
  // S32_LE, period 64 x 2, mmap"), said right after open.
  virtual std::vector<std::string> describe() const { return {}; }
  // [control] Whose audio this is, in a few words, for the "running" line
  // ("JACK client fx"; "" for none).
  virtual std::string running_as() const { return {}; }
  // [control] What the session should say once the driver started
  // (connection patterns that matched nothing ...).
  virtual std::vector<std::string> warnings() const { return {}; }
  // [control] What happened since the last call that the user should hear
  // of, a line each ("JACK buffer size is now 256 frames").
  virtual std::vector<std::string> take_notices() { return {}; }
  // [control] Driver-specific lines for the end-of-run summary: counters
  // the generic status does not hold (MIDI events dropped, period changes,
  // a clock bridge's ratio).
  virtual std::vector<std::string> report() const { return {}; }
  // [control] A short text for the live status line ("" for none).
  virtual std::string status_detail() const { return {}; }
  // [control] How the device looks, for a clock bridge (devices only).
  virtual DeviceShape shape() const { return {}; }
  // [control] Which of the driver's event streams each host event endpoint
  // uses, when it is not the endpoints' order (see CompileOptions). Valid
  // as long as the driver lives; it follows prepared edits.
  virtual HostSlotOf host_slots() { return {}; }
  // [control] Checks what graph `next` needs of the driver and prepares it
  // (null: nothing to do). An error (a port name clash, more channels than
  // the device runs) refuses the edit with the reason.
  virtual Expected<std::unique_ptr<DriverEdit>> prepare_edit(const Graph& next);

 protected:
  Driver() = default;
};

// [control] A param's value as an unsigned number, or an error naming it.
Expected<uint32_t> driver_param_uint(const DriverParams& params, const std::string& name, uint32_t fallback);
// [control] A param's value, or `fallback` when it is not given.
std::string driver_param(const DriverParams& params, const std::string& name, const std::string& fallback = {});

}  // namespace ac
