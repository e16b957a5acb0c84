#include "io/offline_driver.h"

#include <time.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/cycle_clock.h"
#include "graph/executor.h"
#include "graph/plan_handover.h"

namespace ac {
namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void deactivate_all(Plan& plan) {
  for (auto& n : plan.nodes) n->deactivate();
}

bool has_output_node(const Graph& graph) {
  for (const GraphNode& n : graph.nodes) {
    if (n.type->is_host_output) return true;
  }
  return false;
}

}  // namespace

Expected<std::unique_ptr<OfflineDriver>> OfflineDriver::open(const OfflineDriverOptions& options) {
  std::unique_ptr<OfflineDriver> d(new OfflineDriver());
  d->options_ = options;
  if (!options.output_path.empty()) {
    if (options.output_channels == 0) {
      return unexpected(
          make_error(ErrorDomain::io,
                     "the graph has no 'output' node, so there is nothing to write to '" + options.output_path + "'"));
    }
    FileFormat format = FileFormat::wav;
    if (options.format) {
      format = *options.format;
    } else {
      auto f = file_format_from_path(options.output_path);
      if (!f) return unexpected(f.error());
      format = *f;
    }
    SoundFileSpec spec{format, options.encoding, options.output_channels, static_cast<uint32_t>(options.sample_rate)};
    auto w = SoundFileWriter::create(options.output_path, spec);
    if (!w) return unexpected(w.error());
    d->writer_ = std::move(*w);
  }
  d->channels_.resize(options.output_channels);
  return d;
}

OfflineDriver::~OfflineDriver() {
  stop();
}

void OfflineDriver::abandon() {
  if (!writer_) return;
  (void)writer_->close();
  writer_.reset();
  std::remove(options_.output_path.c_str());
}

Expected<void> OfflineDriver::start(BlockCallback block) {
  if (thread_.running()) return {};  // already started
  block_ = std::move(block);
  thread_.start(0, [this] { loop(); });
  return {};
}

void OfflineDriver::stop() {
  thread_.stop();
}

void OfflineDriver::wait() {
  thread_.join();
}

DriverStatus OfflineDriver::status() const {
  DriverStatus s;
  s.blocks = blocks_.load(std::memory_order_relaxed);
  s.frames = frames_.load(std::memory_order_relaxed);
  s.estimated_rate = options_.sample_rate;
  s.clock = DriverClock::none;
  s.period = options_.block;
  s.finished = thread_.finished();
  if (s.finished && write_error_) s.failure = write_error_->to_string();
  return s;
}

void OfflineDriver::loop() {
  const uint32_t out_channels = options_.output_channels;
  const FrameCount block = options_.block;
  AudioBuffer out(out_channels, block);
  HostIo host;
  host.output = out.view();
  std::vector<float> interleaved(static_cast<size_t>(block) * out_channels);
  std::vector<double> squares(out_channels, 0.0);
  const auto wall0 = std::chrono::steady_clock::now();
  const double cpu0 = thread_cpu_seconds();
  int64_t done = 0;
  uint64_t blocks = 0;
  while (done < options_.frames && thread_.running()) {
    const auto frames = static_cast<FrameCount>(std::min<int64_t>(block, options_.frames - done));
    out.clear();
    block_(SampleTime{done}, frames, host);
    for (uint32_t c = 0; c < out_channels; ++c) {
      const float* x = out.channel(c);
      OutputChannelStats& s = channels_[c];
      // Four partial sums keep the additions from waiting on each other.
      double sq[4] = {0, 0, 0, 0};
      float peak = s.peak;
      uint64_t over = 0;
      for (FrameCount i = 0; i < frames; ++i) {
        const float a = std::fabs(x[i]);
        peak = a > peak ? a : peak;
        over += a > 1.0f;
        sq[i & 3] += static_cast<double>(x[i]) * x[i];
        interleaved[static_cast<size_t>(i) * out_channels + c] = x[i];
      }
      s.peak = peak;
      s.over_full_scale += over;
      squares[c] += (sq[0] + sq[1]) + (sq[2] + sq[3]);
    }
    if (writer_) {
      if (auto written = writer_->write_interleaved(interleaved.data(), frames); !written) {
        write_error_ = written.error();
        break;
      }
    }
    done += frames;
    blocks_.store(++blocks, std::memory_order_relaxed);
    frames_.store(done, std::memory_order_relaxed);
    if (options_.progress && blocks % options_.progress_every == 0) options_.progress(done, options_.frames);
  }
  cpu_seconds_ = thread_cpu_seconds() - cpu0;
  wall_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  finish(done, squares);
}

