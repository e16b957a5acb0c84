// `synth`: a polyphonic synthesizer played by UMP notes (MIDI 1.0 or 2.0
// protocol) on its `midi` port. Each note starts on the frame its event
// carries. Voices: a band-limited saw or square (polyBLEP) or a sine, a
// linear ADSR envelope, velocity as amplitude; channel pitch bend and MIDI
// 2.0 per-note pitch bend move the pitch. A full voice pool steals the
// oldest voice.
#include <cmath>
#include <numbers>
#include <vector>

#include "core/decibels.h"
#include "dsp/node_type_helpers.h"
#include "midi/midi_nodes.h"
#include "midi/ump_fields.h"

namespace ac {
namespace {

enum Param : ParamId { kAttack, kDecay, kSustain, kRelease, kLevel };

// The polyBLEP residual: subtracted at a discontinuity of a naive saw, it
// removes most of the aliasing the jump would cause.
double poly_blep(double t, double dt) {
  if (t < dt) {
    t /= dt;
    return t + t - t * t - 1.0;
  }
  if (t > 1.0 - dt) {
    t = (t - 1.0) / dt;
    return t * t + t + t + 1.0;
  }
  return 0.0;
}

class SynthNode final : public Node {
  enum class Wave : uint8_t { saw, square, sine };

 public:
  SynthNode(const NodeOptions& o, const NodeLayout& l)
      : Node(l.params),
        voices_(o.count("voices")),
        wave_(o.text("wave") == "sine"     ? Wave::sine
              : o.text("wave") == "square" ? Wave::square
                                           : Wave::saw),
        channel_(static_cast<int>(o.number("channel")) - 1),
        bend_range_(o.number("bend_range")),
        per_note_range_(o.number("per_note_bend_range")) {}

  Expected<void> prepare(const StreamConfig& c) override {
    rate_ = c.sample_rate;
    return {};
  }

  void reset() noexcept override {
    for (Voice& v : voices_) v = Voice{};
    bend_ = 0.0;
  }

  void process(ProcessContext& ctx) noexcept override {
    const AudioView& out = ctx.out(0);
    for (uint32_t c = 0; c < out.channel_count; ++c) std::fill(out.channel(c), out.channel(c) + ctx.frames, 0.0f);
    FrameOffset pos = 0;
    for (const UmpEvent& e : ctx.events_in(0)) {
      const FrameOffset at = e.at - ctx.block_offset;
      render(out, pos, at);
      pos = at;
      handle(ump::read_voice(e.words));
    }
    render(out, pos, ctx.frames);
    // Parameters advance by the call's length (they are read per segment).
    for (ParamId p = 0; p < param_count(); ++p) param(p).advance(ctx.frames);
  }

 private:
  struct Voice {
    bool active = false;
    bool released = false;
    bool decaying = false;  // the attack has peaked
    uint8_t note = 0;
    double phase = 0.0;
    double gain = 0.0;  // velocity
    double env = 0.0;
    double release_step = 0.0;
    double per_note_bend = 0.0;  // -1..1
    uint64_t started = 0;
  };

  void handle(const ump::VoiceFields& f) noexcept {
    if (channel_ >= 0 && f.channel != channel_) return;
    using K = ump::VoiceKind;
    switch (f.kind) {
      case K::note_on: {
        Voice* v = find(f.note);
        if (!v) v = free_voice();
        *v = Voice{};
        v->active = true;
        v->note = f.note;
        v->gain = f.value;
        v->started = ++clock_;
        break;
      }
      case K::note_off:
        if (Voice* v = find(f.note)) {
          v->released = true;
          const double frames = std::max(1.0, param(kRelease).value() * 1e-3 * rate_);
          v->release_step = v->env / frames;
        }
        break;
      case K::pitch_bend:
        bend_ = f.bend;
        break;
      case K::per_note_pitch_bend:
        if (Voice* v = find(f.note)) v->per_note_bend = f.bend;
        break;
      default:
        break;
    }
  }

