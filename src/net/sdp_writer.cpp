#include <sstream>

#include "net/sdp.h"

namespace ac::rtp {
namespace {

constexpr const char* kCrlf = "\r\n";

// One m=audio section: where it goes (c= at media level, as ST 2110 and
// RAVENNA write it), its format and clock, its mid when there are two.
void write_media(std::ostringstream& o, const SdpStream& s, const SdpLeg& leg, const char* mid) {
  o << "m=audio " << leg.port << " RTP/AVP " << unsigned{s.payload_type} << kCrlf;
  o << "c=IN IP4 " << leg.destination;
  if (leg.ttl) o << '/' << leg.ttl;
  o << kCrlf;
  if (!leg.source_filter.empty())
    o << "a=source-filter: incl IN IP4 " << leg.destination << ' ' << leg.source_filter << kCrlf;
  o << "a=rtpmap:" << unsigned{s.payload_type} << ' ' << to_string(s.format.encoding) << '/' << s.format.sample_rate
    << '/' << s.format.channels << kCrlf;
  o << "a=ptime:" << ptime_text(s.format.packet_time) << kCrlf;
  if (s.maxptime_ms) o << "a=maxptime:" << *s.maxptime_ms << kCrlf;
  o << "a=framecount:" << s.format.frames_per_packet() << kCrlf;
  if (s.sync_time) o << "a=sync-time:" << *s.sync_time << kCrlf;
  if (!s.ts_refclk.empty()) o << "a=ts-refclk:" << s.ts_refclk << kCrlf;
  if (s.mediaclk_offset) o << "a=mediaclk:direct=" << *s.mediaclk_offset << kCrlf;
  if (mid) o << "a=mid:" << mid << kCrlf;
  o << "a=" << s.direction << kCrlf;
}

}  // namespace

std::string write_sdp(const SdpStream& s) {
  std::ostringstream o;
  o << "v=0" << kCrlf;
  o << "o=" << s.origin_username << ' ' << s.session_id << ' ' << s.session_version << " IN IP4 " << s.origin_address
    << kCrlf;
  o << "s=" << (s.name.empty() ? "audiocloud" : s.name) << kCrlf;
  if (!s.info.empty()) o << "i=" << s.info << kCrlf;
  o << "t=0 0" << kCrlf;
  if (s.duplicate) o << "a=group:DUP primary secondary" << kCrlf;
  if (s.ptp_domain) o << "a=clock-domain:PTPv2 " << *s.ptp_domain << kCrlf;
  write_media(o, s, SdpLeg{s.destination, s.ttl, s.port, s.source_filter}, s.duplicate ? "primary" : nullptr);
  if (s.duplicate) write_media(o, s, *s.duplicate, "secondary");
  return o.str();
}

}  // namespace ac::rtp
