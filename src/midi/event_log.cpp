// `event_log`: writes every event on its input to a text file, one line per
// UMP packet: the sample time, then the packet's words in hex (and, with
// `describe: on`, its decoded fields as a comment)
//   48000 20903c64  # MIDI 1.0 channel voice group=0 channel=0 note on note=60 velocity=100
// The audio thread only pushes into a lock-free ring; the node's writer
// thread formats and writes. In real time a full ring drops (counted); an
// offline render waits for the writer instead.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <thread>

#include "core/audio_section.h"
#include "core/file_access.h"
#include "core/spsc_ring.h"
#include "dsp/node_type_helpers.h"
#include "midi/midi_nodes.h"
#include "midi/ump.h"
#include "midi/ump_describe.h"

namespace ac {
namespace {

struct LoggedEvent {
  int64_t time;
  uint32_t words[4];
};

class EventLogNode final : public Node {
 public:
  EventLogNode(const NodeOptions& o, const NodeLayout&)
      : Node({}), path_(o.text("path")), describe_(o.text("describe") == "on") {}
  ~EventLogNode() override { deactivate(); }

  Expected<void> prepare(const StreamConfig& c) override {
    config_ = c;
    ring_ = std::make_unique<SpscRing<LoggedEvent>>(16384);
    return {};
  }

  Expected<void> activate() override {
    if (file_) return {};
    // Through core/file_access.h, so a confined root holds.
    auto fd = open_file(path_, O_WRONLY | O_CREAT | O_TRUNC);
    if (!fd) return unexpected(make_error(ErrorDomain::midi, "cannot create " + fd.error().message));
    file_ = fdopen(*fd, "w");
    if (!file_) {
      close(*fd);
      return unexpected(make_error(ErrorDomain::midi, "cannot create '" + path_ + "'"));
    }
    std::fputs("# audiocloud event log: sample_time ump_words(hex)\n", file_);
    stop_.store(false);
    thread_ = std::thread([this] { writer_loop(); });
    return {};
  }

  void deactivate() override {
    if (!thread_.joinable()) return;
    stop_.store(true, std::memory_order_release);
    thread_.join();
    std::fclose(file_);
    file_ = nullptr;
  }

  void process(ProcessContext& ctx) noexcept override {
    if (!file_) return;
    for (const UmpEvent& e : ctx.events_in(0)) {
      LoggedEvent item{ctx.time.value + (e.at - ctx.block_offset), {e.words[0], e.words[1], e.words[2], e.words[3]}};
      if (ring_->try_push(item)) continue;
      if (config_.realtime) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      AudioSectionPause pause;  // offline: wait for the writer
      while (!ring_->try_push(item)) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }

 private:
  void writer_loop() {
    for (;;) {
      const bool stopping = stop_.load(std::memory_order_acquire);
      LoggedEvent e{};
      bool any = false;
      while (ring_->try_pop(e)) {
        any = true;
        std::fprintf(file_, "%" PRId64, e.time);
        const uint32_t n = ump::word_count(ump::message_type(e.words[0]));
        for (uint32_t i = 0; i < n; ++i) std::fprintf(file_, " %08" PRIx32, e.words[i]);
        if (describe_) std::fprintf(file_, "  # %s", ump::describe(e.words).c_str());
        std::fputc('\n', file_);
      }
      if (any) {
        std::fflush(file_);
        continue;
      }
      if (stopping) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  std::string path_;
  bool describe_;
  StreamConfig config_;
  std::unique_ptr<SpscRing<LoggedEvent>> ring_;
  std::FILE* file_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace

NodeType event_log_node_type() {
  NodeType t;
  t.name = "event_log";
  t.summary = "writes its input events to a text file (sample time, UMP words in hex)";
  t.options = {path_param("path", "the file to write (relative to the graph file)"),
               choice_param("describe", {"off", "on"}, "off", "add each packet's decoded fields as a comment")};
  t.layout = [](const NodeOptions&) -> Expected<NodeLayout> {
    NodeLayout l;
    l.event_inputs = {{"midi", 1}};
    return l;
  };
  t.create = make_node<EventLogNode>;
  return t;
}

}  // namespace ac
