#include "io/offline_driver.h"

#include <time.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/audio_buffer.h"
#include "core/cycle_clock.h"
#include "core/denormals.h"
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

}  // namespace

Expected<RenderResult> render_offline(Plan& first, const RenderOptions& options) {
  Plan* running = &first;
  Plan& plan = first;  // its layout (output, block size) holds for any Plan that follows
  const uint32_t out_channels = plan.host_output_channels;
  std::unique_ptr<SoundFileWriter> writer;
  if (!options.output_path.empty()) {
    if (plan.host_output_node == kNoIndex) {
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
    SoundFileSpec spec{format, options.encoding, out_channels, static_cast<uint32_t>(plan.config.sample_rate)};
    auto w = SoundFileWriter::create(options.output_path, spec);
    if (!w) return unexpected(w.error());
    writer = std::move(*w);
  }
  for (auto& n : plan.nodes) {
    if (auto ok = n->activate(); !ok) {
      deactivate_all(plan);
      if (writer) {
        (void)writer->close();
        std::remove(options.output_path.c_str());
      }
      return unexpected(ok.error());
    }
  }

  enable_flush_denormals();
  SerialExecutor serial;
  Executor& executor = options.executor ? *options.executor : serial;
  const FrameCount block = plan.config.max_block;
  AudioBuffer out(out_channels, block);
  HostIo host;
  host.output = out.view();
  std::vector<float> interleaved(static_cast<size_t>(block) * out_channels);
  std::vector<double> squares(out_channels, 0.0);
  RenderResult result;
  result.channels.resize(out_channels);

  const auto wall0 = std::chrono::steady_clock::now();
  const double cpu0 = thread_cpu_seconds();
  int64_t done = 0;
  uint64_t blocks = 0;
  Expected<void> write_status;
  while (done < options.frames) {
    const auto frames = static_cast<FrameCount>(std::min<int64_t>(block, options.frames - done));
    out.clear();
    executor.run(*running, SampleTime{done}, frames, &host);
    for (uint32_t c = 0; c < out_channels; ++c) {
      const float* x = out.channel(c);
      OutputChannelStats& s = result.channels[c];
      // Four partial sums keep the additions from waiting on each other.
      double sq[4] = {0, 0, 0, 0};
      float peak = s.peak;
      for (FrameCount i = 0; i < frames; ++i) {
        const float a = std::fabs(x[i]);
        peak = a > peak ? a : peak;
        sq[i & 3] += static_cast<double>(x[i]) * x[i];
        interleaved[static_cast<size_t>(i) * out_channels + c] = x[i];
      }
      s.peak = peak;
      squares[c] += (sq[0] + sq[1]) + (sq[2] + sq[3]);
    }
    if (writer) {
      write_status = writer->write_interleaved(interleaved.data(), frames);
      if (!write_status) break;
    }
    done += frames;
    if (options.progress && (++blocks % options.progress_every == 0)) options.progress(done, options.frames);
    if (options.replan) {
      if (Plan* next = options.replan(done)) {
        skip_past_events(*next, SampleTime{done});
        running = next;
      }
    }
  }
  result.cpu_seconds = thread_cpu_seconds() - cpu0;
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  deactivate_all(*running);
  if (writer) {
    auto closed = writer->close();
    if (write_status && !closed) write_status = closed;
  }
  if (!write_status) {
    std::remove(options.output_path.c_str());
    return unexpected(write_status.error());
  }
  if (options.progress) options.progress(done, options.frames);
  result.frames = done;
  for (uint32_t c = 0; c < out_channels; ++c) {
    result.channels[c].rms = done ? std::sqrt(squares[c] / static_cast<double>(done)) : 0.0;
  }
  const double tps = cycle_ticks_per_second();
  for (size_t s = 0; s < running->steps.size(); ++s) {
    result.step_seconds.push_back(static_cast<double>(running->counters[s].ticks.load(std::memory_order_relaxed)) /
                                  tps);
  }
  return result;
}

}  // namespace ac
