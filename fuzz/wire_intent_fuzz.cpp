// The node fabric's parsers on the bytes a peer hands them: each input is
// read as an intent message (CBOR) and as an audio datagram. None may
// crash, hang or read outside the input; a message that decodes encodes
// to bytes that decode to the same message (the encoder's form is
// canonical, the decoder's reading total).
#include <cstddef>
#include <cstdint>
#include <span>

#include "net/wire_datagram.h"
#include "net/wire_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  const ac::wire::Decoded d = ac::wire::decode(bytes);
  if (d.ok()) {
    const auto again = ac::wire::decode(ac::wire::encode(d.message));
    if (!again.ok() || !(again.message == d.message)) __builtin_trap();
  }
  if (auto g = ac::wire::decode_datagram(bytes)) {
    const auto& p = g->packet.payload;
    if (p.data() < data || p.data() + p.size() > data + size) __builtin_trap();
  }
  return 0;
}
