// `notes`: plays a repeating pattern of notes as MIDI 1.0 channel voice
// packets (UMP MT 0x2) on an event port. Every note starts at a sample time
// fixed by the options alone — offset + k * interval — so a run of any block
// size, and any listener, can tell exactly where each note belongs.
#include <charconv>
#include <string>
#include <vector>

#include "dsp/node_type_helpers.h"
#include "midi/midi_nodes.h"
#include "midi/ump.h"

namespace ac {
namespace {

Expected<std::vector<uint8_t>> parse_pattern(const std::string& text) {
  std::vector<uint8_t> notes;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(pos, end - pos);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    int v = -1;
    auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || ec != std::errc{} || ptr != item.data() + item.size() || v < 0 || v > 127) {
      return unexpected(make_error(
          ErrorDomain::midi, "'pattern' is a comma-separated list of note numbers 0..127; '" + item + "' is not one"));
    }
    notes.push_back(static_cast<uint8_t>(v));
    pos = end + 1;
  }
  return notes;
}

class NotePatternNode final : public Node {
 public:
  NotePatternNode(const NodeOptions& o, const NodeLayout&)
      : Node({}),
        notes_(*parse_pattern(o.text("pattern"))),
        interval_(static_cast<int64_t>(o.number("interval"))),
        length_(static_cast<int64_t>(o.number("length"))),
        offset_(static_cast<int64_t>(o.number("offset"))),
        velocity_(static_cast<uint8_t>(o.number("velocity"))),
        channel_(static_cast<uint8_t>(o.number("channel") - 1)),
        group_(static_cast<uint8_t>(o.number("group"))) {}

  Expected<void> prepare(const StreamConfig&) override { return {}; }

  void process(ProcessContext& ctx) noexcept override {
    const int64_t t0 = ctx.time.value, t1 = t0 + ctx.frames;
    int64_t on_k = first_index_at_or_after(t0, offset_);
    int64_t off_k = first_index_at_or_after(t0, offset_ + length_);
    for (;;) {
      const int64_t on_t = offset_ + on_k * interval_;
      const int64_t off_t = offset_ + length_ + off_k * interval_;
      const int64_t t = std::min(on_t, off_t);
      if (t >= t1) break;
      const bool off = off_t <= on_t;  // a note ends before the next one starts
      const int64_t k = off ? off_k++ : on_k++;
      const uint8_t note = notes_[static_cast<size_t>(k % static_cast<int64_t>(notes_.size()))];
      const uint8_t status = static_cast<uint8_t>((off ? 0x80 : 0x90) | channel_);
      const uint32_t words[4] = {ump::midi1(group_, status, note, off ? 0 : velocity_), 0, 0, 0};
      ctx.emit(0, static_cast<FrameOffset>(t - t0), words);
    }
  }

 private:
  // Smallest k >= 0 with start + k * interval >= t.
  int64_t first_index_at_or_after(int64_t t, int64_t start) const noexcept {
    if (t <= start) return 0;
    return (t - start + interval_ - 1) / interval_;
  }

  std::vector<uint8_t> notes_;
  int64_t interval_, length_, offset_;
  uint8_t velocity_, channel_, group_;
};

}  // namespace

NodeType note_pattern_node_type() {
  NodeType t;
  t.name = "notes";
  t.summary = "plays a repeating note pattern (MIDI 1.0 in UMP) at sample-exact times";
  t.options = {text_param("pattern", "note numbers, comma-separated, played in turn", false),
               integer_param("interval", 1, 1000000000, 24000, "frames from one note to the next"),
               integer_param("length", 1, 1000000000, 12000, "frames a note lasts (less than interval)"),
               integer_param("offset", 0, 1000000000, 0, "sample time of the first note"),
               integer_param("velocity", 1, 127, 100, "note-on velocity"),
               integer_param("channel", 1, 16, 1, "MIDI channel"),
               integer_param("group", 0, 15, 0, "UMP group")};
  t.options[0].default_text = "60";
  t.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    if (auto p = parse_pattern(o.text("pattern")); !p) return unexpected(p.error());
    if (o.number("length") >= o.number("interval")) {
      return unexpected(make_error(ErrorDomain::midi, "'length' must be shorter than 'interval'"));
    }
    NodeLayout l;
    l.event_outputs = {{"midi", 1}};
    return l;
  };
  t.create = make_node<NotePatternNode>;
  return t;
}

}  // namespace ac
