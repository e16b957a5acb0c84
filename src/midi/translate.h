#pragma once
// Translation between the MIDI 1.0 protocol in UMP (MT 0x2) and the MIDI 2.0
// protocol (MT 0x4), as the UMP specification's default translation
// (M2-104-UM v1.1, appendix "Translation") describes it. The choices where
// implementations differ are written down in docs/spec/midi-translation.md.
#include <cstdint>

#include "midi/ump_messages.h"

namespace ac::ump {

// Min-center-max scaling: 0 stays 0, the source centre maps to the
// destination centre exactly, the maximum to the maximum; above the centre
// the source's low bits repeat to fill the new ones.
uint32_t upscale(uint32_t value, uint8_t src_bits, uint8_t dst_bits) noexcept;
// Plain truncation to the upper bits (keeps min, centre and max).
uint32_t downscale(uint32_t value, uint8_t src_bits, uint8_t dst_bits) noexcept;

// MT 0x2 → MT 0x4. Stateful: bank select (CC 0/32) is held for the next
// program change, and RPN/NRPN selection (CC 101/100, 99/98) turns data
// entry (CC 6/38) into registered/assignable controller messages.
class Midi1ToMidi2 {
 public:
  // [audio] Translates one MT 0x2 word; calls emit(const Words&) zero or
  // more times (zero for a CC that only sets translator state).
  template <typename Emit>
  void convert(uint32_t word, Emit&& emit) noexcept;

  void reset() noexcept { *this = Midi1ToMidi2(); }

 private:
  struct ChannelState {
    uint8_t bank_msb = 0, bank_lsb = 0;
    bool bank_valid = false;
    enum class Param : uint8_t { none, rpn, nrpn } param = Param::none;
    uint8_t param_msb = 0x7F, param_lsb = 0x7F;
    uint8_t data_msb = 0;
  };
  ChannelState state_[16][16];
};

// MT 0x4 → MT 0x2: one MIDI 2.0 message becomes zero or more MIDI 1.0
// messages (a program change with bank: three; an RPN: four). Messages
// with no MIDI 1.0 form (per-note controllers, per-note pitch bend and
// management, relative controllers) are counted and dropped.
class Midi2ToMidi1 {
 public:
  template <typename Emit>
  void convert(const uint32_t* words, Emit&& emit) noexcept;
  uint64_t dropped() const noexcept { return dropped_; }

