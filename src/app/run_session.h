#pragma once
// `audiocloud run` as a session: one graph, the engine that runs it, one
// driver, the control inputs that steer it (stdin, the control socket, OSC),
// what it says while it runs, and a clean shutdown. `audiocloud node` will
// run its graph parts in the same way. The steps, in order:
//
//   open():  load the graph -> lock the PTP clock (clock: ptp) -> open the
//            driver -> build the engine
//   run():   start the driver -> open the control inputs -> serve them and
//            report until stopped -> stop the driver -> the summary
//
// Threads: the block callback (on_block) runs on the driver's thread and
// only touches the engine's audio-side API and lock-free counters; every
// other member runs on the thread that calls run().
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/control_inputs.h"
#include "app/graph_ptp.h"
#include "app/live_graph.h"
#include "app/media_clock_lag.h"
#include "app/run_report.h"
#include "core/clock_map.h"
#include "graph/engine.h"
#include "graph/executor.h"
#include "graph/node_registry.h"
#include "io/driver.h"

namespace ac {

class RunSession {
 public:
  // [control] Everything up to a driver ready to start; errors are the
  // user's to read (file:line:column where there is one).
  static Expected<std::unique_ptr<RunSession>> open(const RunArgs& args);
  ~RunSession();
  RunSession(const RunSession&) = delete;
  RunSession& operator=(const RunSession&) = delete;

  // [control] Runs until SIGINT/SIGTERM, /transport/stop, the duration, or
  // a driver failure. Returns the exit code: 0, 1 (the driver failed or a
  // control input could not open), 2 (a recorder could not write).
  int run();

 private:
  explicit RunSession(const RunArgs& args);
  Expected<void> load_graph();
  Expected<void> start_clock();
  Expected<void> open_driver();
  Expected<void> build_engine();
  Expected<void> open_inputs();
  // [driver thread] One block.
  void on_block(SampleTime time, FrameCount frames, HostIo& host) noexcept;
  // One turn of the control loop: false once the run should end.
  bool serve();
  void poll_inputs();
  void maintain_engine();
  void print_status();
  int summary();
  std::string ptp_status() const;

  RunArgs args_;
  NodeRegistry registry_;
  std::string source_;      // the graph file's text
  uint32_t threads_ = 1;    // --threads, resolved
  Graph graph_;             // as loaded (the engine holds the running one)
  int64_t limit_ = -1;      // --duration, frames (-1: none)
  std::string files_root_;  // --allow-files, canonical ("": network patches touch no files)
  GraphPtp ptp_;            // clock: ptp
  bool tty_ = false;
  bool realtime_said_ = false;  // the driver's real-time refusal was said
  // Declared before the engine: the engine's compile options hold the
  // driver's slot map, and the driver is stopped before either goes.
  std::unique_ptr<Driver> driver_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<LiveGraph> live_;
  std::vector<std::unique_ptr<ControlInput>> inputs_;
  std::unique_ptr<ClockMap> clock_;  // sample times <-> the system clock (OSC timetags)
  MediaClockLag lag_;
  OutputPeaks peaks_;
  BlockStallWatch stall_watch_;
  NodeTroubles troubles_;
  std::chrono::steady_clock::time_point last_status_{};
};

}  // namespace ac
