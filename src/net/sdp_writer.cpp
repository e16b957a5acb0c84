#include <sstream>

#include "net/sdp.h"

namespace ac::rtp {

std::string write_sdp(const SdpStream& s) {
  std::ostringstream o;
  const char* crlf = "\r\n";
  o << "v=0" << crlf;
  o << "o=" << s.origin_username << ' ' << s.session_id << ' ' << s.session_version << " IN IP4 " << s.origin_address
    << crlf;
  o << "s=" << (s.name.empty() ? "audiocloud" : s.name) << crlf;
  if (!s.info.empty()) o << "i=" << s.info << crlf;
  o << "c=IN IP4 " << s.destination;
  if (s.ttl) o << '/' << s.ttl;
  o << crlf << "t=0 0" << crlf;
  if (s.ptp_domain) o << "a=clock-domain:PTPv2 " << *s.ptp_domain << crlf;
  o << "m=audio " << s.port << " RTP/AVP " << unsigned{s.payload_type} << crlf;
  if (!s.source_filter.empty()) o << "a=source-filter: incl IN IP4 " << s.destination << ' ' << s.source_filter << crlf;
  o << "a=rtpmap:" << unsigned{s.payload_type} << ' ' << to_string(s.format.encoding) << '/' << s.format.sample_rate
    << '/' << s.format.channels << crlf;
  o << "a=ptime:" << ptime_text(s.format.packet_time) << crlf;
  if (s.maxptime_ms) o << "a=maxptime:" << *s.maxptime_ms << crlf;
  o << "a=framecount:" << s.format.frames_per_packet() << crlf;
  if (s.sync_time) o << "a=sync-time:" << *s.sync_time << crlf;
  if (!s.ts_refclk.empty()) o << "a=ts-refclk:" << s.ts_refclk << crlf;
  if (s.mediaclk_offset) o << "a=mediaclk:direct=" << *s.mediaclk_offset << crlf;
  o << "a=" << s.direction << crlf;
  return o.str();
}

}  // namespace ac::rtp