 private:
  uint64_t dropped_ = 0;
};

// ---- implementation ----

template <typename Emit>
void Midi1ToMidi2::convert(uint32_t w, Emit&& emit) noexcept {
  const uint8_t grp = group(w), status = status_byte(w), ch = status & 0xF;
  const uint8_t d1 = data1(w), d2 = data2(w);
  ChannelState& s = state_[grp][ch];
  switch (status & 0xF0) {
    case 0x80:
      emit(note_off(grp, ch, d1, static_cast<uint16_t>(upscale(d2, 7, 16))));
      return;
    case 0x90:
      // Velocity 0 means note off with the default velocity, 64 (MIDI 1.0
      // detailed specification 4.2.1); MIDI 2.0 has a real note-on at 0.
      if (d2 == 0)
        emit(note_off(grp, ch, d1, 0x8000));
      else
        emit(note_on(grp, ch, d1, static_cast<uint16_t>(upscale(d2, 7, 16))));
      return;
    case 0xA0:
      emit(poly_pressure(grp, ch, d1, upscale(d2, 7, 32)));
      return;
    case 0xC0:
      emit(program_change(grp, ch, d1, s.bank_valid, s.bank_msb, s.bank_lsb));
      return;
    case 0xD0:
      emit(channel_pressure(grp, ch, upscale(d1, 7, 32)));
      return;
    case 0xE0:
      emit(pitch_bend(grp, ch, upscale(static_cast<uint32_t>(d2) << 7 | d1, 14, 32)));
      return;
    case 0xB0:
      break;
    default:
      return;
  }
  switch (d1) {  // control change
    case 0:
      s.bank_msb = d2;
      s.bank_valid = true;
      return;
    case 32:
      s.bank_lsb = d2;
      s.bank_valid = true;
      return;
    case 101:
      s.param = ChannelState::Param::rpn;
      s.param_msb = d2;
      return;
    case 100:
      s.param = ChannelState::Param::rpn;
      s.param_lsb = d2;
      return;
    case 99:
      s.param = ChannelState::Param::nrpn;
      s.param_msb = d2;
      return;
    case 98:
      s.param = ChannelState::Param::nrpn;
      s.param_lsb = d2;
      return;
    case 6:
    case 38: {
      const bool null_rpn = s.param_msb == 0x7F && s.param_lsb == 0x7F;
      if (s.param == ChannelState::Param::none || null_rpn) break;  // plain controller
      uint8_t lsb = 0;
      if (d1 == 6) {
        s.data_msb = d2;
      } else {
        lsb = d2;
      }
      const uint32_t value = upscale(static_cast<uint32_t>(s.data_msb) << 7 | lsb, 14, 32);
      emit(s.param == ChannelState::Param::rpn ? registered_controller(grp, ch, s.param_msb, s.param_lsb, value)
                                               : assignable_controller(grp, ch, s.param_msb, s.param_lsb, value));
      return;
    }
    default:
      break;
  }
  emit(control_change(grp, ch, d1, upscale(d2, 7, 32)));
}

template <typename Emit>
void Midi2ToMidi1::convert(const uint32_t* w, Emit&& emit) noexcept {
  const uint8_t grp = group(w[0]), ch = (w[0] >> 16) & 0xF;
  const uint8_t b3 = static_cast<uint8_t>(w[0] >> 8) & 0x7F, b4 = static_cast<uint8_t>(w[0]);
  auto out = [&](uint8_t status, uint8_t a, uint8_t b = 0) {
    emit(midi1(grp, static_cast<uint8_t>(status | ch), a, b));
  };
  auto seven = [](uint32_t v32) { return static_cast<uint8_t>(downscale(v32, 32, 7)); };
  switch (static_cast<Midi2Opcode>((w[0] >> 20) & 0xF)) {
    case Midi2Opcode::note_off:
      out(0x80, b3, static_cast<uint8_t>(downscale(w[1] >> 16, 16, 7)));
      return;
    case Midi2Opcode::note_on: {
      // A MIDI 1.0 note on at velocity 0 would be a note off: use 1.
      const auto v = static_cast<uint8_t>(downscale(w[1] >> 16, 16, 7));
      out(0x90, b3, v == 0 ? 1 : v);
      return;
    }
    case Midi2Opcode::poly_pressure:
      out(0xA0, b3, seven(w[1]));
      return;
    case Midi2Opcode::control_change:
      out(0xB0, b3, seven(w[1]));
      return;
    case Midi2Opcode::program_change:
      if (b4 & 1) {
        out(0xB0, 0, static_cast<uint8_t>((w[1] >> 8) & 0x7F));
        out(0xB0, 32, static_cast<uint8_t>(w[1] & 0x7F));
      }
      out(0xC0, static_cast<uint8_t>((w[1] >> 24) & 0x7F));
      return;
    case Midi2Opcode::channel_pressure:
      out(0xD0, seven(w[1]));
      return;
    case Midi2Opcode::pitch_bend: {
      const uint32_t v = downscale(w[1], 32, 14);
      out(0xE0, static_cast<uint8_t>(v & 0x7F), static_cast<uint8_t>(v >> 7));
      return;
    }
    case Midi2Opcode::registered_controller:
    case Midi2Opcode::assignable_controller: {
      const bool rpn = static_cast<Midi2Opcode>((w[0] >> 20) & 0xF) == Midi2Opcode::registered_controller;
      const uint32_t v = downscale(w[1], 32, 14);
      out(0xB0, rpn ? 101 : 99, b3);
      out(0xB0, rpn ? 100 : 98, b4 & 0x7F);
      out(0xB0, 6, static_cast<uint8_t>(v >> 7));
      out(0xB0, 38, static_cast<uint8_t>(v & 0x7F));
      return;
    }
    default:
      ++dropped_;
      return;
  }
}

}  // namespace ac::ump
