#include "midi/ump_fields.h"

#include "midi/translate.h"

namespace ac::ump {

namespace {

// A MIDI 1.0 value on the scale of its MIDI 2.0 counterpart: scaled up by
// the spec's min-centre-max rule (so 64 of 127 is exactly the 2.0 centre,
// 0x80000000 or 0x8000) and read as the 2.0 value is. One position, one
// number, whichever protocol carried it.
double as32(uint32_t v, uint8_t bits) noexcept {
  return upscale(v, bits, 32) / 4294967295.0;
}
double as16(uint32_t v) noexcept {
  return upscale(v, 7, 16) / 65535.0;
}

// A MIDI 1.0 channel voice message (type 0x2).
void read_midi1_voice(const uint32_t* w, VoiceFields& f) noexcept {
  {
    const uint8_t d1 = data1(w[0]), d2 = data2(w[0]);
    switch (status_byte(w[0]) & 0xF0) {
      case 0x80:
        f.kind = VoiceKind::note_off;
        f.note = d1;
        f.value = as16(d2);
        break;
      case 0x90:
        f.kind = d2 == 0 ? VoiceKind::note_off : VoiceKind::note_on;
        f.note = d1;
        f.value = as16(d2 == 0 ? 64 : d2);
        break;
      case 0xA0:
        f.kind = VoiceKind::poly_pressure;
        f.note = d1;
        f.value = as32(d2, 7);
        break;
      case 0xB0:
        f.kind = VoiceKind::control_change;
        f.index = d1;
        f.value = as32(d2, 7);
        break;
      case 0xC0:
        f.kind = VoiceKind::program_change;
        f.index = d1;
        break;
      case 0xD0:
        f.kind = VoiceKind::channel_pressure;
        f.value = as32(d1, 7);
        break;
      case 0xE0:
        f.kind = VoiceKind::pitch_bend;
        f.value = as32(static_cast<uint32_t>(d2) << 7 | d1, 14);
        f.bend = ((static_cast<int32_t>(d2) << 7 | d1) - 8192) / 8192.0;
        break;
      default:
        break;
    }
  }
}

// A MIDI 2.0 channel voice message (type 0x4).
void read_midi2_voice(const uint32_t* w, VoiceFields& f) noexcept {
  const uint8_t b3 = static_cast<uint8_t>(w[0] >> 8) & 0x7F, b4 = static_cast<uint8_t>(w[0]);
  const double v32 = w[1] / 4294967295.0;
  f.note = b3;
  switch ((w[0] >> 20) & 0xF) {
    case 0x0:
    case 0x1:
      f.kind = VoiceKind::per_note_controller;
      f.index = b4;
      f.value = v32;
      break;
    case 0x2:
    case 0x3:
      f.kind = ((w[0] >> 20) & 0xF) == 0x2 ? VoiceKind::registered_controller : VoiceKind::assignable_controller;
      f.bank = b3;
      f.index = static_cast<uint8_t>(b4 & 0x7F);
      f.note = 0;
      f.value = v32;
      break;
    case 0x6:
      f.kind = VoiceKind::per_note_pitch_bend;
      f.value = v32;
      f.bend = (static_cast<double>(w[1]) - 2147483648.0) / 2147483648.0;
      break;
    case 0x8:
    case 0x9:
      f.kind = ((w[0] >> 20) & 0xF) == 0x9 ? VoiceKind::note_on : VoiceKind::note_off;
      f.value = (w[1] >> 16) / 65535.0;
      break;
    case 0xA:
      f.kind = VoiceKind::poly_pressure;
      f.value = v32;
      break;
    case 0xB:
      f.kind = VoiceKind::control_change;
      f.index = b3;
      f.note = 0;
      f.value = v32;
      break;
    case 0xC:
      f.kind = VoiceKind::program_change;
      f.index = static_cast<uint8_t>((w[1] >> 24) & 0x7F);
      f.note = 0;
      break;
    case 0xD:
      f.kind = VoiceKind::channel_pressure;
      f.note = 0;
      f.value = v32;
      break;
    case 0xE:
      f.kind = VoiceKind::pitch_bend;
      f.note = 0;
      f.value = v32;
      f.bend = (static_cast<double>(w[1]) - 2147483648.0) / 2147483648.0;
      break;
    default:
      f.kind = VoiceKind::other;
      break;
  }
}

}  // namespace

VoiceFields read_voice(const uint32_t* w) noexcept {
  VoiceFields f;
  f.group = group(w[0]);
  f.channel = (w[0] >> 16) & 0xF;
  const uint8_t mt = message_type(w[0]);
  if (mt == 0x2) read_midi1_voice(w, f);
  if (mt == 0x4) read_midi2_voice(w, f);
  return f;
}

}  // namespace ac::ump
