#include "app/render_session.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>
#include <thread>

#include "app/exit_codes.h"
#include "app/registry.h"
#include "app/stop_request.h"
#include "app/thread_count.h"
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

// `path` as one shell word: as is when it holds only safe characters,
// otherwise in single quotes (a quote inside becomes '\'').
std::string shell_quoted(const std::string& path) {
  const bool safe = !path.empty() && path.find_first_not_of(
                                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789/._-+,:@%") == std::string::npos;
  if (safe) return path;
  std::string out = "'";
  for (const char c : path) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
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

constexpr int kBadInput = kExitBadInput;
constexpr int kIoFailure = kExitIo;

// Refuses an output path the writer could only fail on, in the words a
// user needs: a directory, or a folder that does not exist.
Expected<void> check_output_path(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return unexpected(make_error(ErrorDomain::app, "-o " + path + ": is a directory; name a file in it"));
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {};
  const std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  if (::stat(dir.c_str(), &st) != 0)
    return unexpected(make_error(ErrorDomain::app, "-o " + path + ": no such directory '" + dir + "'"));
  if (!S_ISDIR(st.st_mode))
    return unexpected(make_error(ErrorDomain::app, "-o " + path + ": '" + dir + "' is not a directory"));
  return {};
}

}  // namespace

RenderSession::RenderSession(const RenderArgs& args) : args_(args), registry_(default_registry()) {}

RenderSession::~RenderSession() {
  if (driver_) driver_->stop();
}

int RenderSession::run() {
  install_stop_signals();
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
  GraphOverrides overrides;
  if (args_.sample_rate > 0) overrides.sample_rate = args_.sample_rate;
  if (args_.block > 0) overrides.block_size = args_.block;
  auto graph = load_graph_file(args_.graph, registry_, overrides);
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
  const uint32_t cpus = ParallelExecutor::available_cpus();
  auto threads = parse_thread_count(args_.threads, cpus, graph_parallelism(graph_) >= 2.0 ? cpus : 1);
  if (!threads) return unexpected(threads.error());
  threads_ = threads->threads;
  if (!threads->warning.empty()) std::fprintf(stderr, "warning: %s\n", threads->warning.c_str());
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
  if (!args_.no_output && plan_->host_output_node != kNoIndex) {
    output_path_ = args_.output.empty() ? default_output_for(args_.graph) : args_.output;
  } else if (!args_.output.empty() && !args_.no_output) {
    output_path_ = args_.output;  // the driver explains that there is no output node
  }
  if (!output_path_.empty()) return check_output_path(output_path_);
  return {};
}

Expected<void> RenderSession::open_driver() {
  DriverSetup setup;
  setup.graph = &graph_;
  setup.output_channels = plan_->host_output_channels;
  setup.stop_after_frames = frames_;
  if (!output_path_.empty()) setup.params["output"] = output_path_;
  if (!args_.format.empty()) setup.params["format"] = args_.format;
  setup.params["encoding"] = args_.encoding;
  bar_ = std::make_unique<ProgressBar>(!args_.quiet && !args_.json);
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
  // Ctrl-C or SIGTERM ends the render where it is; the driver's thread
  // then closes the file with what was rendered (a valid header).
  while (!driver_->status().finished) {
    if (stop_requested()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  driver_->stop();
  deactivate_all(*running_);
  bar_->finish();
  return {};
}

// Warnings a user must not miss, on stderr whatever -q or --json say:
// clipping, events the render never reached, events dropped.
void RenderSession::warn(const RenderCounts& n) const {
  const auto& channels = dynamic_cast<const OfflineDriver&>(*driver_).channels();
  const bool integer = encoding_ != SampleEncoding::float32;
  for (size_t c = 0; c < channels.size() && !output_path_.empty(); ++c) {
    if (channels[c].over_full_scale == 0) continue;
    std::fprintf(stderr, "warning: out[%zu]: %llu samples over full scale (peak %s)%s\n", c,
                 static_cast<unsigned long long>(channels[c].over_full_scale), dbfs(channels[c].peak).c_str(),
                 integer ? " were clipped; lower the level or write --encoding float" : ", kept in the float file");
  }
  if (n.events_ignored)
    std::fprintf(stderr, "warning: %llu timed event%s at or after the end of the render (%.3f s) were not played\n",
                 static_cast<unsigned long long>(n.events_ignored), n.events_ignored == 1 ? "" : "s",
                 static_cast<double>(frames_) / plan_->config.sample_rate);
  if (n.events_dropped)
    std::fprintf(stderr, "warning: %llu MIDI event%s dropped (more than %u in one block on a port)\n",
                 static_cast<unsigned long long>(n.events_dropped), n.events_dropped == 1 ? "" : "s",
                 EventBuffer::kDefaultCapacity);
}

RenderCounts RenderSession::counts() const {
  RenderCounts n;
  for (const TimedEvent& e : graph_.events) n.events_ignored += e.at.value >= frames_;
  for (const Plan* p : {plan_.get(), rebalanced_.get()}) {
    if (!p) continue;
    for (const EventBuffer& b : p->routing.event_buffers) n.events_dropped += b.dropped();
  }
  return n;
}

// Everything the render reports, once: --json prints it, the text report
// is printed from it.
nlohmann::json RenderSession::summarise(const RenderCounts& n) const {
  const DriverStatus st = driver_->status();
  const auto& offline = dynamic_cast<const OfflineDriver&>(*driver_);  // the registry's "offline"
  const Plan& p = *plan_;
  const Plan& ran = *running_;  // its counters hold the whole render's
  const double audio_seconds = static_cast<double>(st.frames) / p.config.sample_rate;
  nlohmann::json j{{"graph", args_.graph},
                   {"frames", st.frames},
                   {"seconds", audio_seconds},
                   {"sample_rate", p.config.sample_rate},
                   {"block", p.config.max_block},
                   {"wall_seconds", offline.wall_seconds()},
                   {"threads", threads_},
                   {"rebalanced", rebalanced_ != nullptr},
                   {"interrupted", stop_signal() != 0 && st.frames < frames_},
                   {"events_ignored", n.events_ignored},
                   {"events_dropped", n.events_dropped}};
  if (!output_path_.empty()) {
    j["output"] = {
        {"path", output_path_}, {"channels", p.host_output_channels}, {"encoding", encoding_name(encoding_)}};
    for (const auto& c : offline.channels())
      j["output"]["levels"].push_back({{"peak", c.peak}, {"rms", c.rms}, {"over_full_scale", c.over_full_scale}});
  }
  j["meters"] = nlohmann::json::array();
  for (const auto& [id, m] : meters_) {
    const auto& r = m->poll_levels();
    for (size_t c = 0; c < r.size(); ++c)
      j["meters"].push_back({{"node", id}, {"channel", c}, {"peak", r[c].peak_total}, {"rms", r[c].rms_total}});
  }
  j["recorders"] = nlohmann::json::array();
  for (const auto& [id, r] : recorders_) {
    j["recorders"].push_back({{"node", id},
                              {"path", r->path()},
                              {"frames", r->frames_recorded()},
                              {"silent_frames", r->filled_frames()},
                              {"timeline_jumps", r->discontinuities()},
                              {"dropped_frames", r->dropped_frames()}});
  }
  const DeadlineReport deadlines = read_deadline_report(ran);
  j["dsp_load"] = {{"mean", deadlines.load_mean},
                   {"worst_block", deadlines.load_max},
                   {"critical_path", deadlines.critical_path},
                   {"critical_path_us", deadlines.critical_path_us}};
  j["bypassed"] = bypassed_nodes(ran);
  j["cpu_seconds"] = offline.cpu_seconds();
  const double tps = cycle_ticks_per_second();
  std::vector<double> per_node(p.nodes.size(), 0.0);  // read and write halves add up
  for (size_t s = 0; s < ran.steps.size(); ++s)
    per_node[ran.steps[s].node] += static_cast<double>(ran.run.counters[s].ticks.load(std::memory_order_relaxed)) / tps;
  j["nodes"] = nlohmann::json::array();
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    nlohmann::json node{{"id", p.node_ids[i]}, {"type", p.node_types[i]}, {"cpu_seconds", per_node[i]}};
    node["counters"] = p.nodes[i]->counters();
    if (const std::string why = p.nodes[i]->fault(); !why.empty()) node["fault"] = why;
    j["nodes"].push_back(node);
  }
  return j;
}

void RenderSession::print_text(const nlohmann::json& j) const {
  const double seconds = j["seconds"], wall = j["wall_seconds"];
  const uint32_t threads = j["threads"];
  std::printf("rendered %.3f s of audio (%lld frames at %g Hz, block %u) in %.3f s: %.1fx real time, %u thread%s\n",
              seconds, j["frames"].get<long long>(), j["sample_rate"].get<double>(), j["block"].get<uint32_t>(), wall,
              wall > 0 ? seconds / wall : 0.0, threads, threads == 1 ? "" : "s");
  if (j["rebalanced"]) std::printf("threads rebalanced after 1 s by the nodes' measured costs\n");
  if (j.contains("output")) {
    const auto& o = j["output"];
    std::printf("wrote %s (%u channels, %s)\n", o["path"].get<std::string>().c_str(), o["channels"].get<uint32_t>(),
                o["encoding"].get<std::string>().c_str());
    for (size_t c = 0; c < o["levels"].size(); ++c)
      std::printf("  out[%zu]  peak %s  rms %s\n", c, dbfs(o["levels"][c]["peak"]).c_str(),
                  dbfs(o["levels"][c]["rms"]).c_str());
    // What a new user asks next: how do I hear it? A line to paste.
    const std::string quoted = shell_quoted(o["path"].get<std::string>());
    std::printf("listen: aplay %s   (or: play %s)\n", quoted.c_str(), quoted.c_str());
  }
  for (const auto& m : j["meters"])
    std::printf("  meter %s[%zu]  peak %s  rms %s\n", m["node"].get<std::string>().c_str(), m["channel"].get<size_t>(),
                dbfs(m["peak"]).c_str(), dbfs(m["rms"]).c_str());
  (void)report_recorders(recorders_);
  std::string path;
  for (const auto& id : j["dsp_load"]["critical_path"]) path += (path.empty() ? "" : " -> ") + id.get<std::string>();
  std::printf("dsp load: mean %.2f%%, worst block %.2f%% of its period; critical path %s (%.1f us per block)\n",
              100.0 * j["dsp_load"]["mean"].get<double>(), 100.0 * j["dsp_load"]["worst_block"].get<double>(),
              path.c_str(), j["dsp_load"]["critical_path_us"].get<double>());
  for (const auto& id : j["bypassed"])
    std::printf("  %s was BYPASSED: it overran its budget\n", id.get<std::string>().c_str());
  std::vector<const nlohmann::json*> nodes;
  double total = 0;
  for (const auto& n : j["nodes"]) {
    if (n.contains("fault"))
      std::fprintf(stderr, "node '%s': %s\n", n["id"].get<std::string>().c_str(),
                   n["fault"].get<std::string>().c_str());
    for (const auto& line : n["counters"])
      std::printf("  node %s: %s\n", n["id"].get<std::string>().c_str(), line.get<std::string>().c_str());
    nodes.push_back(&n);
    total += n["cpu_seconds"].get<double>();
  }
  std::stable_sort(nodes.begin(), nodes.end(), [](const nlohmann::json* a, const nlohmann::json* b) {
    return (*a)["cpu_seconds"].get<double>() > (*b)["cpu_seconds"].get<double>();
  });
  std::printf("cpu: %.3f s on the render thread%s; per node:\n", j["cpu_seconds"].get<double>(),
              threads > 1 ? " (workers not counted)" : "");
  for (const nlohmann::json* n : nodes) {
    const double cpu = (*n)["cpu_seconds"];
    std::printf("  %5.1f%%  %-16s %-14s %.3f ms per audio second\n", total > 0 ? 100.0 * cpu / total : 0.0,
                (*n)["id"].get<std::string>().c_str(), (*n)["type"].get<std::string>().c_str(),
                seconds > 0 ? 1000.0 * cpu / seconds : 0.0);
  }
}

int RenderSession::report() {
  const DriverStatus st = driver_->status();
  if (!st.failure.empty()) {
    std::fprintf(stderr, "%s\n", st.failure.c_str());
    return kIoFailure;
  }
  const RenderCounts n = counts();
  warn(n);
  const nlohmann::json summary = summarise(n);
  if (args_.json) {
    std::printf("%s\n", summary.dump(2).c_str());
  } else if (!args_.quiet) {
    print_text(summary);
  }
  int status = report_recorders(recorders_, /*quiet=*/true) ? kExitOk : kIoFailure;
  if (const int sig = stop_signal(); sig && st.frames < frames_) {
    std::fprintf(stderr, "interrupted by %s after %.3f s of %.3f s%s\n", sig == SIGINT ? "SIGINT" : "SIGTERM",
                 static_cast<double>(st.frames) / plan_->config.sample_rate,
                 static_cast<double>(frames_) / plan_->config.sample_rate,
                 output_path_.empty() ? "" : ("; " + output_path_ + " holds what was rendered").c_str());
    if (status == kExitOk) status = kExitInterruptedBase + sig;
  }
  return status;
}

int run_render(const RenderArgs& args) {
  RenderSession session(args);
  return session.run();
}

}  // namespace ac
