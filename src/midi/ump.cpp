#include "midi/ump.h"

namespace ac::ump {

void make_sysex7(uint8_t grp, const Sysex7& p, uint32_t (&words)[2]) {
  uint8_t b[6] = {};
  for (uint8_t i = 0; i < p.count && i < 6; ++i) b[i] = p.bytes[i] & 0x7F;
  words[0] = 0x30000000u | (uint32_t{grp} & 0xF) << 24 | uint32_t{static_cast<uint8_t>(p.status)} << 20 |
             uint32_t{p.count} << 16 | uint32_t{b[0]} << 8 | b[1];
  words[1] = uint32_t{b[2]} << 24 | uint32_t{b[3]} << 16 | uint32_t{b[4]} << 8 | b[5];
}

bool read_sysex7(const uint32_t* words, Sysex7& out) {
  out.status = static_cast<SysexStatus>((words[0] >> 20) & 0xF);
  out.count = static_cast<uint8_t>((words[0] >> 16) & 0xF);
  if (out.count > 6 || ((words[0] >> 20) & 0xF) > 3) return false;
  const uint8_t all[6] = {static_cast<uint8_t>(words[0] >> 8),  static_cast<uint8_t>(words[0]),
                          static_cast<uint8_t>(words[1] >> 24), static_cast<uint8_t>(words[1] >> 16),
                          static_cast<uint8_t>(words[1] >> 8),  static_cast<uint8_t>(words[1])};
  for (int i = 0; i < 6; ++i) out.bytes[i] = all[i] & 0x7F;
  return true;
}

int midi1_data_bytes(uint8_t status) {
  if (status < 0x80) return -1;
  if (status < 0xF0) {
    const uint8_t kind = status & 0xF0;
    return (kind == 0xC0 || kind == 0xD0) ? 1 : 2;
  }
  switch (status) {
    case 0xF1:
    case 0xF3:
      return 1;
    case 0xF2:
      return 2;
    case 0xF6:
    case 0xF8:
    case 0xFA:
    case 0xFB:
    case 0xFC:
    case 0xFE:
    case 0xFF:
      return 0;
    default:
      return -1;  // F0, F7, and the undefined F4 F5 F9 FD
  }
}

}  // namespace ac::ump
