#pragma once
// What graph nodes read from channel voice packets of either protocol:
// the kind of message, its group, channel and note, and its value scaled to
// 0..1 at the protocol's full resolution (7 or 14 bits for MIDI 1.0, 16 or
// 32 bits for MIDI 2.0). A MIDI 1.0 value is first scaled up as the spec's
// translation does (min-centre-max), so the same position reads as the same
// number from either protocol: CC 64 and 0x80000000 alike.
#include <cstdint>

#include "midi/ump.h"

namespace ac::ump {

enum class VoiceKind : uint8_t {
  none,  // not a channel voice message
  note_on,
  note_off,
  poly_pressure,
  control_change,
  program_change,
  channel_pressure,
  pitch_bend,
  per_note_pitch_bend,    // MIDI 2.0 only
  per_note_controller,    // MIDI 2.0 registered or assignable per-note controller
  registered_controller,  // MIDI 2.0 RPN
  assignable_controller,  // MIDI 2.0 NRPN
  other,                  // per-note management, relative controllers
};

struct VoiceFields {
  VoiceKind kind = VoiceKind::none;
  uint8_t group = 0, channel = 0;
  uint8_t note = 0;    // notes, poly pressure, per-note messages
  uint8_t index = 0;   // controller number / per-note controller index / RPN or NRPN index
  uint8_t bank = 0;    // RPN or NRPN bank (MIDI 1.0: CC 101 / 99)
  double value = 0.0;  // 0..1: velocity, controller, pressure, bend (0.5 = centre)
  double bend = 0.0;   // pitch bends: -1..1, exactly 0 at the protocol's centre value
};

// Reads a MT 0x2 or MT 0x4 packet (other types give VoiceKind::none). A
// MIDI 1.0 note on with velocity 0 reads as a note off.
VoiceFields read_voice(const uint32_t* words) noexcept;

}  // namespace ac::ump
