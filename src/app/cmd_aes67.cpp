// `audiocloud aes67 ls [--interface IF] [--duration 5s] [--json]`: the AES67
// streams announced with SAP on the network, as a table or JSON: name,
// source, destination, channels, format, packet time, PTP grandmaster.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "graph/time_spec.h"
#include "net/sap_listener.h"

namespace ac {
namespace {

nlohmann::json to_json(const net::AnnouncedStream& s) {
  const rtp::SdpStream& d = s.sdp;
  return {{"name", d.name},
          {"announced_by", s.origin},
          {"destination", d.destination + ":" + std::to_string(d.port)},
          {"channels", d.format.channels},
          {"encoding", rtp::to_string(d.format.encoding)},
          {"sample_rate", d.format.sample_rate},
          {"packet_time", rtp::to_string(d.format.packet_time)},
          {"payload_type", d.payload_type},
          {"ptp_grandmaster", d.ptp_grandmaster},
          {"ptp_domain", d.ptp_domain ? nlohmann::json(*d.ptp_domain) : nlohmann::json()},
          {"sdp", s.sdp_text}};
}

}  // namespace

int run_aes67_ls(const Aes67Args& args) {
  auto ms = parse_duration(args.duration, TimeContext{1000.0, {}, 4});
  if (!ms || *ms <= 0) {
    std::cerr << "error: --duration " << args.duration << ": give it in seconds ('5s') or ms\n";
    return kExitBadInput;
  }
  if (!args.json)
    std::fprintf(stderr, "listening for SAP announcements for %.1f s%s (devices announce every 30 s or so)\n",
                 static_cast<double>(*ms) / 1000.0, args.interface.empty() ? "" : (" on " + args.interface).c_str());
  auto listing = net::listen_for_sap(args.interface, static_cast<double>(*ms) / 1000.0);
  if (!listing) {
    std::cerr << "error: " << listing.error().message << "\n";
    return kExitIo;
  }
  if (args.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& s : listing->streams) j.push_back(to_json(s));
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  std::printf("%-28s %-22s %-16s %3s %-4s %-6s %-6s %s\n", "name", "destination", "announced by", "ch", "enc", "rate",
              "ptime", "PTP grandmaster");
  for (const auto& s : listing->streams) {
    const rtp::SdpStream& d = s.sdp;
    std::printf("%-28s %-22s %-16s %3u %-4s %-6u %-6s %s\n", d.name.c_str(),
                (d.destination + ":" + std::to_string(d.port)).c_str(), s.origin.c_str(), d.format.channels,
                rtp::to_string(d.format.encoding), d.format.sample_rate, rtp::to_string(d.format.packet_time),
                d.ptp_grandmaster.empty() ? "-" : d.ptp_grandmaster.c_str());
  }
  uint64_t rejected = listing->bad_sdp;
  for (const uint64_t n : listing->rejected) rejected += n;
  std::printf("%zu stream%s", listing->streams.size(), listing->streams.size() == 1 ? "" : "s");
  if (rejected) std::printf(" (%llu announcements could not be read)", static_cast<unsigned long long>(rejected));
  std::printf("\n");
  return kExitOk;
}

}  // namespace ac
