// `midi_filter`: passes the events that match — by group, channel, message
// kind and note range — optionally moved to another channel or transposed;
// drops the rest. Works on MIDI 1.0 (MT 0x2) and MIDI 2.0 (MT 0x4) packets;
// other packets (system, SysEx, stream) pass only with `kinds: all`.
#include <sstream>

#include "dsp/node_type_helpers.h"
#include "midi/midi_nodes.h"
#include "midi/ump_fields.h"

namespace ac {
namespace {

enum KindBit : uint32_t { kNotes = 1, kControllers = 2, kPrograms = 4, kBend = 8, kPressure = 16, kOther = 32 };

Expected<uint32_t> parse_kinds(const std::string& text) {
  if (text == "all") return 0xFFFFFFFFu;
  uint32_t bits = 0;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (item == "notes")
      bits |= kNotes;
    else if (item == "controllers")
      bits |= kControllers;
    else if (item == "programs")
      bits |= kPrograms;
    else if (item == "pitch_bend")
      bits |= kBend;
    else if (item == "pressure")
      bits |= kPressure;
    else
      return unexpected(make_error(ErrorDomain::midi,
                                   "'kinds' is all, or a list of notes, controllers, programs, "
                                   "pitch_bend, pressure; '" +
                                       item + "' is none of them"));
  }
  return bits;
}

uint32_t kind_bit(ump::VoiceKind k) {
  using K = ump::VoiceKind;
  switch (k) {
    case K::note_on:
    case K::note_off:
      return kNotes;
    case K::control_change:
    case K::registered_controller:
    case K::assignable_controller:
    case K::per_note_controller:
      return kControllers;
    case K::program_change:
      return kPrograms;
    case K::pitch_bend:
    case K::per_note_pitch_bend:
      return kBend;
    case K::poly_pressure:
    case K::channel_pressure:
      return kPressure;
    default:
      return kOther;
  }
}

class MidiFilterNode final : public Node {
 public:
  MidiFilterNode(const NodeOptions& o, const NodeLayout&)
      : Node({}),
        kinds_(*parse_kinds(o.text("kinds"))),
        channel_(static_cast<int>(o.number("channel")) - 1),
        group_(static_cast<int>(o.number("group")) - 1),
        low_(static_cast<int>(o.number("low"))),
        high_(static_cast<int>(o.number("high"))),
        transpose_(static_cast<int>(o.number("transpose"))),
        to_channel_(static_cast<int>(o.number("to_channel")) - 1) {}

  Expected<void> prepare(const StreamConfig&) override { return {}; }

  void process(ProcessContext& ctx) noexcept override {
    for (UmpEvent e : ctx.events_in(0)) {
      const uint8_t mt = ump::message_type(e.words[0]);
      const bool voice = mt == 0x2 || mt == 0x4;
      if (!voice) {
        if (kinds_ == 0xFFFFFFFFu) ctx.event_outputs[0]->push(e);
        continue;
      }
      const ump::VoiceFields f = ump::read_voice(e.words);
      if (!(kinds_ & kind_bit(f.kind))) continue;
      if (channel_ >= 0 && f.channel != channel_) continue;
      if (group_ >= 0 && f.group != group_) continue;
      const bool has_note = f.kind == ump::VoiceKind::note_on || f.kind == ump::VoiceKind::note_off ||
                            f.kind == ump::VoiceKind::poly_pressure || f.kind == ump::VoiceKind::per_note_pitch_bend ||
                            f.kind == ump::VoiceKind::per_note_controller;
      if (has_note) {
        if (f.note < low_ || f.note > high_) continue;
        const int note = f.note + transpose_;
        if (note < 0 || note > 127) continue;  // moved off the keyboard
        e.words[0] = (e.words[0] & ~0x7F00u) | static_cast<uint32_t>(note) << 8;
      }
      if (to_channel_ >= 0) e.words[0] = (e.words[0] & ~0x000F0000u) | static_cast<uint32_t>(to_channel_) << 16;
      ctx.event_outputs[0]->push(e);
    }
  }

 private:
  uint32_t kinds_;
  int channel_, group_, low_, high_, transpose_, to_channel_;
};

}  // namespace

NodeType midi_filter_node_type() {
  NodeType t;
  t.name = "midi_filter";
  t.summary = "passes the MIDI events that match (group, channel, kind, note range), remapped or transposed";
  t.options = {text_param("kinds", "all, or some of notes, controllers, programs, pitch_bend, pressure", false),
               integer_param("channel", 0, 16, 0, "only this MIDI channel 1..16 (0: any)"),
               integer_param("group", 0, 16, 0, "only this UMP group 1..16 (0: any)"),
               integer_param("low", 0, 127, 0, "lowest note passed"),
               integer_param("high", 0, 127, 127, "highest note passed"),
               integer_param("transpose", -127, 127, 0, "semitones added to notes"),
               integer_param("to_channel", 0, 16, 0, "move passed events to this channel (0: keep)")};
  t.options[0].default_text = "all";
  t.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    if (auto k = parse_kinds(o.text("kinds")); !k) return unexpected(k.error());
    NodeLayout l;
    l.event_inputs = {{"midi", 1}};
    l.event_outputs = {{"midi", 1}};
    return l;
  };
  t.create = make_node<MidiFilterNode>;
  return t;
}

}  // namespace ac
