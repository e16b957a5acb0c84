#include "net/wire_datagram.h"

#include <string>

#include "net/quic_varint.h"

namespace ac::wire {

Expected<DatagramView> decode_datagram(std::span<const uint8_t> datagram) {
  size_t used = 0;
  const auto flow = quic::read_varint(datagram, used);
  if (!flow) return unexpected(make_error(ErrorDomain::net, "datagram: the flow id runs past its end"));
  rtp::Rejection why{};
  auto packet = rtp::decode(datagram.subspan(used), &why);
  if (!packet)
    return unexpected(
        make_error(ErrorDomain::net, std::string("datagram: not an RTP packet (") + rtp::to_string(why) + ")"));
  return DatagramView{*flow, *packet};
}

void encode_datagram(uint64_t flow, const rtp::Header& header, std::span<const uint8_t> payload,
                     std::vector<uint8_t>& out) {
  out.clear();
  quic::put_varint(out, flow);
  const size_t at = out.size();
  out.resize(at + rtp::kFixedHeaderBytes);
  rtp::encode_header(header, std::span<uint8_t, rtp::kFixedHeaderBytes>(out.data() + at, rtp::kFixedHeaderBytes));
  out.insert(out.end(), payload.begin(), payload.end());
}

}  // namespace ac::wire
