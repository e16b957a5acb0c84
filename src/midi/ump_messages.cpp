#include "midi/ump_messages.h"

namespace ac::ump {
namespace {

// Places bytes big-endian into words[first_word..] starting at byte
// `first_byte` of that word (0 = most significant).
void put_bytes(Words& w, size_t first_word, size_t first_byte, const uint8_t* bytes, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const size_t pos = first_byte + i;
    const size_t word = first_word + pos / 4;
    if (word > 3) return;
    w[word] |= uint32_t{bytes[i]} << (8 * (3 - pos % 4));
  }
}

}  // namespace

Words sysex8(uint8_t grp, Data128Status status, uint8_t stream_id, const uint8_t* bytes, uint8_t count) {
  if (count > 13) count = 13;
  Words w{detail::head(0x5, grp) | uint32_t{static_cast<uint8_t>(status)} << 20 | uint32_t{count + 1u} << 16 |
              uint32_t{stream_id} << 8,
          0, 0, 0};
  put_bytes(w, 0, 3, bytes, count);
  return w;
}

Words mixed_data_set_header(uint8_t grp, uint8_t mds_id, uint16_t valid_bytes, uint16_t chunks, uint16_t chunk,
                            uint16_t manufacturer, uint16_t device, uint16_t sub_id1, uint16_t sub_id2) {
  return {detail::head(0x5, grp) | 0x8u << 20 | (uint32_t{mds_id} & 0xF) << 16 | valid_bytes,
          uint32_t{chunks} << 16 | chunk, uint32_t{manufacturer} << 16 | device, uint32_t{sub_id1} << 16 | sub_id2};
}

Words mixed_data_set_payload(uint8_t grp, uint8_t mds_id, const uint8_t (&bytes)[14]) {
  Words w{detail::head(0x5, grp) | 0x9u << 20 | (uint32_t{mds_id} & 0xF) << 16, 0, 0, 0};
  put_bytes(w, 0, 2, bytes, 14);
  return w;
}

Words flex_text(uint8_t grp, Form form, FlexAddress addr, uint8_t ch, uint8_t bank, uint8_t status,
                std::string_view text) {
  Words w = flex(grp, form, addr, ch, bank, status, 0);
  put_bytes(w, 1, 0, reinterpret_cast<const uint8_t*>(text.data()), std::min<size_t>(text.size(), 12));
  return w;
}

Words stream_text(Form form, StreamStatus status, std::string_view text) {
  Words w = stream(form, status, 0);
  put_bytes(w, 0, 2, reinterpret_cast<const uint8_t*>(text.data()), std::min<size_t>(text.size(), 14));
  return w;
}

Words function_block_name(Form form, uint8_t block, std::string_view text) {
  Words w = stream(form, StreamStatus::function_block_name, static_cast<uint16_t>(block << 8));
  put_bytes(w, 0, 3, reinterpret_cast<const uint8_t*>(text.data()), std::min<size_t>(text.size(), 13));
  return w;
}

}  // namespace ac::ump
