#include "midi/ump_classify.h"

namespace ac::ump {
namespace {

constexpr Check ok(const char* name) {
  return {name, nullptr};
}
constexpr Check bad(const char* name, const char* problem) {
  return {name, problem};
}

uint8_t byte_at(uint32_t w, int i) {
  return static_cast<uint8_t>(w >> (8 * (3 - i)));
}

Check utility(uint32_t w) {
  if (w & 0x0F000000u) return bad("utility", "reserved bits 27..24 set (utility messages have no group in v1.1)");
  const uint32_t data = w & 0xFFFFF;
  switch ((w >> 20) & 0xF) {
    case 0x0:
      return data ? bad("utility: NOOP", "a NOOP carries no data") : ok("utility: NOOP");
    case 0x1:
      return (data >> 16) ? bad("utility: JR clock", "reserved bits set") : ok("utility: JR clock");
    case 0x2:
      return (data >> 16) ? bad("utility: JR timestamp", "reserved bits set") : ok("utility: JR timestamp");
    case 0x3:
      return (data >> 16) ? bad("utility: delta clockstamp ticks per quarter note", "reserved bits set")
                          : ok("utility: delta clockstamp ticks per quarter note");
    case 0x4:
      return ok("utility: delta clockstamp");
    default:
      return bad("utility", "unknown utility status");
  }
}

Check system(uint32_t w) {
  const uint8_t status = status_byte(w);
  const int n = midi1_data_bytes(status);
  if (status < 0xF0 || n < 0) return bad("system", "not a system common or real-time status");
  const uint8_t d1 = byte_at(w, 2), d2 = byte_at(w, 3);
  if ((d1 | d2) & 0x80) return bad("system", "a data byte has its top bit set");
  if ((n < 1 && d1) || (n < 2 && d2)) return bad("system", "unused data bytes must be zero");
  return ok("system");
}

Check midi1_voice(uint32_t w) {
  const uint8_t status = status_byte(w);
  if (status < 0x80 || status >= 0xF0) return bad("MIDI 1.0 channel voice", "status is not 0x8n..0xEn");
  const uint8_t d1 = byte_at(w, 2), d2 = byte_at(w, 3);
  if ((d1 | d2) & 0x80) return bad("MIDI 1.0 channel voice", "a data byte has its top bit set");
  if (midi1_data_bytes(status) == 1 && d2) return bad("MIDI 1.0 channel voice", "unused data byte must be zero");
  return ok("MIDI 1.0 channel voice");
}

Check sysex7(const uint32_t* w) {
  Sysex7 p;
  if (!read_sysex7(w, p)) return bad("SysEx7", "status above 3 or more than 6 bytes");
  const uint8_t all[6] = {byte_at(w[0], 2), byte_at(w[0], 3), byte_at(w[1], 0),
                          byte_at(w[1], 1), byte_at(w[1], 2), byte_at(w[1], 3)};
  for (int i = 0; i < 6; ++i) {
    if (i < p.count && (all[i] & 0x80)) return bad("SysEx7", "a data byte has its top bit set");
    if (i >= p.count && all[i]) return bad("SysEx7", "bytes past the count must be zero");
  }
  return ok("SysEx7");
}

Check midi2_voice(const uint32_t* w) {
  const uint8_t op = (w[0] >> 20) & 0xF;
  const uint8_t b3 = byte_at(w[0], 2), b4 = byte_at(w[0], 3);
  switch (op) {
    case 0x0:
      return (b3 & 0x80) ? bad("MIDI 2.0 registered per-note controller", "note above 127")
                         : ok("MIDI 2.0 registered per-note controller");
    case 0x1:
      return (b3 & 0x80) ? bad("MIDI 2.0 assignable per-note controller", "note above 127")
                         : ok("MIDI 2.0 assignable per-note controller");
    case 0x2:
    case 0x3:
    case 0x4:
    case 0x5: {
      static const char* const kNames[] = {
          "MIDI 2.0 registered controller (RPN)", "MIDI 2.0 assignable controller (NRPN)",
          "MIDI 2.0 relative registered controller", "MIDI 2.0 relative assignable controller"};
      const char* name = kNames[op - 2];
      return ((b3 | b4) & 0x80) ? bad(name, "bank or index above 127") : ok(name);
    }
    case 0x6:
      if (b3 & 0x80) return bad("MIDI 2.0 per-note pitch bend", "note above 127");
      return b4 ? bad("MIDI 2.0 per-note pitch bend", "reserved byte set") : ok("MIDI 2.0 per-note pitch bend");
    case 0x8:
      return (b3 & 0x80) ? bad("MIDI 2.0 note off", "note above 127") : ok("MIDI 2.0 note off");
    case 0x9:
      return (b3 & 0x80) ? bad("MIDI 2.0 note on", "note above 127") : ok("MIDI 2.0 note on");
    case 0xA:
      if (b3 & 0x80) return bad("MIDI 2.0 poly pressure", "note above 127");
      return b4 ? bad("MIDI 2.0 poly pressure", "reserved byte set") : ok("MIDI 2.0 poly pressure");
    case 0xB:
      if (b3 & 0x80) return bad("MIDI 2.0 control change", "index above 127");
      return b4 ? bad("MIDI 2.0 control change", "reserved byte set") : ok("MIDI 2.0 control change");
    case 0xC:
      if (b3 || (b4 & 0xFE)) return bad("MIDI 2.0 program change", "reserved bits set");
      if (w[1] & 0x80FF8080u) return bad("MIDI 2.0 program change", "reserved bits of the program or bank set");
      return ok("MIDI 2.0 program change");
    case 0xD:
      return (b3 | b4) ? bad("MIDI 2.0 channel pressure", "reserved bytes set") : ok("MIDI 2.0 channel pressure");
    case 0xE:
      return (b3 | b4) ? bad("MIDI 2.0 pitch bend", "reserved bytes set") : ok("MIDI 2.0 pitch bend");
    case 0xF:
      if (b3 & 0x80) return bad("MIDI 2.0 per-note management", "note above 127");
      if ((b4 & 0xFC) || w[1]) return bad("MIDI 2.0 per-note management", "reserved bits set");
      return ok("MIDI 2.0 per-note management");
    default:
      return bad("MIDI 2.0 channel voice", "opcode 0x7 is reserved");
  }
}

Check data128(const uint32_t* w) {
  const uint8_t status = (w[0] >> 20) & 0xF;
  const uint8_t count = (w[0] >> 16) & 0xF;
  if (status <= 3) {
    if (count < 1 || count > 14) return bad("SysEx8", "byte count (with the stream id) must be 1..14");
    return ok("SysEx8");
  }
  if (status == 0x8) return ok("mixed data set header");
  if (status == 0x9) return ok("mixed data set payload");
  return bad("data 128", "unknown status");
}

Check flex(const uint32_t* w) {
  const uint8_t addr = (w[0] >> 20) & 0x3;
  const uint8_t form = (w[0] >> 22) & 0x3;
  const uint8_t bank = byte_at(w[0], 2), status = byte_at(w[0], 3);
  if (addr > 1) return bad("flex data", "address 2 and 3 are reserved");
  if (bank == 0x00) {
    const char* name = nullptr;
    switch (status) {
      case 0x00:
        name = "flex data: set tempo";
        break;
      case 0x01:
        name = "flex data: set time signature";
        break;
      case 0x02:
        name = "flex data: set metronome";
        break;
      case 0x05:
        name = "flex data: set key signature";
        break;
      case 0x06:
        name = "flex data: set chord name";
        break;
      default:
        return bad("flex data", "unknown setup and performance status");
    }
    if (form != 0) return bad(name, "a single-packet message must have form 0 (complete)");
    if (status <= 0x01 && addr != 1) return bad(name, "tempo and time signature address the group");
    return ok(name);
  }
  if (bank == 0x01) return ok("flex data: metadata text");
  if (bank == 0x02) return ok("flex data: performance text");
  return bad("flex data", "unknown status bank");
}

Check stream(const uint32_t* w) {
  const uint8_t form = (w[0] >> 26) & 0x3;
  const uint16_t status = (w[0] >> 16) & 0x3FF;
  const char* name = nullptr;
  bool multi = false;  // may span packets (forms 1..3)
  switch (status) {
    case 0x000:
      name = "stream: endpoint discovery";
      break;
    case 0x001:
      name = "stream: endpoint info notification";
      break;
    case 0x002:
      name = "stream: device identity notification";
      break;
    case 0x003:
      name = "stream: endpoint name notification";
      multi = true;
      break;
    case 0x004:
      name = "stream: product instance id notification";
      multi = true;
      break;
    case 0x005:
      name = "stream: stream configuration request";
      break;
    case 0x006:
      name = "stream: stream configuration notification";
      break;
    case 0x010:
      name = "stream: function block discovery";
      break;
    case 0x011:
      name = "stream: function block info notification";
      break;
    case 0x012:
      name = "stream: function block name notification";
      multi = true;
      break;
    case 0x020:
      name = "stream: start of clip";
      break;
    case 0x021:
      name = "stream: end of clip";
      break;
    default:
      return bad("stream", "unknown UMP stream status");
  }
  if (!multi && form != 0) return bad(name, "a single-packet message must have form 0 (complete)");
  return ok(name);
}

}  // namespace

Check classify(const uint32_t* w) noexcept {
  switch (message_type(w[0])) {
    case 0x0:
      return utility(w[0]);
    case 0x1:
      return system(w[0]);
    case 0x2:
      return midi1_voice(w[0]);
    case 0x3:
      return sysex7(w);
    case 0x4:
      return midi2_voice(w);
    case 0x5:
      return data128(w);
    case 0xD:
      return flex(w);
    case 0xF:
      return stream(w);
    default:
      return bad("reserved", "reserved message type");
  }
}

}  // namespace ac::ump