  Voice* find(uint8_t note) noexcept {
    for (Voice& v : voices_) {
      if (v.active && !v.released && v.note == note) return &v;
    }
    return nullptr;
  }

  Voice* free_voice() noexcept {
    Voice* oldest = &voices_[0];
    for (Voice& v : voices_) {
      if (!v.active) return &v;
      if (v.started < oldest->started) oldest = &v;
    }
    return oldest;
  }

  void render(const AudioView& out, FrameOffset from, FrameOffset to) noexcept {
    if (to <= from) return;
    const double attack = std::max(1.0, param(kAttack).value() * 1e-3 * rate_);
    const double decay = std::max(1.0, param(kDecay).value() * 1e-3 * rate_);
    const double sustain = param(kSustain).value();
    const double level = db_to_gain(param(kLevel).value());
    float* first = out.channel(0);
    for (Voice& v : voices_) {
      if (!v.active) continue;
      const double semis = v.note - 69 + bend_ * bend_range_ + v.per_note_bend * per_note_range_;
      const double dt = 440.0 * std::pow(2.0, semis / 12.0) / rate_;
      for (FrameOffset i = from; i < to; ++i) {
        if (v.released) {
          v.env -= v.release_step;
          if (v.env <= 0.0) {
            v.active = false;
            break;
          }
        } else if (v.env < 1.0 && !v.decaying) {
          v.env = std::min(1.0, v.env + 1.0 / attack);
          if (v.env >= 1.0) v.decaying = true;
        } else {
          v.decaying = true;
          v.env = std::max(sustain, v.env - (1.0 - sustain) / decay);
        }
        double x = 0.0;
        if (wave_ == Wave::sine) {
          x = std::sin(2.0 * std::numbers::pi * v.phase);
        } else {
          x = 2.0 * v.phase - 1.0 - poly_blep(v.phase, dt);
          if (wave_ == Wave::square) {
            double p2 = v.phase + 0.5;
            if (p2 >= 1.0) p2 -= 1.0;
            x -= 2.0 * p2 - 1.0 - poly_blep(p2, dt);
          }
        }
        first[i] += static_cast<float>(x * v.env * v.gain * level);
        v.phase += dt;
        if (v.phase >= 1.0) v.phase -= 1.0;
      }
    }
    for (uint32_t c = 1; c < out.channel_count; ++c) {
      for (FrameOffset i = from; i < to; ++i) out.channel(c)[i] = first[i];
    }
  }

  std::vector<Voice> voices_;
  Wave wave_;
  int channel_;
  double bend_range_, per_note_range_;
  double rate_ = 48000.0;
  double bend_ = 0.0;
  uint64_t clock_ = 0;
};

}  // namespace

NodeType synth_node_type() {
  NodeType t;
  t.name = "synth";
  t.summary = "a polyphonic synthesizer played by UMP notes (MIDI 1.0 or 2.0), sample-exact";
  t.options = {integer_param("voices", 1, 64, 16, "notes that can sound at once"),
               choice_param("wave", {"saw", "square", "sine"}, "saw", "oscillator waveform"),
               integer_param("channel", 0, 16, 0, "MIDI channel 1..16 (0: any)"),
               number_param("bend_range", 0, 96, 2, "semitones", "pitch bend range, each way"),
               number_param("per_note_bend_range", 0, 96, 48, "semitones", "MIDI 2.0 per-note pitch bend range"),
               channels_option(1)};
  t.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    NodeLayout l;
    l.event_inputs = {{"midi", 1}};
    l.outputs = {{"out", o.count("channels")}};
    l.params = {number_param("attack", 0, 10000, 5, "ms", "attack time"),
                number_param("decay", 0, 10000, 100, "ms", "decay time to the sustain level"),
                number_param("sustain", 0, 1, 0.7, "", "sustain level (of the peak)"),
                number_param("release", 0, 10000, 200, "ms", "release time"), level_param(-12)};
    return l;
  };
  t.create = make_node<SynthNode>;
  return t;
}

}  // namespace ac
