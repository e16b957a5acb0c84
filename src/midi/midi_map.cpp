// `midi_map`: turns one kind of MIDI message into another node's parameter,
// at the frame the message arrives. The source value (0..1 at the message's
// full resolution: 7 bits for a MIDI 1.0 controller, 32 for MIDI 2.0) maps
// linearly or exponentially onto [min, max] of the target parameter.
#include <cmath>

#include "dsp/node_type_helpers.h"
#include "midi/midi_nodes.h"
#include "midi/ump_fields.h"

namespace ac {
namespace {

const std::vector<std::string> kSources = {
    "cc", "pitch_bend", "channel_pressure", "poly_pressure", "velocity", "note", "per_note_controller", "rpn", "nrpn"};

class MidiMapNode final : public Node {
 public:
  MidiMapNode(const NodeOptions& o, const NodeLayout&)
      : Node({}),
        source_(static_cast<int>(std::find(kSources.begin(), kSources.end(), o.text("source")) - kSources.begin())),
        index_(static_cast<uint8_t>(o.number("controller"))),
        bank_(static_cast<uint8_t>(o.number("bank"))),
        channel_(static_cast<int>(o.number("channel")) - 1),
        group_(static_cast<int>(o.number("group")) - 1),
        min_(o.number("min")),
        max_(o.number("max")),
        exponential_(o.text("curve") == "exponential"),
        smoothing_ms_(o.number("smoothing")) {}

  Expected<void> prepare(const StreamConfig& c) override {
    ramp_ = static_cast<FrameCount>(std::lround(smoothing_ms_ * 1e-3 * c.sample_rate));
    if (exponential_ && (min_ <= 0.0 || max_ <= 0.0)) {
      return unexpected(make_error(ErrorDomain::midi, "an exponential curve needs min and max above 0"));
    }
    return {};
  }

  void process(ProcessContext& ctx) noexcept override {
    for (const UmpEvent& e : ctx.events_in(0)) {
      const ump::VoiceFields f = ump::read_voice(e.words);
      double x = 0.0;
      if (!matches(f, x)) continue;
      const double v = exponential_ ? min_ * std::pow(max_ / min_, x) : min_ + (max_ - min_) * x;
      ctx.set_target(0, e.at - ctx.block_offset, static_cast<float>(v), ramp_);
    }
  }

 private:
  bool matches(const ump::VoiceFields& f, double& x) const noexcept {
    if (channel_ >= 0 && f.channel != channel_) return false;
    if (group_ >= 0 && f.group != group_) return false;
    using K = ump::VoiceKind;
    x = f.value;
    switch (source_) {
      case 0:
        return f.kind == K::control_change && f.index == index_;
      case 1:
        return f.kind == K::pitch_bend;
      case 2:
        return f.kind == K::channel_pressure;
      case 3:
        return f.kind == K::poly_pressure;
      case 4:
        return f.kind == K::note_on;
      case 5:
        x = f.note / 127.0;  // a note number is a position, not a level: 0..127 spans 0..1
        return f.kind == K::note_on;
      case 6:
        return f.kind == K::per_note_controller && f.index == index_;
      case 7:
        return f.kind == K::registered_controller && f.bank == bank_ && f.index == index_;
      case 8:
        return f.kind == K::assignable_controller && f.bank == bank_ && f.index == index_;
      default:
        return false;
    }
  }

  int source_;
  uint8_t index_, bank_;
  int channel_, group_;
  double min_, max_;
  bool exponential_;
  double smoothing_ms_;
  FrameCount ramp_ = 0;
};

}  // namespace

NodeType midi_map_node_type() {
  NodeType t;
  t.name = "midi_map";
  t.summary = "drives another node's parameter from a MIDI controller, bend, pressure or note (MIDI 1.0 or 2.0)";
  t.options = {param_target_option("target", "the parameter to drive, as node.param"),
               choice_param("source", kSources, "cc", "which messages drive it"),
               integer_param("controller", 0, 127, 1, "controller number (cc, per_note_controller, rpn/nrpn index)"),
               integer_param("bank", 0, 127, 0, "rpn/nrpn bank (MIDI 1.0: CC 101 / 99)"),
               integer_param("channel", 0, 16, 0, "MIDI channel 1..16 (0: any)"),
               integer_param("group", 0, 16, 0, "UMP group 1..16 (0: any)"),
               number_param("min", -1e9, 1e9, 0, "", "target value at the source's minimum"),
               number_param("max", -1e9, 1e9, 1, "", "target value at the source's maximum"),
               choice_param("curve", {"linear", "exponential"}, "linear", "how the source spans min..max"),
               number_param("smoothing", 0, 1000, 5, "ms", "ramp to each new value over this long")};
  t.layout = [](const NodeOptions&) -> Expected<NodeLayout> {
    NodeLayout l;
    l.event_inputs = {{"midi", 1}};
    return l;
  };
  t.create = make_node<MidiMapNode>;
  return t;
}

}  // namespace ac
