#pragma once
// `audiocloud render` as a session: load the graph, compile one Plan, open
// the offline driver (through the driver registry, as `run` opens its
// drivers), render on its thread while this one waits, then report levels,
// recorders, the deadline report and each node's CPU. With several threads
// the schedule is rebalanced once, between blocks, by what each node
// typically cost in the first second, as `run` does; the output stays
// bit-identical.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "app/commands.h"
#include "app/progress_bar.h"
#include "app/recorder_report.h"
#include "dsp/sound_file.h"
#include "graph/cost_sampler.h"
#include "graph/executor.h"
#include "graph/graph.h"
#include "graph/node_registry.h"
#include "graph/plan.h"
#include "io/driver.h"

namespace ac {

// What a render did not do as the graph said: timed events past its end,
// MIDI events dropped by full buffers.
struct RenderCounts {
  uint64_t events_ignored = 0;
  uint64_t events_dropped = 0;
};

class RenderSession {
 public:
  explicit RenderSession(const RenderArgs& args);
  ~RenderSession();
  RenderSession(const RenderSession&) = delete;
  RenderSession& operator=(const RenderSession&) = delete;

  // [control] The whole render; the exit code (app/exit_codes.h).
  int run();

 private:
  Expected<void> load_graph();
  Expected<void> compile_plan();
  Expected<void> open_driver();
  Expected<void> activate();
  Expected<void> render();
  int report();
  RenderCounts counts() const;
  void warn(const RenderCounts& counts) const;
  nlohmann::json summarise(const RenderCounts& counts) const;
  void print_text(const nlohmann::json& summary) const;
  // [driver thread] One block, and the one-time rebalance before it.
  void on_block(SampleTime time, FrameCount frames, HostIo& host) noexcept;
  Plan* maybe_rebalance(int64_t done);

  RenderArgs args_;
  NodeRegistry registry_;  // the graph's node types point into it
  Graph graph_;
  int64_t frames_ = 0;
  uint32_t threads_ = 1;
  std::string output_path_;
  SampleEncoding encoding_ = SampleEncoding::pcm24;
  std::unique_ptr<Plan> plan_;
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<Driver> driver_;
  std::unique_ptr<ProgressBar> bar_;
  std::vector<std::pair<std::string, LevelSource*>> meters_;
  RecorderList recorders_;
  // Rebalancing: the Plan that took over (its counters hold the whole
  // render's), and what the costs were sampled from.
  Plan* running_ = nullptr;
  std::unique_ptr<Plan> rebalanced_;
  CostSampler costs_;
  bool tried_ = false;
};

}  // namespace ac
