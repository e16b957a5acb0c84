#include "midi/ump_describe.h"

#include <cstdio>

#include "midi/ump_classify.h"

namespace ac::ump {
namespace {

uint32_t bits(uint32_t w, int hi, int lo) {
  return (w >> lo) & ((hi - lo == 31) ? 0xFFFFFFFFu : ((1u << (hi - lo + 1)) - 1));
}

std::string kv(const char* key, uint64_t v) {
  return std::string(" ") + key + "=" + std::to_string(v);
}

std::string hex_bytes(const uint8_t* b, uint32_t n) {
  std::string out;
  char cell[4];
  for (uint32_t i = 0; i < n; ++i) {
    std::snprintf(cell, sizeof cell, "%s%02x", i ? " " : "", b[i]);
    out += cell;
  }
  return out;
}

// Bytes `first`.. of the packet, big-endian across its words.
uint8_t byte_of(const uint32_t* w, uint32_t index) {
  return static_cast<uint8_t>(w[index / 4] >> (8 * (3 - index % 4)));
}

std::string text_of(const uint32_t* w, uint32_t first, uint32_t last) {
  std::string t;
  for (uint32_t i = first; i < last; ++i) {
    const uint8_t c = byte_of(w, i);
    if (c == 0) continue;
    t += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
  }
  return " text=\"" + t + "\"";
}

const char* form_name(uint32_t f) {
  static const char* const kForms[] = {"complete", "start", "continue", "end"};
  return kForms[f & 3];
}

std::string system_fields(uint32_t w) {
  const uint8_t status = status_byte(w);
  switch (status) {
    case 0xF1:
      return " MTC quarter frame" + kv("type", bits(w, 14, 12)) + kv("value", bits(w, 11, 8));
    case 0xF2:
      return " song position" + kv("beats", bits(w, 14, 8) | bits(w, 6, 0) << 7);  // LSB first
    case 0xF3:
      return " song select" + kv("song", bits(w, 14, 8));
    case 0xF6:
      return " tune request";
    case 0xF8:
      return " timing clock";
    case 0xFA:
      return " start";
    case 0xFB:
      return " continue";
    case 0xFC:
      return " stop";
    case 0xFE:
      return " active sensing";
    case 0xFF:
      return " reset";
    default:
      return kv("status", status);
  }
}

std::string midi1_fields(uint32_t w) {
  const uint8_t status = status_byte(w), d1 = data1(w), d2 = data2(w);
  switch (status & 0xF0) {
    case 0x80:
      return " note off" + kv("note", d1) + kv("velocity", d2);
    case 0x90:
      return " note on" + kv("note", d1) + kv("velocity", d2);
    case 0xA0:
      return " poly pressure" + kv("note", d1) + kv("pressure", d2);
    case 0xB0:
      return " control change" + kv("index", d1) + kv("value", d2);
    case 0xC0:
      return " program change" + kv("program", d1);
    case 0xD0:
      return " channel pressure" + kv("pressure", d1);
    case 0xE0:
      return " pitch bend" + kv("value", static_cast<uint32_t>(d2) << 7 | d1);
    default:
      return kv("status", status);
  }
}

std::string midi2_fields(const uint32_t* w) {
  const uint32_t b3 = bits(w[0], 15, 8), b4 = bits(w[0], 7, 0);
  switch (bits(w[0], 23, 20)) {
    case 0x0:
    case 0x1:
      return kv("note", b3) + kv("index", b4) + kv("value", w[1]);
    case 0x2:
    case 0x3:
      return kv("bank", b3) + kv("index", b4) + kv("value", w[1]);
    case 0x4:
    case 0x5:
      return kv("bank", b3) + kv("index", b4) + " delta=" + std::to_string(static_cast<int32_t>(w[1]));
    case 0x6:
      return kv("note", b3) + kv("value", w[1]);
    case 0x8:
    case 0x9:
      return kv("note", b3) + kv("velocity", w[1] >> 16) + kv("attribute_type", b4) + kv("attribute", w[1] & 0xFFFF);
    case 0xA:
      return kv("note", b3) + kv("pressure", w[1]);
    case 0xB:
      return kv("index", b3) + kv("value", w[1]);
    case 0xC:
      return kv("program", bits(w[1], 30, 24)) + kv("bank_valid", b4 & 1) + kv("bank_msb", bits(w[1], 14, 8)) +
             kv("bank_lsb", bits(w[1], 6, 0));
    case 0xD:
      return kv("pressure", w[1]);
    case 0xE:
      return kv("value", w[1]);
    case 0xF:
      return kv("note", b3) + kv("detach", (b4 >> 1) & 1) + kv("reset", b4 & 1);
    default:
      return "";
  }
}

std::string flex_fields(const uint32_t* w) {
  std::string s = std::string(" form=") + form_name(bits(w[0], 23, 22)) +
                  (bits(w[0], 21, 20) == 0 ? kv("channel", bits(w[0], 19, 16)) : std::string(" (group)"));
  const uint32_t bank = bits(w[0], 15, 8), status = bits(w[0], 7, 0);
  if (bank == 0 && status == 0x00) {
    char bpm[32];
    std::snprintf(bpm, sizeof bpm, " (%.6g bpm)", w[1] ? 6e9 / w[1] : 0.0);
    return s + kv("ten_ns_per_quarter", w[1]) + bpm;
  }
  if (bank == 0 && status == 0x01) {
    return s + kv("numerator", bits(w[1], 31, 24)) + kv("denominator", 1u << bits(w[1], 23, 16)) +
           kv("thirty_seconds_per_quarter", bits(w[1], 15, 8));
  }
  if (bank == 0 && status == 0x02) {
    return s + kv("clocks_per_click", bits(w[1], 31, 24)) + kv("bar_accent_1", bits(w[1], 23, 16)) +
           kv("bar_accent_2", bits(w[1], 15, 8)) + kv("bar_accent_3", bits(w[1], 7, 0)) +
           kv("subdivision_1", bits(w[2], 31, 24)) + kv("subdivision_2", bits(w[2], 23, 16));
  }
  if (bank == 0 && status == 0x05) {
    const auto sf = static_cast<int32_t>(bits(w[1], 31, 28) << 28) >> 28;
    return s + " sharps_flats=" + std::to_string(sf) + kv("tonic", bits(w[1], 27, 24));
  }
  if (bank == 0 && status == 0x06) return s + kv("chord_word1", w[1]) + kv("chord_word2", w[2]) + kv("bass", w[3]);
  return s + kv("bank", bank) + kv("status", status) + text_of(w, 4, 16);
}

std::string stream_fields(const uint32_t* w) {
  const uint32_t status = bits(w[0], 25, 16);
  const std::string form = std::string(" form=") + form_name(bits(w[0], 27, 26));
  switch (status) {
    case 0x000:
      return kv("ump_version", bits(w[0], 15, 8)) + "." + std::to_string(bits(w[0], 7, 0)) + kv("filter", w[1] & 0xFF);
    case 0x001:
      return kv("ump_version", bits(w[0], 15, 8)) + "." + std::to_string(bits(w[0], 7, 0)) +
             kv("static_blocks", w[1] >> 31) + kv("blocks", bits(w[1], 30, 24)) + kv("midi2", bits(w[1], 9, 9)) +
             kv("midi1", bits(w[1], 8, 8)) + kv("jr_rx", bits(w[1], 1, 1)) + kv("jr_tx", bits(w[1], 0, 0));
    case 0x002:
      return kv("manufacturer", w[1] & 0x7F7F7F) + kv("family", w[2] >> 16) + kv("model", w[2] & 0xFFFF) +
             kv("revision", w[3]);
    case 0x003:
    case 0x004:
      return form + text_of(w, 2, 16);
    case 0x005:
    case 0x006:
      return kv("protocol", bits(w[0], 15, 8)) + kv("jr_rx", bits(w[0], 1, 1)) + kv("jr_tx", bits(w[0], 0, 0));
    case 0x010:
      return kv("block", bits(w[0], 15, 8)) + kv("filter", bits(w[0], 7, 0));
    case 0x011:
      return kv("active", bits(w[0], 15, 15)) + kv("block", bits(w[0], 14, 8)) + kv("ui_hint", bits(w[0], 5, 4)) +
             kv("midi1", bits(w[0], 3, 2)) + kv("direction", bits(w[0], 1, 0)) + kv("first_group", w[1] >> 24) +
             kv("groups", bits(w[1], 23, 16)) + kv("ci_version", bits(w[1], 15, 8)) +
             kv("sysex8_streams", bits(w[1], 7, 0));
    case 0x012:
      return form + kv("block", bits(w[0], 15, 8)) + text_of(w, 3, 16);
    default:
      return "";
  }
}

}  // namespace

std::string describe(const uint32_t* w) {
  const Check c = classify(w);
  const uint8_t mt = message_type(w[0]);
  std::string s = c.name;
  const bool grouped = mt != 0x0 && mt != 0xF;
  if (grouped) s += kv("group", group(w[0]));
  if (mt == 0x2 || mt == 0x4) s += kv("channel", bits(w[0], 19, 16));
  switch (mt) {
    case 0x0:
      s += bits(w[0], 23, 20) == 0x4 ? kv("ticks", bits(w[0], 19, 0)) : kv("value", bits(w[0], 15, 0));
      break;
    case 0x1:
      s += system_fields(w[0]);
      break;
    case 0x2:
      s += midi1_fields(w[0]);
      break;
    case 0x3: {
      Sysex7 p;
      if (read_sysex7(w, p))
        s += std::string(" form=") + form_name(static_cast<uint32_t>(p.status)) + " bytes=[" +
             hex_bytes(p.bytes, p.count) + "]";
      break;
    }
    case 0x4:
      s += midi2_fields(w);
      break;
    case 0x5: {
      const uint32_t status = bits(w[0], 23, 20), n = bits(w[0], 19, 16);
      if (status <= 3 && n >= 1 && n <= 14) {
        uint8_t b[13];
        for (uint32_t i = 0; i + 1 < n; ++i) b[i] = byte_of(w, 3 + i);
        s += std::string(" form=") + form_name(status) + kv("stream", bits(w[0], 15, 8)) + " bytes=[" +
             hex_bytes(b, n - 1) + "]";
      } else if (status == 0x8) {
        s += kv("mds_id", n) + kv("valid_bytes", bits(w[0], 15, 0)) + kv("chunks", w[1] >> 16) +
             kv("chunk", w[1] & 0xFFFF) + kv("manufacturer", w[2] >> 16) + kv("device", w[2] & 0xFFFF) +
             kv("sub_id1", w[3] >> 16) + kv("sub_id2", w[3] & 0xFFFF);
      } else if (status == 0x9) {
        uint8_t b[14];
        for (uint32_t i = 0; i < 14; ++i) b[i] = byte_of(w, 2 + i);
        s += kv("mds_id", n) + " bytes=[" + hex_bytes(b, 14) + "]";
      }
      break;
    }
    case 0xD:
      s += flex_fields(w);
      break;
    case 0xF:
      s += stream_fields(w);
      break;
    default:
      break;
  }
  if (!c.valid()) s += std::string(" (invalid: ") + c.problem + ")";
  return s;
}

}  // namespace ac::ump
