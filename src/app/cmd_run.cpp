// `audiocloud run GRAPH.yaml [--driver dummy] [--threads N] [--duration 10s]`
// Runs a graph in real time until SIGINT/SIGTERM (or --duration). Each line
// on stdin is a graph patch (graph/graph_patch.h) applied while it plays.
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "app/commands.h"
#include "app/control_socket.h"
#include "app/graph_ptp.h"
#include "app/media_clock_lag.h"
#include "app/patch_ports.h"
#include "app/recorder_report.h"
#include "app/registry.h"
#include "app/stop_request.h"
#include "clock/media_clock.h"
#include "core/clock_map.h"
#include "graph/deadline_report.h"
#include "graph/engine.h"
#include "graph/graph_loader.h"
#include "graph/graph_patch.h"
#include "graph/parallel_executor.h"
#include "graph/time_spec.h"
#include "io/alsa_nodes.h"
#include "io/device_bridge.h"
#include "io/dummy_driver.h"
#include "io/jack_driver.h"
#include "io/jack_nodes.h"
#include "midi/osc_server.h"

namespace ac {

int run_run(const RunArgs& args) {
  if (args.driver != "dummy" && args.driver != "jack" && args.driver != "alsa") {
    std::cerr << "--driver " << args.driver << ": not available in this build (drivers: dummy, jack, alsa)\n";
    return 1;
  }
  std::ifstream in(args.graph);
  if (!in) {
    std::cerr << args.graph << ": error: cannot open graph file\n";
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string source = text.str();
  const NodeRegistry registry = default_registry();
  auto graph = load_graph_text(source, args.graph, registry);
  if (!graph) {
    std::cerr << graph.error().to_string() << "\n";
    return 1;
  }
  int64_t limit = -1;
  if (!args.duration.empty()) {
    auto d = parse_duration(args.duration, TimeContext{graph->sample_rate, graph->tempo_bpm, graph->beats_per_bar});
    if (!d) {
      std::cerr << "--duration: " << d.error().message << "\n";
      return 1;
    }
    limit = *d;
  }
  // A graph on the PTP media clock: lock first, then place the graph's
  // timeline (its timed events, --duration) at a media time a moment ahead.
  std::unique_ptr<PtpClock> ptp;
  int64_t origin = 0;
  if (graph->clock.source == GraphClock::Source::ptp) {
    auto started = start_ptp_for_graph(args, *graph);
    if (!started) {
      std::cerr << started.error().to_string() << "\n";
      return 1;
    }
    ptp = std::move(started->clock);
    origin = started->origin;
    for (TimedEvent& ev : graph->events) ev.at.value += origin;
  }
  const uint32_t threads = args.threads ? args.threads : 1;
  EngineOptions eo;
  eo.threads = threads;
  // JACK: the client's ports, from the graph; MIDI endpoints find their
  // port (the Plan's host slot) by name, as ports added by later patches
  // keep the slots of those before them.
  JackDriverOptions jo;
  JackPortPlan jack_ports;
  if (args.driver == "jack") {
    jo.client_name = args.client_name;
    jack_ports_from_graph(*graph, jo);
    jo.sample_rate = graph->sample_rate;
    jo.max_block = graph->block_size;
    if (ptp) jo.max_block = 8192;  // whole periods: the bridge times one callback per period
    for (uint32_t k = 0; k < jo.midi_inputs.size(); ++k) jack_ports.midi_input_slot[jo.midi_inputs[k].name] = k;
    for (uint32_t k = 0; k < jo.midi_outputs.size(); ++k) jack_ports.midi_output_slot[jo.midi_outputs[k].name] = k;
    eo.host_slot_of = [&jack_ports](const GraphNode& endpoint) -> uint32_t {
      const auto& slots = endpoint.type->is_host_event_input ? jack_ports.midi_input_slot : jack_ports.midi_output_slot;
      auto it = slots.find(jack_midi_port_name(endpoint));
      return it == slots.end() ? UINT32_MAX : it->second;  // no stream: the endpoint stays silent
    };
  }
  auto engine = Engine::create(*graph, eo);
  if (!engine) {
    std::cerr << engine.error().to_string() << "\n";
    return 1;
  }
  Engine& e = **engine;
  std::unique_ptr<Executor> executor;
  if (threads > 1)
    executor = std::make_unique<ParallelExecutor>(ParallelExecutorOptions{threads, 70, 20000});
  else
    executor = std::make_unique<SerialExecutor>();

  // The first Plan's output width sizes the dummy driver (a Plan pointer
  // itself would not outlive the first swap).
  const uint32_t first_output_channels = e.plan_for_block(SampleTime{origin})->host_output_channels;
  // Output peaks for the status line: the audio thread raises them, the
  // status line reads and resets them (a lost race only loses one peak).
  constexpr uint32_t kMeteredChannels = 16;
  std::array<std::atomic<float>, kMeteredChannels> peaks{};
  ClockMap clock(graph->sample_rate);
  MediaClockLag lag;
  const auto media_rate = static_cast<uint32_t>(graph->sample_rate);
  // clock: ptp with a device on its own crystal: the graph runs on the
  // media clock's thread and the device's audio crosses through a bridge.
  std::unique_ptr<DeviceBridge> bridge;
  auto make_bridge = [&](uint32_t capture, uint32_t playback, FrameCount period, const char* device,
                         uint32_t event_inputs = 0, uint32_t event_outputs = 0) {
    DeviceBridgeOptions bo;
    bo.capture_channels = capture;
    bo.playback_channels = playback;
    bo.capture_event_streams = event_inputs;
    bo.playback_event_streams = event_outputs;
    bo.rate = graph->sample_rate;
    bo.device_block = period;
    bo.graph_block = graph->block_size;
    bo.latency_seconds = args.bridge_latency_ms / 1000.0;
    auto made = DeviceBridge::create(bo);
    if (!made) {
      std::cerr << made.error().to_string() << "\n";
      return false;
    }
    bridge = std::move(*made);
    std::fprintf(stderr, "%s period %u frames bridged to the media clock, %.1f ms held each way\n", device, period,
                 args.bridge_latency_ms);
    return true;
  };
  auto block = [&](SampleTime t, FrameCount frames, HostIo& host) {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    const int64_t real = int64_t{now.tv_sec} * 1000000000 + now.tv_nsec;
    clock.update(t, real);
    // On the media clock, how late this block starts by the system clock:
    // an independent check of lock and pacing wherever the system clock is
    // itself synchronised to the grandmaster (the interop tests share one).
    // Modulo whole seconds: whether a grandmaster's PTP time is TAI or the
    // UTC it was given depends on its configuration.
    if (ptp) {
      int64_t d = real - media_sample_time_ns(t.value, media_rate);
      d -= std::llround(static_cast<double>(d) / 1e9) * 1000000000;
      lag.add(d);
    }
    Plan* p = e.begin_block(t, frames);
    if (bridge) bridge->graph_input(t, frames, host);
    executor->run(*p, t, frames, &host);
    if (bridge) bridge->graph_output(frames, host);
    for (uint32_t c = 0; c < host.output.channel_count && c < kMeteredChannels; ++c) {
      const float* x = host.output.channel(c);
      float peak = peaks[c].load(std::memory_order_relaxed);
      for (FrameCount i = 0; i < frames; ++i) peak = std::max(peak, std::fabs(x[i]));
      peaks[c].store(peak, std::memory_order_relaxed);
    }
  };
  // One of the drivers runs; the loop below sees them through these.
  std::unique_ptr<DummyDriver> dummy;
  std::unique_ptr<JackDriver> jack;
  std::unique_ptr<AlsaDriver> alsa;
  if (args.driver == "alsa") {
    AlsaDriverOptions ao;
    alsa_options_from_graph(*graph, ao);
    if (!args.device.empty()) ao.playback_device = args.device;
    if (!args.capture_device.empty()) ao.capture_device = args.capture_device;
    if (ao.playback_channels == 0) ao.playback_device.clear();  // no output endpoint: capture only
    if (ao.capture_channels == 0) ao.capture_device.clear();
    if (args.period) ao.period = args.period;
    if (args.periods) ao.periods = args.periods;
    // Bridged, the graph's thread counts the duration; ALSA runs whole
    // periods, one bridge callback each.
    ao.stop_after_frames = ptp ? -1 : limit;
    if (ptp) ao.max_block = 8192;
    auto opened = AlsaDriver::open(ao);
    if (!opened) {
      std::cerr << opened.error().to_string() << "\n";
      return 1;
    }
    alsa = std::move(*opened);
    if (alsa->has_playback())
      std::fprintf(stderr, "ALSA playback %s: %s\n", ao.playback_device.c_str(),
                   alsa->playback_config().describe().c_str());
    if (alsa->has_capture())
      std::fprintf(stderr, "ALSA capture %s: %s\n", ao.capture_device.c_str(),
                   alsa->capture_config().describe().c_str());
    AlsaDriver::Callback device = block;
    if (ptp) {
      if (!make_bridge(alsa->has_capture() ? ao.capture_channels : 0, alsa->has_playback() ? ao.playback_channels : 0,
                       alsa->period(), "ALSA"))
        return 1;
      device = [&](SampleTime t, FrameCount frames, HostIo& host) { bridge->device_block(t, frames, host); };
    }
    alsa->start(device);
  } else if (args.driver == "jack") {
    auto opened = JackDriver::open(jo);
    if (!opened) {
      std::cerr << opened.error().to_string() << "\n";
      return 1;
    }
    jack = std::move(*opened);
    JackDriver::Callback device = block;
    if (ptp) {
      if (!make_bridge(jo.inputs, jo.outputs, jack->period(), "JACK", static_cast<uint32_t>(jo.midi_inputs.size()),
                       static_cast<uint32_t>(jo.midi_outputs.size())))
        return 1;
      device = [&](SampleTime t, FrameCount frames, HostIo& host) { bridge->device_block(t, frames, host); };
    }
    if (auto ok = jack->start(device); !ok) {
      std::cerr << ok.error().to_string() << "\n";
      return 1;
    }
    for (const std::string& w : jack->warnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
  }
  if (args.driver == "dummy" || bridge) {
    DummyDriverOptions dopt;
    dopt.sample_rate = graph->sample_rate;
    dopt.block = graph->block_size;
    dopt.output_channels = std::max(1u, first_output_channels);
    dopt.stop_after_frames = limit;
    if (ptp) {
      dopt.media_clock = &ptp->clock();
      dopt.start_at = origin;
    }
    dummy = std::make_unique<DummyDriver>(dopt);
    dummy->start(block);
  }
  auto stop_driver = [&] {
    if (dummy) dummy->stop();
    if (jack) jack->stop();
    if (alsa) alsa->stop();
  };
  auto blocks = [&] { return dummy ? dummy->blocks() : alsa ? alsa->blocks() : jack->blocks(); };
  // Bridged, both sides can miss: the graph's thread on the media clock and
  // the device on its own.
  auto device_xruns = [&]() -> uint64_t { return alsa ? alsa->xruns() : jack ? jack->xruns() : 0; };
  auto graph_xruns = [&]() -> uint64_t { return dummy ? dummy->xruns() : 0; };
  auto xruns = [&] { return graph_xruns() + device_xruns(); };
  const auto started = std::chrono::steady_clock::now();
  install_stop_signals();
  const bool tty = isatty(STDERR_FILENO);
  std::fprintf(stderr, "running %s: %g Hz, block %u, %u thread%s, driver %s%s%s\n", args.graph.c_str(),
               graph->sample_rate, graph->block_size, threads, threads == 1 ? "" : "s", args.driver.c_str(),
               jack ? (" as JACK client " + jack->client_name()).c_str() : "",
               tty ? "; patches on stdin, Ctrl-C stops" : "");

  // A patch from stdin or OSC: "" when applied, else why not. Named after
  // the graph file so relative paths in it resolve the same (a recorder
  // whose path changed would be a new recorder).
  int patches_applied = 0;
  std::set<std::string> reported_bypassed;  // said once per bypass: a restored node is said again
  auto apply_patch = [&](const std::string& patch, const char* from, int number) -> std::string {
    // {restore: [id, ...]}: nodes brought back, the graph unchanged.
    auto restore = restore_request(patch, from);
    if (!restore) {
      Error err = restore.error();
      err.where.line = static_cast<uint32_t>(number);
      return err.to_string();
    }
    if (!restore->empty()) {
      std::vector<std::string> done;
      for (const std::string& id : *restore) {
        auto did = e.restore(id);
        if (!did) return did.error().to_string();
        done.push_back(*did);
        reported_bypassed.erase(id);
      }
      for (const std::string& d : done) std::printf("%s\n", d.c_str());
      std::fflush(stdout);
      return "";
    }
    auto patched = apply_graph_patch(source, patch, from);
    if (!patched) {
      Error err = patched.error();
      err.where.line = static_cast<uint32_t>(number);  // a patch is one line: its line on stdin
      return err.to_string();
    }
    auto next =
        load_graph_text(*patched, args.graph + " (after patch " + std::to_string(++patches_applied) + ")", registry);
    if (!next) return next.error().to_string();
    for (TimedEvent& ev : next->events) ev.at.value += origin;  // the graph's timeline, as at the start
    // JACK ports the new graph needs are checked first and registered once
    // its Plan is published; until they are (a period at most), its new
    // endpoints have no stream and stay silent.
    std::optional<JackPortPlan> ports;
    if (jack) {
      auto needed = jack_ports_for(*jack, jo, *next, bridge != nullptr);
      if (!needed) return needed.error().to_string();
      ports = std::move(*needed);
    }
    if (alsa) {
      if (auto fits = alsa_channels_fit(*alsa, *next); !fits) return fits.error().to_string();
    }
    JackPortPlan kept_ports = jack_ports;
    if (ports) jack_ports = *ports;
    if (auto ok = e.replace(*next); !ok) {
      jack_ports = std::move(kept_ports);
      return ok.error().to_string();
    }
    if (ports) add_jack_ports(*jack, *ports);
    for (const std::string& note : e.swap_notes()) std::printf("%s\n", note.c_str());
    std::fflush(stdout);
    source = *patched;
    return "";
  };
  std::unique_ptr<OscServer> osc;
  int osc_patches = 0;
  if (!args.osc.empty()) {
    OscServer::Hooks hooks;
    hooks.patch = [&](const std::string& patch) { return apply_patch(patch, "osc", ++osc_patches); };
    hooks.stop = [] { request_stop(); };
    hooks.on_set = [&](const std::string& id, const std::string& param, double value, std::optional<SampleTime> at,
                       std::optional<SampleTime> received) {
      // Keep the graph text in step, so a later patch does not undo it.
      char patch[512];
      std::snprintf(patch, sizeof patch, "{set: {%s.%s: %.9g}}", id.c_str(), param.c_str(), value);
      if (auto patched = apply_graph_patch(source, patch, "osc")) source = *patched;
      const long long got = received ? static_cast<long long>(received->value) : -1;
      if (at)
        std::printf("osc: %s.%s = %g at sample %lld (received at sample %lld)\n", id.c_str(), param.c_str(), value,
                    static_cast<long long>(at->value), got);
      else
        std::printf("osc: %s.%s = %g (received at sample %lld)\n", id.c_str(), param.c_str(), value, got);
      std::fflush(stdout);
    };
    auto opened = OscServer::open(args.osc, e, clock, hooks);
    if (!opened) {
      std::cerr << opened.error().to_string() << "\n";
      stop_driver();
      return 1;
    }
    osc = std::move(*opened);
    std::fprintf(stderr, "OSC on %s\n", osc->url().c_str());
  }
  std::unique_ptr<ControlSocket> control;
  int control_patches = 0;
  if (!args.control.empty()) {
    auto opened = ControlSocket::open(args.control);
    if (!opened) {
      std::cerr << opened.error().to_string() << "\n";
      stop_driver();
      return 1;
    }
    control = std::move(*opened);
    std::fprintf(stderr, "control socket %s\n", control->path().c_str());
  }
  auto last_meters = std::chrono::steady_clock::now();
  auto last_status = std::chrono::steady_clock::now();
  std::set<std::string> reported_faults;
  uint32_t jack_period = jack ? jack->period() : 0;
  std::string line;
  int patch_no = 0;
  bool stdin_open = true;
  // The bridges as they ran, read while both sides still run: once the
  // graph's side stops, the device's sees a stream that ended.
  std::optional<ClockBridgeStatus> playback_bridge, capture_bridge;
  while (!stop_requested()) {
    if (dummy && dummy->finished()) break;
    if (bridge && bridge->playback()) playback_bridge = bridge->playback()->status();
    if (bridge && bridge->capture()) capture_bridge = bridge->capture()->status();
    if (alsa && alsa->finished()) {
      if (!alsa->failure().empty()) {
        std::fprintf(stderr, "%serror: ALSA: %s; stopping\n", tty ? "\n" : "", alsa->failure().c_str());
        alsa->stop();
        return 1;
      }
      break;
    }
    if (jack && !dummy && limit >= 0 &&
        std::chrono::steady_clock::now() - started >=
            std::chrono::duration<double>(static_cast<double>(limit) / graph->sample_rate)) {
      break;
    }
    if (jack && jack->period() != jack_period) {
      jack_period = jack->period();
      std::fprintf(stderr, "%sJACK buffer size is now %u frames\n", tty ? "\n" : "", jack_period);
    }
    if (jack && jack->server_gone()) {
      std::fprintf(stderr, "%serror: %s; stopping\n", tty ? "\n" : "", jack->gone_reason().c_str());
      jack->stop();
      return 1;
    }
    if (osc) {
      osc->poll(stdin_open ? 5 : 20);
      if (std::chrono::steady_clock::now() - last_meters >= std::chrono::milliseconds(200)) {
        last_meters = std::chrono::steady_clock::now();
        osc->send_meters();
      }
    }
    if (control) {
      control->poll(0, [&](const std::string& patch) {
        const int number = ++control_patches;
        const std::string err = apply_patch(patch, "control", number);
        std::printf("control patch %d %s%s\n", number, err.empty() ? "applied" : "rejected: ", err.c_str());
        std::fflush(stdout);
        return err.empty() ? std::string("applied") : "rejected: " + err;
      });
    }
    pollfd pfd{STDIN_FILENO, POLLIN, 0};
    if (stdin_open && poll(&pfd, 1, osc ? 5 : 50) > 0) {
      if (!std::getline(std::cin, line)) {
        stdin_open = false;  // keep running: a closed stdin is not a stop request
      } else if (!line.empty()) {
        ++patch_no;
        const std::string err = apply_patch(line, "stdin", patch_no);
        if (err.empty())
          std::printf("patch %d applied\n", patch_no);
        else
          std::printf("patch %d rejected: %s\n", patch_no, err.c_str());
        std::fflush(stdout);
      }
    } else if (!stdin_open && !osc) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    e.maintain();
    // Once a graph has played for a second, its threads are balanced by
    // what its nodes really cost (said only when that changes the lists).
    if (threads > 1) {
      const auto second = static_cast<uint64_t>(graph->sample_rate / graph->block_size);
      if (auto moved = e.rebalance(second); moved && *moved) {
        std::fprintf(stderr, "%sthreads rebalanced by the nodes' measured costs\n", tty ? "\n" : "");
      } else if (!moved) {
        std::fprintf(stderr, "%srebalancing failed: %s\n", tty ? "\n" : "", moved.error().to_string().c_str());
      }
    }
    // A node the overrun policy bypassed: said once each time it happens.
    {
      std::set<std::string> now_bypassed;
      for (const std::string& id : bypassed_nodes(e.published_plan())) {
        now_bypassed.insert(id);
        if (!reported_bypassed.count(id))
          std::fprintf(stderr, "%snode '%s' bypassed: it overran its budget (bring it back with {restore: [%s]})\n",
                       tty ? "\n" : "", id.c_str(), id.c_str());
      }
      reported_bypassed = std::move(now_bypassed);
    }
    // A node that stopped working (a plug-in that trapped): said once.
    for (const GraphNode& n : e.graph().nodes) {
      auto node = e.node(n.id);
      if (!node || node->fault().empty()) {
        reported_faults.erase(n.id);  // a node built afresh may fail again
        continue;
      }
      if (reported_faults.insert(n.id).second)
        std::fprintf(stderr, "%snode '%s': %s (bring it back with {restore: [%s]})\n", tty ? "\n" : "", n.id.c_str(),
                     node->fault().c_str(), n.id.c_str());
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_status >= std::chrono::milliseconds(tty ? 500 : 5000)) {
      last_status = now;
      {
        const DeadlineReport r = read_deadline_report(e.published_plan());
        std::fprintf(stderr, "%s%.1f s  dsp load %.1f%% (max %.1f%%)  xruns %llu  swaps %llu  rate %.2f Hz%s",
                     tty ? "\r" : "", static_cast<double>(blocks()) * graph->block_size / graph->sample_rate,
                     100.0 * r.load_last, 100.0 * r.load_max, static_cast<unsigned long long>(xruns()),
                     static_cast<unsigned long long>(e.swaps()),
                     dummy  ? dummy->estimated_rate()
                     : alsa ? alsa->estimated_rate()
                            : graph->sample_rate,
                     tty ? "" : "");
        std::string meters = "  peak";
        const uint32_t shown = std::min(kMeteredChannels, e.published_plan().host_output_channels);
        for (uint32_t c = 0; c < shown; ++c) {
          const float pk = peaks[c].exchange(0.0f, std::memory_order_relaxed);
          char cell[16];
          std::snprintf(cell, sizeof cell, " %.1f", pk > 1e-6f ? 20.0 * std::log10(pk) : -120.0);
          meters += cell;
        }
        std::string ptp_status;
        if (ptp) {
          const ClockConfidence c = ptp->confidence();
          char cell[160];
          std::snprintf(cell, sizeof cell, "  ptp %s gm %s offset rms %.0f ns", ptp::to_string(c.state),
                        ptp::to_string(c.grandmaster).c_str(), c.offset_rms_ns);
          ptp_status = cell;
        }
        if (bridge) {
          char cell[160];
          if (const ClockBridge* b = bridge->playback()) {
            const ClockBridgeStatus st = b->status();
            std::snprintf(cell, sizeof cell, "  bridge out ratio %.7f latency %.1f (graph %.2f Hz, device %.2f Hz)",
                          st.ratio, st.latency_frames, st.writer_rate, st.reader_rate);
            ptp_status += cell;
          }
          if (const ClockBridge* b = bridge->capture()) {
            const ClockBridgeStatus st = b->status();
            std::snprintf(cell, sizeof cell, "  bridge in ratio %.7f latency %.1f", st.ratio, st.latency_frames);
            ptp_status += cell;
          }
        }
        std::fprintf(stderr, "%s%s%s", shown ? (meters + " dBFS").c_str() : "", ptp_status.c_str(), tty ? "   " : "\n");
      }
    }
  }
  stop_driver();
  e.maintain();
  if (tty) std::fprintf(stderr, "\n");
  std::printf("stopped after %.3f s (%llu blocks), %llu xruns, %llu swaps\n",
              static_cast<double>(blocks()) * graph->block_size / graph->sample_rate,
              static_cast<unsigned long long>(blocks()), static_cast<unsigned long long>(xruns()),
              static_cast<unsigned long long>(e.swaps()));
  if (bridge) {
    std::printf("xruns: %llu of the graph's thread on the media clock, %llu of the device\n",
                static_cast<unsigned long long>(graph_xruns()), static_cast<unsigned long long>(device_xruns()));
    auto report = [](const char* direction, const char* ratio_is, const std::optional<ClockBridgeStatus>& st) {
      if (!st) return;
      std::printf(
          "clock bridge %s: ratio %.7f (%s), held latency %.1f frames, %llu underruns, %llu overruns, "
          "%llu resyncs%s\n",
          direction, st->ratio, ratio_is, st->latency_frames, static_cast<unsigned long long>(st->underruns),
          static_cast<unsigned long long>(st->overruns), static_cast<unsigned long long>(st->resyncs),
          st->locked ? ", locked" : ", not locked yet");
    };
    report("playback", "device rate / media clock rate", playback_bridge);
    report("capture", "media clock rate / device rate", capture_bridge);
    if (bridge->events_dropped())
      std::printf("clock bridge: %llu MIDI events DROPPED crossing\n",
                  static_cast<unsigned long long>(bridge->events_dropped()));
    if (bridge->mismatched_periods())
      std::printf("clock bridge: %llu device periods of another length were silenced\n",
                  static_cast<unsigned long long>(bridge->mismatched_periods()));
  }
  if (ptp) {
    const MediaClockLag::Summary l = lag.summary();
    const ClockConfidence c = ptp->confidence();
    std::printf(
        "media clock: first block at sample %lld, %llu clock steps; block starts lagged their media time "
        "by %.1f us on average (min %.1f, max %.1f) by the system clock (modulo whole seconds)\n",
        static_cast<long long>(dummy ? dummy->first_block_time() : -1),
        static_cast<unsigned long long>(dummy ? dummy->clock_steps() : 0), l.mean_ns / 1e3, l.min_ns / 1e3,
        l.max_ns / 1e3);
    std::printf(
        "ptp: %s, grandmaster %s (class %u), offset mean %.0f ns rms %.0f ns, path delay %lld ns, "
        "locked %.1f s\n",
        ptp::to_string(c.state), ptp::to_string(c.grandmaster).c_str(), c.grandmaster_class, c.offset_mean_ns,
        c.offset_rms_ns, static_cast<long long>(c.path_delay_ns), c.locked_seconds);
  }
  RecorderList recorders;
  std::vector<std::shared_ptr<Node>> keep;  // alive while reported
  for (const GraphNode& n : e.graph().nodes) {
    auto node = e.node(n.id);
    if (const auto* r = dynamic_cast<const FileRecorderNode*>(node.get())) {
      recorders.emplace_back(n.id, r);
      keep.push_back(std::move(node));
    }
  }
  const bool recorded = report_recorders(recorders);
  if (osc) {
    const OscStats& st = osc->stats();
    std::printf("osc: %llu messages, %llu malformed, %llu rejected\n", static_cast<unsigned long long>(st.messages),
                static_cast<unsigned long long>(st.malformed), static_cast<unsigned long long>(st.rejected));
  }
  if (dummy && !dummy->realtime_warning().empty())
    std::fprintf(stderr, "note: %s\n", dummy->realtime_warning().c_str());
  if (alsa && !alsa->realtime_warning().empty()) std::fprintf(stderr, "note: %s\n", alsa->realtime_warning().c_str());
  return recorded ? 0 : 2;  // the Engine's destructor finalises recorders
}

}  // namespace ac
