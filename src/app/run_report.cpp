#include "app/run_report.h"

#include <cmath>
#include <cstdio>

#include "graph/deadline_report.h"

namespace ac {

void OutputPeaks::add(const AudioView& output, FrameCount frames) noexcept {
  for (uint32_t c = 0; c < output.channel_count && c < kChannels; ++c) {
    const float* x = output.channel(c);
    float peak = peaks_[c].load(std::memory_order_relaxed);
    for (FrameCount i = 0; i < frames; ++i) peak = std::max(peak, std::fabs(x[i]));
    peaks_[c].store(peak, std::memory_order_relaxed);
  }
}

std::string OutputPeaks::take_dbfs(uint32_t count) {
  std::string out;
  for (uint32_t c = 0; c < count && c < kChannels; ++c) {
    const float pk = peaks_[c].exchange(0.0f, std::memory_order_relaxed);
    char cell[16];
    std::snprintf(cell, sizeof cell, " %.1f", pk > 1e-6f ? 20.0 * std::log10(pk) : -120.0);
    out += cell;
  }
  return out;
}

void NodeTroubles::check(const Engine& engine, bool tty) {
  const char* lead = tty ? "\n" : "";
  std::set<std::string> now_bypassed;
  for (const std::string& id : bypassed_nodes(engine.published_plan())) {
    now_bypassed.insert(id);
    if (!bypassed_.count(id))
      std::fprintf(stderr, "%snode '%s' bypassed: it overran its budget (bring it back with {restore: [%s]})\n", lead,
                   id.c_str(), id.c_str());
  }
  bypassed_ = std::move(now_bypassed);
  for (const GraphNode& n : engine.graph().nodes) {
    auto node = engine.node(n.id);
    if (!node || node->fault().empty()) {
      faulted_.erase(n.id);  // a node built afresh may fail again
      continue;
    }
    if (faulted_.insert(n.id).second)
      std::fprintf(stderr, "%snode '%s': %s (bring it back with {restore: [%s]})\n", lead, n.id.c_str(),
                   node->fault().c_str(), n.id.c_str());
  }
}

std::string BlockStallWatch::check(uint64_t blocks, uint64_t xruns, double now_s) {
  char text[200];
  if (blocks != blocks_ || moved_at_ < 0.0) {
    const double stalled_for = now_s - moved_at_;
    const bool was = stalled_ && blocks_ != 0;
    blocks_ = blocks;
    moved_at_ = now_s;
    stalled_ = false;
    if (!was) return "";
    std::snprintf(text, sizeof text,
                  "the driver runs the graph again after %.1f s without a block (%llu xruns meanwhile)", stalled_for,
                  static_cast<unsigned long long>(xruns - xruns_at_stall_));
    return text;
  }
  // Before the first block nothing is due yet (a JACK client waits for its
  // server to start it).
  if (stalled_ || blocks == 0 || now_s - moved_at_ < kSeconds) return "";
  stalled_ = true;
  xruns_at_stall_ = xruns;
  std::snprintf(text, sizeof text,
                "warning: the driver has run no block for %.1f s (the audio thread is blocked, or the audio server "
                "stopped calling this client)",
                now_s - moved_at_);
  return text;
}

std::string status_line(const Engine& engine, const DriverStatus& driver, const std::string& detail, double sample_rate,
                        OutputPeaks& peaks, const std::string& extra) {
  const DeadlineReport r = read_deadline_report(engine.published_plan());
  char head[256];
  std::snprintf(head, sizeof head, "%.1f s  dsp load %.1f%% (max %.1f%%)  xruns %llu  swaps %llu%s  rate %.2f Hz",
                static_cast<double>(driver.frames) / sample_rate, 100.0 * r.load_last, 100.0 * r.load_max,
                static_cast<unsigned long long>(driver.xruns), static_cast<unsigned long long>(engine.swaps()),
                engine.crossfading() ? " (crossfading)" : "", driver.estimated_rate);
  std::string line = head;
  const uint32_t shown = std::min(OutputPeaks::kChannels, engine.published_plan().host_output_channels);
  if (shown) line += "  peak" + peaks.take_dbfs(shown) + " dBFS";
  return line + extra + detail;
}

}  // namespace ac
