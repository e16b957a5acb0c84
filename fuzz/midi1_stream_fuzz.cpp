// Any byte stream through MIDI 1.0 → UMP: every packet the parser emits must
// be a valid UMP packet, and the stream it normalises to (UMP → bytes) must
// be a fixed point: parsing and writing it again gives the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "midi/midi1_to_ump.h"
#include "midi/ump_classify.h"
#include "midi/ump_to_midi1.h"

namespace {

std::vector<uint8_t> normalise(const uint8_t* data, size_t size) {
  ac::Midi1ToUmp parser;
  ac::UmpToMidi1 writer(1 << 16);
  std::vector<uint8_t> out;
  for (size_t i = 0; i < size; ++i) {
    parser.feed(data[i], [&](const uint32_t* w, uint32_t n) {
      uint32_t packet[4] = {0, 0, 0, 0};
      for (uint32_t k = 0; k < n; ++k) packet[k] = w[k];
      if (!ac::ump::classify(packet).valid()) std::abort();
      writer.convert(packet, [&](const uint8_t* b, uint32_t len) { out.insert(out.end(), b, b + len); });
    });
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> once = normalise(data, size);
  const std::vector<uint8_t> twice = normalise(once.data(), once.size());
  const std::vector<uint8_t> thrice = normalise(twice.data(), twice.size());
  if (thrice != twice) std::abort();
  return 0;
}
