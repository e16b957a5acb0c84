// Any word stream through the UMP stream reader and classifier, and every
// valid channel voice packet through the protocol translators: what they
// produce must itself be valid UMP, and MIDI 1.0 bytes written from any
// packet must parse back into valid packets.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "midi/midi1_to_ump.h"
#include "midi/translate.h"
#include "midi/ump_classify.h"
#include "midi/ump_to_midi1.h"

namespace {

void must_be_valid(const uint32_t* w) {
  uint32_t packet[4] = {0, 0, 0, 0};
  std::memcpy(packet, w, 4 * ac::ump::word_count(ac::ump::message_type(w[0])));
  if (!ac::ump::classify(packet).valid()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ac::ump::StreamReader reader;
  ac::ump::Midi1ToMidi2 up;
  ac::ump::Midi2ToMidi1 down;
  ac::UmpToMidi1 writer(4096);
  ac::Midi1ToUmp parser;
  for (size_t i = 0; i + 4 <= size; i += 4) {
    uint32_t word = 0;
    std::memcpy(&word, data + i, 4);
    reader.feed(word, [&](const uint32_t* w, uint32_t n) {
      uint32_t packet[4] = {0, 0, 0, 0};
      std::memcpy(packet, w, 4 * n);
      const ac::ump::Check c = ac::ump::classify(packet);
      if (!c.valid()) return;
      const uint8_t mt = ac::ump::message_type(packet[0]);
      if (mt == 0x2) up.convert(packet[0], [](const ac::ump::Words& out) { must_be_valid(out.data()); });
      if (mt == 0x4) down.convert(packet, [](uint32_t out) { must_be_valid(&out); });
      writer.convert(packet, [&](const uint8_t* b, uint32_t len) {
        for (uint32_t k = 0; k < len; ++k) parser.feed(b[k], [](const uint32_t* p, uint32_t) { must_be_valid(p); });
      });
    });
  }
  return 0;
}