void OfflineDriver::finish(int64_t done, const std::vector<double>& squares) {
  if (writer_) {
    auto closed = writer_->close();
    if (!write_error_ && !closed) write_error_ = closed.error();
    writer_.reset();
    if (write_error_) std::remove(options_.output_path.c_str());
  }
  if (options_.progress && !write_error_) options_.progress(done, options_.frames);
  for (size_t c = 0; c < channels_.size(); ++c)
    channels_[c].rms = done ? std::sqrt(squares[c] / static_cast<double>(done)) : 0.0;
}

Expected<std::unique_ptr<Driver>> open_offline_driver(const DriverSetup& setup) {
  OfflineDriverOptions o;
  o.sample_rate = setup.graph->sample_rate;
  o.block = setup.graph->block_size;
  o.output_channels = has_output_node(*setup.graph) ? setup.output_channels : 0;
  o.frames = setup.stop_after_frames;
  o.output_path = driver_param(setup.params, "output");
  if (const std::string f = driver_param(setup.params, "format"); !f.empty()) {
    auto format = file_format_from_name(f);
    if (!format) return unexpected(make_error(ErrorDomain::io, "--format: " + format.error().message));
    o.format = *format;
  }
  if (const std::string e = driver_param(setup.params, "encoding"); !e.empty()) {
    auto encoding = encoding_from_name(e);
    if (!encoding) return unexpected(make_error(ErrorDomain::io, "--encoding: " + encoding.error().message));
    o.encoding = *encoding;
  }
  o.progress = setup.progress;
  o.progress_every = setup.progress_every;
  auto opened = OfflineDriver::open(o);
  if (!opened) return unexpected(opened.error());
  return std::unique_ptr<Driver>(std::move(*opened));
}

Expected<RenderResult> render_offline(Plan& first, const RenderOptions& options) {
  OfflineDriverOptions o;
  o.sample_rate = first.config.sample_rate;
  o.block = first.config.max_block;
  o.output_channels = first.host_output_node == kNoIndex ? 0 : first.host_output_channels;
  o.frames = options.frames;
  o.output_path = options.output_path;
  o.format = options.format;
  o.encoding = options.encoding;
  o.progress = options.progress;
  o.progress_every = options.progress_every;
  auto driver = OfflineDriver::open(o);
  if (!driver) return unexpected(driver.error());
  for (auto& n : first.nodes) {
    if (auto ok = n->activate(); !ok) {
      deactivate_all(first);
      (*driver)->abandon();
      return unexpected(ok.error());
    }
  }
  SerialExecutor serial;
  Executor& executor = options.executor ? *options.executor : serial;
  Plan* running = &first;
  auto block = [&](SampleTime t, FrameCount frames, HostIo& host) {
    if (options.replan && t.value > 0) {
      if (Plan* next = options.replan(t.value)) {
        skip_past_events(*next, t);
        running = next;
      }
    }
    executor.run(*running, t, frames, &host);
  };
  if (auto ok = (*driver)->start(block); !ok) return unexpected(ok.error());
  (*driver)->wait();
  deactivate_all(*running);
  if ((*driver)->write_error()) return unexpected(*(*driver)->write_error());
  RenderResult result;
  result.frames = (*driver)->status().frames;
  result.wall_seconds = (*driver)->wall_seconds();
  result.cpu_seconds = (*driver)->cpu_seconds();
  result.channels = (*driver)->channels();
  const double tps = cycle_ticks_per_second();
  for (size_t s = 0; s < running->steps.size(); ++s) {
    result.step_seconds.push_back(static_cast<double>(running->run.counters[s].ticks.load(std::memory_order_relaxed)) /
                                  tps);
  }
  return result;
}

}  // namespace ac
