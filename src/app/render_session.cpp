#include "app/render_session.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <thread>

#include "app/registry.h"
#include "core/cycle_clock.h"
#include "core/decibels.h"
#include "dsp/file_recorder.h"
#include "graph/compiler.h"
#include "graph/deadline_report.h"
#include "graph/graph_loader.h"
#include "graph/parallel_executor.h"
#include "graph/plan_handover.h"
#include "graph/plan_report.h"
#include "graph/time_spec.h"
#include "io/driver_registry.h"
#include "io/offline_driver.h"

namespace ac {
namespace {

std::string dbfs(double v) {
  char buf[32];
  if (v <= 0.0) return "  -inf dBFS";
  std::snprintf(buf, sizeof buf, "%6.1f dBFS", gain_to_db(v));
  return buf;
}

std::string default_output_for(const std::string& graph_path) {
  std::string base = graph_path.substr(graph_path.rfind('/') == std::string::npos ? 0 : graph_path.rfind('/') + 1);
  const size_t dot = base.rfind('.');
  if (dot != std::string::npos && dot > 0) base = base.substr(0, dot);
  return base + ".wav";
}

void deactivate_all(Plan& plan) {
  for (auto& n : plan.nodes) n->deactivate();
}

// Exit codes: bad input, and I/O (or an internal failure).
constexpr int kBadInput = 1;
constexpr int kIoFailure = 2;

}  // namespace

RenderSession::RenderSession(const RenderArgs& args) : args_(args), registry_(default_registry()) {}

RenderSession::~RenderSession() {
  if (driver_) driver_->stop();
}

int RenderSession::run() {
  for (auto step : {&RenderSession::load_graph, &RenderSession::compile_plan}) {
    if (auto ok = (this->*step)(); !ok) {
      std::fprintf(stderr, "%s\n", ok.error().to_string().c_str());
      return kBadInput;
    }
  }
  for (auto step : {&RenderSession::open_driver, &RenderSession::activate, &RenderSession::render}) {
    if (auto ok = (this->*step)(); !ok) {
      std::fprintf(stderr, "%s\n", ok.error().to_string().c_str());
      return kIoFailure;
    }
  }
  return report();
}

Expected<void> RenderSession::load_graph() {
  auto graph = load_graph_file(args_.graph, registry_);
  if (!graph) return unexpected(graph.error());
  graph_ = std::move(*graph);
  if (graph_.clock.source == GraphClock::Source::ptp)
    std::fprintf(stderr, "note: the graph's clock is ptp; an offline render runs from sample 0 as fast as it can\n");
  frames_ = graph_.duration_frames.value_or(static_cast<int64_t>(std::llround(graph_.sample_rate * 10.0)));
  if (!args_.duration.empty()) {
    auto d = parse_duration(args_.duration, TimeContext{graph_.sample_rate, graph_.tempo_bpm, graph_.beats_per_bar});
    if (!d) return unexpected(make_error(ErrorDomain::app, "--duration: " + d.error().message));
    frames_ = *d;
  }
  if (!args_.format.empty()) {
    if (auto f = file_format_from_name(args_.format); !f)
      return unexpected(make_error(ErrorDomain::app, "--format: " + f.error().message));
  }
  auto encoding = encoding_from_name(args_.encoding);
  if (!encoding) return unexpected(make_error(ErrorDomain::app, "--encoding: " + encoding.error().message));
  encoding_ = *encoding;
  return {};
}

Expected<void> RenderSession::compile_plan() {
  // Without --threads, a pool is used only where the graph can keep it
  // busy: a chain runs fastest on one thread.
  threads_ = args_.threads;
  if (threads_ == 0) threads_ = graph_parallelism(graph_) >= 2.0 ? ParallelExecutor::available_cpus() : 1;
  auto plan = compile(graph_, CompileOptions{false, threads_});
  if (!plan) return unexpected(plan.error());
  plan_ = std::move(*plan);
  running_ = plan_.get();
  if (threads_ > 1)
    executor_ = std::make_unique<ParallelExecutor>(ParallelExecutorOptions{threads_, 0, 20000});
  else
    executor_ = std::make_unique<SerialExecutor>();
  for (size_t i = 0; i < plan_->nodes.size(); ++i) {
    if (LevelSource* m = plan_->nodes[i]->levels()) meters_.emplace_back(plan_->node_ids[i], m);
    if (auto* r = dynamic_cast<FileRecorderNode*>(plan_->nodes[i].get()))
      recorders_.emplace_back(plan_->node_ids[i], r);
  }
  return {};
}

Expected<void> RenderSession::open_driver() {
  DriverSetup setup;
  setup.graph = &graph_;
  setup.output_channels = plan_->host_output_channels;
  setup.stop_after_frames = frames_;
  if (!args_.no_output && plan_->host_output_node != kNoIndex) {
    output_path_ = args_.output.empty() ? default_output_for(args_.graph) : args_.output;
  } else if (!args_.output.empty() && !args_.no_output) {
    output_path_ = args_.output;  // the driver explains that there is no output node
  }
  if (!output_path_.empty()) setup.params["output"] = output_path_;
  if (!args_.format.empty()) setup.params["format"] = args_.format;
  setup.params["encoding"] = args_.encoding;
  bar_ = std::make_unique<ProgressBar>(!args_.quiet);
  setup.progress = [this](int64_t done, int64_t total) {
    for (auto& [id, m] : meters_) m->poll_levels();  // keeps the meters' rings drained
    bar_->update(done, total, plan_->config.sample_rate);
  };
  setup.progress_every = 64;
  auto opened = default_drivers().open("offline", setup);
  if (!opened) return unexpected(opened.error());
  driver_ = std::move(*opened);
  return {};
}

Expected<void> RenderSession::activate() {
  for (auto& n : plan_->nodes) {
    if (auto ok = n->activate(); !ok) {
      deactivate_all(*plan_);
      driver_->abandon();
      return unexpected(ok.error());
    }
  }
  return {};
}

Plan* RenderSession::maybe_rebalance(int64_t done) {
  if (tried_) return nullptr;
  costs_.sample();
  if (static_cast<double>(done) < plan_->config.sample_rate || !costs_.ready()) return nullptr;
  tried_ = true;
  auto next = rebalanced_plan(graph_, *plan_, costs_, CompileOptions{false, threads_});
  if (!next || !*next) return nullptr;
  carry_counters(*plan_, **next);
  rebalanced_ = std::move(*next);
  return rebalanced_.get();
}

void RenderSession::on_block(SampleTime t, FrameCount frames, HostIo& host) noexcept {
  if (threads_ > 1 && t.value > 0) {
    if (Plan* next = maybe_rebalance(t.value)) {
      skip_past_events(*next, t);
      running_ = next;
    }
  }
  executor_->run(*running_, t, frames, &host);
}

Expected<void> RenderSession::render() {
  if (threads_ > 1) costs_.follow(*plan_);
  auto started = driver_->start([this](SampleTime t, FrameCount frames, HostIo& host) { on_block(t, frames, host); });
  if (!started) {
    deactivate_all(*plan_);
    return started;
  }
  while (!driver_->status().finished) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  driver_->stop();
  deactivate_all(*running_);
  bar_->finish();
  return {};
}

int RenderSession::report() {
  const DriverStatus st = driver_->status();
  if (!st.failure.empty()) {
    std::fprintf(stderr, "%s\n", st.failure.c_str());
    return kIoFailure;
  }
  const auto& offline = dynamic_cast<const OfflineDriver&>(*driver_);  // the registry's "offline"
  const Plan& p = *plan_;
  const double audio_seconds = static_cast<double>(st.frames) / p.config.sample_rate;
  std::printf("rendered %.3f s of audio (%lld frames at %g Hz, block %u) in %.3f s: %.1fx real time, %u thread%s\n",
              audio_seconds, static_cast<long long>(st.frames), p.config.sample_rate, p.config.max_block,
              offline.wall_seconds(), offline.wall_seconds() > 0 ? audio_seconds / offline.wall_seconds() : 0.0,
              threads_, threads_ == 1 ? "" : "s");
  if (rebalanced_) std::printf("threads rebalanced after 1 s by the nodes' measured costs\n");
  if (!output_path_.empty()) {
    std::printf("wrote %s (%u channels, %s)\n", output_path_.c_str(), p.host_output_channels, encoding_name(encoding_));
    const auto& channels = offline.channels();
    for (size_t c = 0; c < channels.size(); ++c)
      std::printf("  out[%zu]  peak %s  rms %s\n", c, dbfs(channels[c].peak).c_str(), dbfs(channels[c].rms).c_str());
  }
  for (auto& [id, m] : meters_) {
    const auto& r = m->poll_levels();
    for (size_t c = 0; c < r.size(); ++c)
      std::printf("  meter %s[%zu]  peak %s  rms %s\n", id.c_str(), c, dbfs(r[c].peak_total).c_str(),
                  dbfs(r[c].rms_total).c_str());
  }
  int status = 0;
  if (!report_recorders(recorders_)) status = kIoFailure;
  const Plan& ran = *running_;  // its counters hold the whole render's
  const DeadlineReport deadlines = read_deadline_report(ran);
  std::string path;
  for (const auto& id : deadlines.critical_path) path += (path.empty() ? "" : " -> ") + id;
  std::printf("dsp load: mean %.2f%%, worst block %.2f%% of its period; critical path %s (%.1f us per block)\n",
              100.0 * deadlines.load_mean, 100.0 * deadlines.load_max, path.c_str(), deadlines.critical_path_us);
  for (const auto& id : bypassed_nodes(ran)) std::printf("  %s was BYPASSED: it overran its budget\n", id.c_str());
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    if (const std::string why = p.nodes[i]->fault(); !why.empty())
      std::fprintf(stderr, "node '%s': %s\n", p.node_ids[i].c_str(), why.c_str());
    for (const std::string& line : p.nodes[i]->counters())
      std::printf("  node %s: %s\n", p.node_ids[i].c_str(), line.c_str());
  }
  // CPU share per node (read halves and write halves of one node add up).
  const double tps = cycle_ticks_per_second();
  std::vector<double> per_node(p.nodes.size(), 0.0);
  for (size_t s = 0; s < ran.steps.size(); ++s)
    per_node[ran.steps[s].node] += static_cast<double>(ran.run.counters[s].ticks.load(std::memory_order_relaxed)) / tps;
  const double total = std::accumulate(per_node.begin(), per_node.end(), 0.0);
  std::vector<size_t> order(per_node.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return per_node[a] > per_node[b]; });
  std::printf("cpu: %.3f s on the render thread%s; per node:\n", offline.cpu_seconds(),
              threads_ > 1 ? " (workers not counted)" : "");
  for (size_t i : order) {
    std::printf("  %5.1f%%  %-16s %-14s %.3f ms per audio second\n", total > 0 ? 100.0 * per_node[i] / total : 0.0,
                p.node_ids[i].c_str(), p.node_types[i].c_str(),
                audio_seconds > 0 ? 1000.0 * per_node[i] / audio_seconds : 0.0);
  }
  return status;
}

int run_render(const RenderArgs& args) {
  RenderSession session(args);
  return session.run();
}

}  // namespace ac
