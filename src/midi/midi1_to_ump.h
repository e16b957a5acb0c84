#pragma once
// MIDI 1.0 byte stream → UMP (M2-104-UM, "MIDI 1.0 protocol in UMP"):
// channel voice messages become MT 0x2 packets, system common and real-time
// messages MT 0x1, SysEx any length MT 0x3 packets of up to six bytes.
// Running status is honoured; real-time bytes may appear anywhere, also
// inside a SysEx or between a status and its data, and are passed on at
// once without disturbing what they interrupt. Stray data bytes and the
// undefined statuses are counted and dropped.
#include <cstdint>

#include "midi/ump.h"

namespace ac {

class Midi1ToUmp {
 public:
  explicit Midi1ToUmp(uint8_t group = 0) : group_(group & 0xF) {}

  // [audio] Feeds one byte; calls emit(const uint32_t* words, uint32_t count)
  // for every packet it completes. Never allocates.
  template <typename Emit>
  void feed(uint8_t byte, Emit&& emit) noexcept;

  // [audio] Forgets running status and any unfinished message.
  void reset() noexcept {
    status_ = 0;
    have_ = 0;
    in_sysex_ = false;
    sysex_.count = 0;
    sysex_started_ = false;
  }

  uint64_t ignored() const noexcept { return ignored_; }  // bytes dropped

 private:
  template <typename Emit>
  void flush_sysex(ump::SysexStatus last_or_more, Emit& emit) noexcept;

  uint8_t group_;
  uint8_t status_ = 0;  // running status (channel voice) or pending system common
  uint8_t data_[2] = {};
  uint8_t have_ = 0;
  bool in_sysex_ = false;
  bool sysex_started_ = false;  // a start packet was sent for this SysEx
  ump::Sysex7 sysex_;
  uint64_t ignored_ = 0;
};

template <typename Emit>
void Midi1ToUmp::flush_sysex(ump::SysexStatus kind, Emit& emit) noexcept {
  // kind: `end` when the message finished here, `continue_` when more follows.
  const bool more = kind == ump::SysexStatus::continue_;
  if (more) {
    sysex_.status = sysex_started_ ? ump::SysexStatus::continue_ : ump::SysexStatus::start;
  } else {
    sysex_.status = sysex_started_ ? ump::SysexStatus::end : ump::SysexStatus::complete;
  }
  uint32_t words[2];
  ump::make_sysex7(group_, sysex_, words);
  emit(static_cast<const uint32_t*>(words), 2u);
  sysex_started_ = more;
  sysex_.count = 0;
}

template <typename Emit>
void Midi1ToUmp::feed(uint8_t byte, Emit&& emit) noexcept {
  if (byte >= 0xF8) {  // real-time: anywhere, at once
    if (ump::midi1_data_bytes(byte) == 0) {
      const uint32_t w = ump::system(group_, byte);
      emit(&w, 1u);
    } else {
      ++ignored_;  // F9, FD: undefined
    }
    return;
  }
  if (byte & 0x80) {
    if (in_sysex_) {
      // F7 ends it; any other status ends it too (the message was cut short)
      // and is then handled as itself.
      in_sysex_ = false;
      flush_sysex(ump::SysexStatus::end, emit);
      if (byte == 0xF7) return;
    }
    have_ = 0;
    if (byte == 0xF0) {
      in_sysex_ = true;
      sysex_started_ = false;
      sysex_.count = 0;
      status_ = 0;
      return;
    }
    const int n = ump::midi1_data_bytes(byte);
    if (n < 0) {  // F7 outside a SysEx, F4, F5
      ++ignored_;
      status_ = 0;
      return;
    }
    if (n == 0) {  // F6 tune request
      const uint32_t w = ump::system(group_, byte);
      emit(&w, 1u);
      status_ = 0;
      return;
    }
    status_ = byte;  // system common cancels running status: cleared after its data
    return;
  }
  // A data byte.
  if (in_sysex_) {
    if (sysex_.count == 6) flush_sysex(ump::SysexStatus::continue_, emit);
    sysex_.bytes[sysex_.count++] = byte;
    return;
  }
  if (status_ == 0) {
    ++ignored_;
    return;
  }
  data_[have_++] = byte;
  const int need = ump::midi1_data_bytes(status_);
  if (have_ < need) return;
  have_ = 0;
  uint32_t w = 0;
  if (status_ < 0xF0) {
    w = ump::midi1(group_, status_, data_[0], need == 2 ? data_[1] : 0);
  } else {
    w = ump::system(group_, status_, data_[0], need == 2 ? data_[1] : 0);
    status_ = 0;  // no running status for system common
  }
  emit(&w, 1u);
}

}  // namespace ac
