#pragma once
// Reads a UMP packet back: which message it is, and whether it is valid as
// the UMP specification (M2-104-UM v1.1) lays it out — known message type
// and status, fields in range, reserved fields zero. And a streaming reader
// that cuts a stream of 32-bit words into packets by message type.
#include <cstdint>

#include "midi/ump.h"

namespace ac::ump {

struct Check {
  const char* name = "";          // "MIDI 2.0 note on", "flex data: set tempo" ...
  const char* problem = nullptr;  // null when valid, else what is wrong
  bool valid() const { return problem == nullptr; }
};

// `words` holds word_count(message_type(words[0])) words.
Check classify(const uint32_t* words) noexcept;

// Splits a word stream into packets. Every message type has a size, so a
// stream never loses its framing; invalid packets are still whole packets
// (the caller classifies them).
class StreamReader {
 public:
  // [audio] Feeds one word; calls emit(const uint32_t* words, uint32_t count)
  // when it completes a packet.
  template <typename Emit>
  void feed(uint32_t word, Emit&& emit) noexcept {
    words_[have_++] = word;
    if (have_ == word_count(message_type(words_[0]))) {
      emit(static_cast<const uint32_t*>(words_), have_);
      have_ = 0;
    }
  }
  bool mid_packet() const noexcept { return have_ != 0; }
  void reset() noexcept { have_ = 0; }

 private:
  uint32_t words_[4] = {};
  uint32_t have_ = 0;
};

}  // namespace ac::ump
