#include "dsp/file_recorder.h"

#include <algorithm>
#include <chrono>

#include "core/audio_section.h"
#include "dsp/builtin_nodes.h"
#include "dsp/node_type_helpers.h"

namespace ac {

FileRecorderNode::FileRecorderNode(const NodeOptions& o, const NodeLayout& l) : Node(l.params), path_(o.text("path")) {
  spec_.channels = o.count("channels");
  const std::string fmt = o.text("format");
  spec_.format = fmt == "auto" ? *file_format_from_path(path_) : *file_format_from_name(fmt);
  spec_.encoding = *encoding_from_name(o.text("encoding"));
}

FileRecorderNode::~FileRecorderNode() {
  deactivate();
}

Expected<void> FileRecorderNode::prepare(const StreamConfig& c) {
  config_ = c;
  spec_.sample_rate = static_cast<uint32_t>(c.sample_rate);
  // Two seconds of headroom for a stalled disk.
  ring_ = std::make_unique<SpscRing<float>>(static_cast<size_t>(c.sample_rate * 2.0) * spec_.channels);
  interleave_.assign(static_cast<size_t>(c.max_block) * spec_.channels, 0.0f);
  silence_.assign(interleave_.size(), 0.0f);
  max_gap_ = static_cast<int64_t>(c.sample_rate);  // one second
  next_time_ = -1;
  return {};
}

Expected<void> FileRecorderNode::activate() {
  if (writer_) return {};
  auto w = SoundFileWriter::create(path_, spec_);
  if (!w) return unexpected(w.error());
  writer_ = std::move(*w);
  stop_.store(false);
  thread_ = std::thread([this] { writer_loop(); });
  return {};
}

void FileRecorderNode::deactivate() {
  if (!thread_.joinable()) return;
  stop_.store(true, std::memory_order_release);
  thread_.join();
  if (auto ok = writer_->close(); !ok && !failed_.load()) {
    error_ = ok.error().message;
    failed_.store(true);
  }
}

std::string FileRecorderNode::writer_error() const {
  return failed_.load(std::memory_order_acquire) ? error_ : "";
}

void FileRecorderNode::writer_loop() {
  std::vector<float> chunk(static_cast<size_t>(8192) * spec_.channels);
  for (;;) {
    const bool stopping = stop_.load(std::memory_order_acquire);
    // Whole frames only: the producer pushes whole frames, so the ring never
    // holds a partial one when read in multiples of the channel count.
    const size_t want = chunk.size();
    const size_t got = ring_->pop_into(std::span<float>(chunk.data(), want - want % spec_.channels));
    if (got > 0) {
      const auto frames = static_cast<int64_t>(got / spec_.channels);
      if (!failed_.load(std::memory_order_relaxed)) {
        if (auto ok = writer_->write_interleaved(chunk.data(), frames); !ok) {
          error_ = ok.error().message;
          failed_.store(true, std::memory_order_release);
        }
      }
      continue;
    }
    if (stopping) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void FileRecorderNode::process(ProcessContext& ctx) noexcept {
  if (!writer_) return;  // not activated: nothing to record into
  fill_gap(ctx.time);
  const ConstAudioView& in = ctx.in(0);
  const uint32_t ch = spec_.channels;
  for (FrameCount i = 0; i < ctx.frames; ++i) {
    for (uint32_t c = 0; c < ch; ++c) interleave_[static_cast<size_t>(i) * ch + c] = in.channel(c)[i];
  }
  push(std::span<const float>(interleave_.data(), static_cast<size_t>(ctx.frames) * ch), ctx.frames);
  next_time_ = ctx.time.value + ctx.frames;
}

void FileRecorderNode::fill_gap(SampleTime time) noexcept {
  if (next_time_ < 0 || time.value == next_time_) return;
  const int64_t gap = time.value - next_time_;
  if (gap < 0 || gap > max_gap_) {
    discontinuities_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const auto block = static_cast<int64_t>(silence_.size() / spec_.channels);
  for (int64_t left = gap; left > 0;) {
    const auto n = static_cast<FrameCount>(std::min(left, block));
    push(std::span<const float>(silence_.data(), static_cast<size_t>(n) * spec_.channels), n);
    left -= n;
  }
  filled_.fetch_add(static_cast<uint64_t>(gap), std::memory_order_relaxed);
}

void FileRecorderNode::push(std::span<const float> frames, FrameCount count) noexcept {
  if (ring_->try_push_all(frames)) {
    recorded_.fetch_add(count, std::memory_order_relaxed);
    return;
  }
  if (config_.realtime) {
    dropped_.fetch_add(count, std::memory_order_relaxed);
    return;
  }
  // Offline: no deadline, so wait for the writer rather than lose audio. The
  // writer always makes progress (or has failed, and then drops).
  AudioSectionPause pause;
  while (!ring_->try_push_all(frames)) {
    if (failed_.load(std::memory_order_acquire)) {
      dropped_.fetch_add(count, std::memory_order_relaxed);
      return;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  recorded_.fetch_add(count, std::memory_order_relaxed);
}

NodeType file_recorder_node_type() {
  NodeType t;
  t.name = "file_recorder";
  t.summary = "writes its input to a WAV/FLAC/AIFF file from a writer thread";
  t.options = {path_param("path", "the file to write (relative to the graph file)"),
               choice_param("format", {"auto", "wav", "flac", "aiff"}, "auto", "container (auto: from the extension)"),
               choice_param("encoding", {"pcm16", "pcm24", "pcm32", "float"}, "pcm24", "sample encoding"),
               channels_option(2)};
  t.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    const std::string fmt = o.text("format");
    auto format = fmt == "auto" ? file_format_from_path(o.text("path")) : file_format_from_name(fmt);
    if (!format) return unexpected(format.error());
    auto enc = encoding_from_name(o.text("encoding"));
    if (!enc) return unexpected(enc.error());
    if (!format_supports(*format, *enc)) {
      return unexpected(
          make_error(ErrorDomain::dsp, "FLAC cannot hold " + o.text("encoding") + " samples (use pcm16 or pcm24)"));
    }
    return NodeLayout{{{"in", o.count("channels")}}, {}, {}};
  };
  t.create = make_node<FileRecorderNode>;
  return t;
}

}  // namespace ac
