#pragma once
// Listens for SAP announcements (RFC 2974) on an interface for a while and
// returns the streams on the network as their SDP describes them; a
// deletion removes its stream. What cannot be read is counted by kind.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/expected.h"
#include "net/sap_packet.h"
#include "net/sdp.h"

namespace ac::net {

struct AnnouncedStream {
  std::string origin;  // the announcer's IPv4 address
  uint16_t hash = 0;
  rtp::SdpStream sdp;
  std::string sdp_text;
};

struct SapListing {
  std::vector<AnnouncedStream> streams;
  std::array<uint64_t, sap::kRejectionKinds> rejected{};
  uint64_t bad_sdp = 0;  // SAP packets whose SDP did not parse
};

// [control] Listens for `seconds` on `interface` ("" = the kernel's choice);
// with `wanted` set, returns as soon as a stream of that name is announced.
Expected<SapListing> listen_for_sap(const std::string& interface, double seconds, const std::string& wanted = "");

}  // namespace ac::net
