#include "net/sap_listener.h"

#include <arpa/inet.h>

#include <chrono>

#include "net/udp_socket.h"

namespace ac::net {

Expected<SapListing> listen_for_sap(const std::string& interface, double seconds, const std::string& wanted) {
  SocketOptions o;
  o.interface = interface;
  auto socket = UdpSocket::receiver(Endpoint{sap::kGroup, sap::kPort}, o);
  if (!socket) return unexpected(socket.error());
  SapListing out;
  std::vector<uint8_t> datagram(65536);
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    const int n = socket->receive(datagram, 50);
    if (n <= 0 || static_cast<size_t>(n) > datagram.size()) continue;
    sap::Rejection why{};
    auto p = sap::decode(std::span<const uint8_t>(datagram.data(), static_cast<size_t>(n)), &why);
    if (!p) {
      ++out.rejected[static_cast<size_t>(why)];
      continue;
    }
    char origin[INET_ADDRSTRLEN] = "?";
    if (!p->origin_ipv6) inet_ntop(AF_INET, p->origin.data(), origin, sizeof origin);
    auto same = [&](const AnnouncedStream& s) { return s.origin == origin && s.hash == p->message_id_hash; };
    std::erase_if(out.streams, same);
    if (p->deletion) continue;
    auto sdp = rtp::parse_sdp(p->sdp, std::string("SAP from ") + origin);
    if (!sdp) {
      ++out.bad_sdp;
      continue;
    }
    out.streams.push_back({origin, p->message_id_hash, std::move(*sdp), p->sdp});
    if (!wanted.empty() && out.streams.back().sdp.name == wanted) break;
  }
  return out;
}

}  // namespace ac::net
