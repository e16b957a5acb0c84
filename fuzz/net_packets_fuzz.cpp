// The AES67 parsers on the bytes a network hands them: each input is read
// as an RTP packet (and its payload unpacked as L16 and L24), as a SAP
// packet (and the SDP inside it), and as SDP text. None may crash, hang or
// read outside the input; what they accept must make sense.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "net/pcm_payload.h"
#include "net/rtp_packet.h"
#include "net/sap_packet.h"
#include "net/sdp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  if (auto p = ac::rtp::decode(bytes)) {
    if (p->payload.data() < data || p->payload.data() + p->payload.size() > data + size) __builtin_trap();
    std::vector<float> out(p->payload.size() / 2 + 1);
    ac::rtp::unpack_pcm(p->payload, ac::rtp::Encoding::l16, out.data());
    ac::rtp::unpack_pcm(p->payload, ac::rtp::Encoding::l24, out.data());
  }
  if (auto s = ac::sap::decode(bytes)) (void)ac::rtp::parse_sdp(s->sdp);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto sdp = ac::rtp::parse_sdp(text)) {
    // What parses writes back and parses again to the same format.
    auto again = ac::rtp::parse_sdp(ac::rtp::write_sdp(*sdp));
    if (!again || again->format.channels != sdp->format.channels ||
        again->format.packet_time != sdp->format.packet_time)
      __builtin_trap();
  }
  return 0;
}
