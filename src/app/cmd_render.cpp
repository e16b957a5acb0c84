// `audiocloud render GRAPH.yaml [-o out.wav] [--duration 10s]`
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numeric>

#include "app/commands.h"
#include "app/progress_bar.h"
#include "app/recorder_report.h"
#include "app/registry.h"
#include "core/decibels.h"
#include "dsp/file_recorder.h"
#include "dsp/meter.h"
#include "graph/compiler.h"
#include "graph/cost_sampler.h"
#include "graph/deadline_report.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"
#include "graph/parallel_executor.h"
#include "graph/plan_handover.h"
#include "graph/plan_report.h"
#include "graph/time_spec.h"
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

}  // namespace

int run_render(const RenderArgs& args) {
  const NodeRegistry registry = default_registry();
  auto graph = load_graph_file(args.graph, registry);
  if (!graph) {
    std::cerr << graph.error().to_string() << "\n";
    return 1;
  }
  if (graph->clock.source == GraphClock::Source::ptp)
    std::fprintf(stderr, "note: the graph's clock is ptp; an offline render runs from sample 0 as fast as it can\n");
  int64_t frames = graph->duration_frames.value_or(static_cast<int64_t>(std::llround(graph->sample_rate * 10.0)));
  if (!args.duration.empty()) {
    auto d = parse_duration(args.duration, TimeContext{graph->sample_rate, graph->tempo_bpm, graph->beats_per_bar});
    if (!d) {
      std::cerr << "--duration: " << d.error().message << "\n";
      return 1;
    }
    frames = *d;
  }
  RenderOptions options;
  options.frames = frames;
  // Without --threads, a pool is used only where the graph can keep it busy:
  // a chain runs fastest on one thread.
  uint32_t threads = args.threads;
  if (threads == 0) threads = graph_parallelism(*graph) >= 2.0 ? ParallelExecutor::available_cpus() : 1;
  auto plan = compile(*graph, CompileOptions{false, threads});
  if (!plan) {
    std::cerr << plan.error().to_string() << "\n";
    return 1;
  }
  if (!args.no_output && (*plan)->host_output_node != kNoIndex) {
    options.output_path = args.output.empty() ? default_output_for(args.graph) : args.output;
  } else if (!args.output.empty() && !args.no_output) {
    options.output_path = args.output;  // render_offline explains that there is no output node
  }
  if (!args.format.empty()) {
    auto f = file_format_from_name(args.format);
    if (!f) {
      std::cerr << "--format: " << f.error().message << "\n";
      return 1;
    }
    options.format = *f;
  }
  auto enc = encoding_from_name(args.encoding);
  if (!enc) {
    std::cerr << "--encoding: " << enc.error().message << "\n";
    return 1;
  }
  options.encoding = *enc;

  Plan& p = **plan;
  std::unique_ptr<Executor> executor;
  if (threads > 1) {
    executor = std::make_unique<ParallelExecutor>(ParallelExecutorOptions{threads, 0, 20000});
  } else {
    executor = std::make_unique<SerialExecutor>();
  }
  options.executor = executor.get();
  std::vector<std::pair<std::string, MeterNode*>> meters;
  RecorderList recorders;
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    if (auto* m = dynamic_cast<MeterNode*>(p.nodes[i].get())) meters.emplace_back(p.node_ids[i], m);
    if (auto* r = dynamic_cast<FileRecorderNode*>(p.nodes[i].get())) recorders.emplace_back(p.node_ids[i], r);
  }
  ProgressBar bar(!args.quiet);
  options.progress = [&](int64_t done, int64_t total) {
    for (auto& [id, m] : meters) m->poll();  // keeps the meters' rings drained
    bar.update(done, total, p.config.sample_rate);
  };
  options.progress_every = 64;
  // With several threads, the schedule is rebalanced once by what each node
  // typically cost in the first second, as `run` does: the same node
  // instances go on, so the output is bit-identical.
  Plan* last = &p;
  std::unique_ptr<Plan> rebalanced;
  CostSampler costs;
  bool tried = false;
  if (threads > 1) {
    costs.follow(p);
    options.replan = [&](int64_t done) -> Plan* {
      if (tried) return nullptr;
      costs.sample();
      if (static_cast<double>(done) < p.config.sample_rate || !costs.ready()) return nullptr;
      tried = true;
      auto next = rebalanced_plan(*graph, p, costs, CompileOptions{false, threads});
      if (!next || !*next) return nullptr;
      carry_counters(p, **next);
      rebalanced = std::move(*next);
      last = rebalanced.get();
      return last;
    };
  }
  auto result = render_offline(p, options);
  bar.finish();
  if (!result) {
    std::cerr << result.error().to_string() << "\n";
    return 2;
  }

  const double audio_seconds = static_cast<double>(result->frames) / p.config.sample_rate;
  std::printf("rendered %.3f s of audio (%lld frames at %g Hz, block %u) in %.3f s: %.1fx real time, %u thread%s\n",
              audio_seconds, static_cast<long long>(result->frames), p.config.sample_rate, p.config.max_block,
              result->wall_seconds, result->wall_seconds > 0 ? audio_seconds / result->wall_seconds : 0.0, threads,
              threads == 1 ? "" : "s");
  if (rebalanced) std::printf("threads rebalanced after 1 s by the nodes' measured costs\n");
  if (!options.output_path.empty()) {
    std::printf("wrote %s (%u channels, %s)\n", options.output_path.c_str(), p.host_output_channels,
                encoding_name(options.encoding));
    for (size_t c = 0; c < result->channels.size(); ++c) {
      std::printf("  out[%zu]  peak %s  rms %s\n", c, dbfs(result->channels[c].peak).c_str(),
                  dbfs(result->channels[c].rms).c_str());
    }
  }
  for (auto& [id, m] : meters) {
    const auto& r = m->poll();
    for (size_t c = 0; c < r.size(); ++c) {
      std::printf("  meter %s[%zu]  peak %s  rms %s\n", id.c_str(), c, dbfs(r[c].peak_total).c_str(),
                  dbfs(r[c].rms_total).c_str());
    }
  }
  int status = 0;
  if (!report_recorders(recorders)) status = 2;
  const Plan& ran = *last;  // its counters hold the whole render's
  const DeadlineReport deadlines = read_deadline_report(ran);
  std::string path;
  for (const auto& id : deadlines.critical_path) path += (path.empty() ? "" : " -> ") + id;
  std::printf("dsp load: mean %.2f%%, worst block %.2f%% of its period; critical path %s (%.1f us per block)\n",
              100.0 * deadlines.load_mean, 100.0 * deadlines.load_max, path.c_str(), deadlines.critical_path_us);
  for (const auto& id : bypassed_nodes(ran)) std::printf("  %s was BYPASSED: it overran its budget\n", id.c_str());
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    if (const std::string why = p.nodes[i]->fault(); !why.empty()) {
      std::fprintf(stderr, "node '%s': %s\n", p.node_ids[i].c_str(), why.c_str());
    }
  }
  // CPU share per node (read halves and write halves of one node add up).
  std::vector<double> per_node(p.nodes.size(), 0.0);
  for (size_t s = 0; s < ran.steps.size(); ++s) per_node[ran.steps[s].node] += result->step_seconds[s];
  const double total = std::accumulate(per_node.begin(), per_node.end(), 0.0);
  std::vector<size_t> order(per_node.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return per_node[a] > per_node[b]; });
  std::printf("cpu: %.3f s on the render thread%s; per node:\n", result->cpu_seconds,
              threads > 1 ? " (workers not counted)" : "");
  for (size_t i : order) {
    std::printf("  %5.1f%%  %-16s %-14s %.3f ms per audio second\n", total > 0 ? 100.0 * per_node[i] / total : 0.0,
                p.node_ids[i].c_str(), p.node_types[i].c_str(),
                audio_seconds > 0 ? 1000.0 * per_node[i] / audio_seconds : 0.0);
  }
  return status;
}

}  // namespace ac
