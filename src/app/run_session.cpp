#include "app/run_session.h"

#include <time.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <thread>

#include "app/exit_codes.h"
#include "app/recorder_report.h"
#include "app/registry.h"
#include "app/stop_request.h"
#include "app/thread_count.h"
#include "clock/media_clock.h"
#include "core/file_access.h"
#include "dsp/file_recorder.h"
#include "graph/graph_file_text.h"
#include "graph/graph_loader.h"
#include "graph/parallel_executor.h"
#include "graph/time_spec.h"
#include "io/driver_registry.h"

namespace ac {
namespace {

Unexpected fail(std::string message) {
  return unexpected(make_error(ErrorDomain::app, std::move(message)));
}

// The width of the graph's host output: what the first Plan's output node takes.
uint32_t output_channels_of(const Graph& graph) {
  for (const GraphNode& n : graph.nodes) {
    if (n.type->is_host_output) return n.layout.inputs.empty() ? 0 : n.layout.inputs[0].channels;
  }
  return 0;
}

std::string list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

RunSession::RunSession(const RunArgs& args) : args_(args), registry_(default_registry()) {}

RunSession::~RunSession() {
  if (driver_) driver_->stop();
}

Expected<std::unique_ptr<RunSession>> RunSession::open(const RunArgs& args) {
  std::unique_ptr<RunSession> s(new RunSession(args));
  for (auto step :
       {&RunSession::load_graph, &RunSession::start_clock, &RunSession::open_driver, &RunSession::build_engine}) {
    if (auto ok = ((*s).*step)(); !ok) return unexpected(ok.error());
  }
  return s;
}

Expected<void> RunSession::load_graph() {
  const std::vector<std::string> drivers = default_drivers().names(/*realtime_only=*/true);
  if (std::find(drivers.begin(), drivers.end(), args_.driver) == drivers.end())
    return fail("--driver " + args_.driver + ": not available in this build (drivers: " + list(drivers) + ")");
  auto threads = parse_thread_count(args_.threads, ParallelExecutor::available_cpus(), 1);
  if (!threads) return unexpected(threads.error());
  threads_ = threads->threads;
  if (!threads->warning.empty()) std::fprintf(stderr, "warning: %s\n", threads->warning.c_str());
  auto text = read_graph_file(args_.graph);
  if (!text) return unexpected(text.error());
  source_ = std::move(*text);
  auto graph = load_graph_text(source_, args_.graph, registry_);
  if (!graph) return unexpected(graph.error());
  graph_ = std::move(*graph);
  if (!args_.duration.empty()) {
    auto d = parse_duration(args_.duration, TimeContext{graph_.sample_rate, graph_.tempo_bpm, graph_.beats_per_bar});
    if (!d) return fail("--duration: " + d.error().message);
    limit_ = *d;
  }
  clock_ = std::make_unique<ClockMap>(graph_.sample_rate);
  if (!args_.allow_files.empty()) {
    auto root = confine_files_beneath(args_.allow_files);
    if (!root) return fail("--allow-files " + root.error().message);
    files_root_ = *root;
  }
  return {};
}

// A graph on the PTP media clock: lock first, then place the graph's
// timeline (its timed events, --duration) at a media time a moment ahead.
Expected<void> RunSession::start_clock() {
  if (graph_.clock.source != GraphClock::Source::ptp) return {};
  auto started = start_ptp_for_graph(args_, graph_);
  if (!started) return unexpected(started.error());
  ptp_ = std::move(*started);
  for (TimedEvent& ev : graph_.events) ev.at.value += ptp_.origin;
  return {};
}

Expected<void> RunSession::open_driver() {
  DriverSetup setup;
  setup.graph = &graph_;
  setup.output_channels = output_channels_of(graph_);
  setup.stop_after_frames = limit_;
  if (ptp_.clock) {
    setup.media_clock = &ptp_.clock->clock();
    setup.start_at = ptp_.origin;
  }
  if (args_.driver == "jack") setup.params["client-name"] = args_.client_name;
  if (!args_.device.empty()) setup.params["device"] = args_.device;
  if (!args_.capture_device.empty()) setup.params["capture-device"] = args_.capture_device;
  if (args_.period) setup.params["period"] = std::to_string(args_.period);
  if (args_.periods) setup.params["periods"] = std::to_string(args_.periods);
  auto opened = default_drivers().open(args_.driver, setup, args_.bridge_latency_ms);
  if (!opened) return unexpected(opened.error());
  driver_ = std::move(*opened);
  for (const std::string& line : driver_->describe()) std::fprintf(stderr, "%s\n", line.c_str());
  return {};
}

Expected<void> RunSession::build_engine() {
  EngineOptions eo;
  eo.threads = threads_;
  eo.host_slot_of = driver_->host_slots();
  if (ptp_.clock) {
    // Block times are the media clock: streams name its grandmaster
    // (RFC 7273: the clock identity as eight hex bytes, and the domain).
    const ptp::ClockIdentity gm = ptp_.clock->confidence().grandmaster;
    std::string id;
    for (const uint8_t b : gm) {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%02X", b);
      id += (id.empty() ? "" : "-") + std::string(hex);
    }
    eo.media_clock = "ptp=IEEE1588-2008:" + id + ":" + std::to_string(unsigned{graph_.clock.domain});
  }
  auto engine = Engine::create(graph_, eo);
  if (!engine) return unexpected(engine.error());
  engine_ = std::move(*engine);
  if (eo.threads > 1)
    executor_ = std::make_unique<ParallelExecutor>(ParallelExecutorOptions{eo.threads, 70, 20000});
  else
    executor_ = std::make_unique<SerialExecutor>();
  live_ = std::make_unique<LiveGraph>(args_.graph, source_, ptp_.origin, registry_, *engine_, *driver_);
  live_->on_restore([this](const std::string& id) { troubles_.forget(id); });
  return {};
}

void RunSession::on_block(SampleTime t, FrameCount frames, HostIo& host) noexcept {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  const int64_t real = int64_t{now.tv_sec} * 1000000000 + now.tv_nsec;
  clock_->update(t, RealtimeNanos{real});
  // On the media clock, how late this block starts by the system clock:
  // an independent check of lock and pacing wherever the system clock is
  // itself synchronised to the grandmaster (the interop tests share one).
  // Modulo whole seconds: whether a grandmaster's PTP time is TAI or the
  // UTC it was given depends on its configuration.
  if (ptp_.clock) {
    // (PTP time and the system clock are two timescales: compared as numbers on purpose.)
    int64_t d = real - media_sample_time(t.value, static_cast<uint32_t>(graph_.sample_rate)).ns;
    d -= std::llround(static_cast<double>(d) / 1e9) * 1000000000;
    lag_.add(d);
  }
  Plan* p = engine_->begin_block(t, frames);
  executor_->run(*p, t, frames, &host);
  peaks_.add(host.output, frames);
}

Expected<void> RunSession::open_inputs() {
  inputs_.push_back(std::make_unique<StdinPatches>(*live_));
  if (!args_.osc.empty()) {
    auto osc = OscControl::open(args_.osc, *engine_, *clock_, *live_, files_root_);
    if (!osc) return unexpected(osc.error());
    std::fprintf(stderr, "OSC on %s\n", (*osc)->url().c_str());
    if (!(*osc)->bind().loopback())
      std::fprintf(stderr,
                   "warning: OSC listens beyond this machine (%s) and has no authentication: anyone who reaches "
                   "it can steer this graph (docs/security.md)\n",
                   (*osc)->url().c_str());
    inputs_.push_back(std::move(*osc));
  }
  if (!args_.control.empty()) {
    auto socket = SocketPatches::open(args_.control, *live_);
    if (!socket) return unexpected(socket.error());
    std::fprintf(stderr, "control socket %s\n", (*socket)->path().c_str());
    inputs_.push_back(std::move(*socket));
  }
  return {};
}

int RunSession::run() {
  tty_ = isatty(STDERR_FILENO);
  auto started = driver_->start([this](SampleTime t, FrameCount frames, HostIo& host) { on_block(t, frames, host); });
  if (!started) {
    std::fprintf(stderr, "%s\n", started.error().to_string().c_str());
    return 1;
  }
  for (const std::string& w : driver_->warnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
  install_stop_signals();
  const uint32_t threads = threads_;
  const std::string as = driver_->running_as();
  std::fprintf(stderr, "running %s: %g Hz, block %u, %u thread%s, driver %s%s%s\n", args_.graph.c_str(),
               graph_.sample_rate, graph_.block_size, threads, threads == 1 ? "" : "s", args_.driver.c_str(),
               as.empty() ? "" : (" as " + as).c_str(), tty_ ? "; patches on stdin, Ctrl-C stops" : "");
  if (auto ok = open_inputs(); !ok) {
    std::fprintf(stderr, "%s\n", ok.error().to_string().c_str());
    driver_->stop();
    return 1;
  }
  last_status_ = std::chrono::steady_clock::now();
  while (serve()) {
  }
  const DriverStatus st = driver_->status();
  if (st.finished && !st.failure.empty()) {
    std::fprintf(stderr, "%serror: %s; stopping\n", tty_ ? "\n" : "", st.failure.c_str());
    driver_->stop();
    return 1;
  }
  driver_->stop();
  engine_->maintain();
  if (tty_) std::fprintf(stderr, "\n");
  const int status = summary();
  // Without --duration a signal is how a run ends; with one, it cut it short.
  if (status == kExitOk && !args_.duration.empty() && stop_signal()) {
    std::fprintf(stderr, "interrupted by %s before --duration %s ran out; recordings were finalised\n",
                 stop_signal() == SIGINT ? "SIGINT" : "SIGTERM", args_.duration.c_str());
    return kExitInterruptedBase + stop_signal();
  }
  return status;
}

bool RunSession::serve() {
  if (stop_requested()) return false;
  const DriverStatus st = driver_->status();
  if (st.finished) return false;
  for (const std::string& notice : driver_->take_notices())
    std::fprintf(stderr, "%s%s\n", tty_ ? "\n" : "", notice.c_str());
  if (!realtime_said_ && !st.realtime_warning.empty()) {
    realtime_said_ = true;
    std::fprintf(stderr, "%swarning: %s\n", tty_ ? "\n" : "", st.realtime_warning.c_str());
  }
  poll_inputs();
  maintain_engine();
  troubles_.check(*engine_, tty_);
  const double now_s = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  if (const std::string stall = stall_watch_.check(st.blocks, st.xruns, now_s); !stall.empty())
    std::fprintf(stderr, "%s%s\n", tty_ ? "\n" : "", stall.c_str());
  print_status();
  return true;
}

// About 50 ms a turn, shared by the inputs that can wait; a closed stdin
// leaves the loop.
void RunSession::poll_inputs() {
  const int share = inputs_.empty() ? 0 : std::max(5, 50 / static_cast<int>(inputs_.size()));
  for (size_t i = 0; i < inputs_.size();) {
    if (inputs_[i]->poll(share)) {
      ++i;
    } else {
      inputs_.erase(inputs_.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  if (inputs_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

void RunSession::maintain_engine() {
  engine_->maintain();
  // Once a graph has played for a second, its threads are balanced by what
  // its nodes really cost (said only when that changes the lists).
  if (threads_ <= 1) return;
  const auto second = static_cast<uint64_t>(graph_.sample_rate / graph_.block_size);
  if (auto moved = engine_->rebalance(second); moved && *moved) {
    std::fprintf(stderr, "%sthreads rebalanced by the nodes' measured costs\n", tty_ ? "\n" : "");
  } else if (!moved) {
    std::fprintf(stderr, "%srebalancing failed: %s\n", tty_ ? "\n" : "", moved.error().to_string().c_str());
  }
}

std::string RunSession::ptp_status() const {
  if (!ptp_.clock) return {};
  const ClockConfidence c = ptp_.clock->confidence();
  char cell[160];
  std::snprintf(cell, sizeof cell, "  ptp %s gm %s offset rms %.0f ns", ptp::to_string(c.state),
                ptp::to_string(c.grandmaster).c_str(), c.offset_rms_ns);
  return cell;
}

void RunSession::print_status() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_status_ < std::chrono::milliseconds(tty_ ? 500 : 5000)) return;
  last_status_ = now;
  const std::string line =
      status_line(*engine_, driver_->status(), driver_->status_detail(), graph_.sample_rate, peaks_, ptp_status());
  std::fprintf(stderr, "%s%s%s", tty_ ? "\r" : "", line.c_str(), tty_ ? "   " : "\n");
}

int RunSession::summary() {
  const DriverStatus st = driver_->status();
  std::printf("stopped after %.3f s (%llu blocks), %llu xruns, %llu swaps\n",
              static_cast<double>(st.frames) / graph_.sample_rate, static_cast<unsigned long long>(st.blocks),
              static_cast<unsigned long long>(st.xruns), static_cast<unsigned long long>(engine_->swaps()));
  for (const std::string& line : driver_->report()) std::printf("%s\n", line.c_str());
  if (ptp_.clock) {
    const MediaClockLag::Summary l = lag_.summary();
    const ClockConfidence c = ptp_.clock->confidence();
    std::printf(
        "media clock: first block at sample %lld, %llu clock steps; block starts lagged their media time "
        "by %.1f us on average (min %.1f, max %.1f) by the system clock (modulo whole seconds)\n",
        static_cast<long long>(st.first_block), static_cast<unsigned long long>(st.clock_steps), l.mean_ns / 1e3,
        l.min_ns / 1e3, l.max_ns / 1e3);
    std::printf(
        "ptp: %s, grandmaster %s (class %u), offset mean %.0f ns rms %.0f ns, path delay %lld ns, "
        "locked %.1f s\n",
        ptp::to_string(c.state), ptp::to_string(c.grandmaster).c_str(), c.grandmaster_class, c.offset_mean_ns,
        c.offset_rms_ns, static_cast<long long>(c.path_delay_ns), c.locked_seconds);
  }
  if (const uint64_t dropped = engine_->params_dropped())
    std::printf("parameter changes dropped: %llu (queue full, or their node left the graph)\n",
                static_cast<unsigned long long>(dropped));
  RecorderList recorders;
  std::vector<std::shared_ptr<Node>> keep;  // alive while reported
  for (const GraphNode& n : engine_->graph().nodes) {
    auto node = engine_->node(n.id);
    if (!node) continue;
    for (const std::string& line : node->counters()) std::printf("  node %s: %s\n", n.id.c_str(), line.c_str());
    if (const auto* r = dynamic_cast<const FileRecorderNode*>(node.get())) {
      recorders.emplace_back(n.id, r);
      keep.push_back(std::move(node));
    }
  }
  const bool recorded = report_recorders(recorders);
  for (const auto& input : inputs_)
    for (const std::string& line : input->report()) std::printf("%s\n", line.c_str());
  if (!st.realtime_warning.empty()) std::fprintf(stderr, "note: %s\n", st.realtime_warning.c_str());
  return recorded ? 0 : 2;  // the Engine's destructor finalises recorders
}

int run_run(const RunArgs& args) {
  auto session = RunSession::open(args);
  if (!session) {
    std::fprintf(stderr, "%s\n", session.error().to_string().c_str());
    return 1;
  }
  return (*session)->run();
}

}  // namespace ac
