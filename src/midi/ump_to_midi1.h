#pragma once
// UMP → MIDI 1.0 messages: MT 0x1 and 0x2 packets become their bytes
// (always with a status byte: every message stands alone, as JACK MIDI and
// ALSA sequencer events want), MT 0x3 SysEx7 packets are reassembled into
// one F0 … F7 message. Other types have no MIDI 1.0 form here (MIDI 2.0
// channel voice needs the protocol translation of midi/translate.h) and are
// counted as skipped.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "midi/ump.h"

namespace ac {

class UmpToMidi1 {
 public:
  // [control] Room for a SysEx of up to `max_sysex` bytes, F0 and F7 included.
  explicit UmpToMidi1(size_t max_sysex = 4096) : sysex_(max_sysex) {}

  // [audio] Converts one packet; calls emit(const uint8_t* bytes, uint32_t n)
  // once per complete message. Returns false for a packet that has no
  // MIDI 1.0 form or is malformed (counted).
  template <typename Emit>
  bool convert(const uint32_t* words, Emit&& emit) noexcept;

  uint64_t skipped() const noexcept { return skipped_; }
  uint64_t oversized() const noexcept { return oversized_; }  // SysEx too long: dropped

 private:
  bool put(uint8_t b) noexcept {
    if (len_ >= sysex_.size()) {
      overflow_ = true;
      return false;
    }
    sysex_[len_++] = b;
    return true;
  }

  std::vector<uint8_t> sysex_;
  size_t len_ = 0;
  bool open_ = false;
  bool overflow_ = false;
  uint64_t skipped_ = 0;
  uint64_t oversized_ = 0;
};

template <typename Emit>
bool UmpToMidi1::convert(const uint32_t* words, Emit&& emit) noexcept {
  const uint8_t mt = ump::message_type(words[0]);
  if (mt == 0x1 || mt == 0x2) {
    const uint8_t status = ump::status_byte(words[0]);
    const int n = ump::midi1_data_bytes(status);
    const bool valid = mt == 0x2 ? (status >= 0x80 && status < 0xF0) : (status >= 0xF0 && n >= 0);
    if (!valid) {
      ++skipped_;
      return false;
    }
    const uint8_t bytes[3] = {status, ump::data1(words[0]), ump::data2(words[0])};
    emit(static_cast<const uint8_t*>(bytes), static_cast<uint32_t>(1 + n));
    return true;
  }
  if (mt != 0x3) {
    ++skipped_;
    return false;
  }
  ump::Sysex7 p;
  if (!ump::read_sysex7(words, p)) {
    ++skipped_;
    return false;
  }
  using S = ump::SysexStatus;
  if (p.status == S::complete || p.status == S::start) {
    len_ = 0;
    overflow_ = false;
    open_ = true;
    put(0xF0);
  } else if (!open_) {
    ++skipped_;  // a continuation without its start
    return false;
  }
  for (uint8_t i = 0; i < p.count; ++i) put(p.bytes[i]);
  if (p.status == S::complete || p.status == S::end) {
    open_ = false;
    put(0xF7);
    if (overflow_) {
      ++oversized_;
      return false;
    }
    emit(static_cast<const uint8_t*>(sysex_.data()), static_cast<uint32_t>(len_));
  }
  return true;
}

}  // namespace ac
