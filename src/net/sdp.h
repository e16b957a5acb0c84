#pragma once
// SDP (RFC 8866) for one AES67 audio stream, with the RTP clock signalling
// of RFC 7273 (a=ts-refclk, a=mediaclk) and the attributes AES67 and
// RAVENNA use (a=ptime, a=maxptime, a=framecount, a=sync-time,
// a=source-filter, a=clock-domain). write_sdp() writes what AES67 asks
// for; parse_sdp() reads what deployed devices write: LF or CRLF, session-
// or media-level clock attributes, unknown attributes ignored, a packet time
// from a=framecount when a=ptime is missing. Pure code.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.h"
#include "net/aes67_format.h"

namespace ac::rtp {

// The second leg of an ST 2022-7 stream (RFC 7104 a=group:DUP).
struct SdpLeg {
  std::string destination;
  uint32_t ttl = 0;
  uint16_t port = 5004;
  std::string source_filter;
};

struct SdpStream {
  // o= and s=, i=
  std::string origin_username = "-";
  uint64_t session_id = 0;
  uint64_t session_version = 0;
  std::string origin_address;  // the sender's unicast address
  std::string name;            // s=
  std::string info;            // i= (session or media)
  // c= (media level wins): where the stream goes, and its multicast TTL.
  std::string destination;
  uint32_t ttl = 0;  // 0: none given (unicast)
  // m=audio PORT RTP/AVP PT and a=rtpmap / a=ptime / a=framecount
  uint16_t port = 5004;
  uint8_t payload_type = 96;
  StreamFormat format;
  std::optional<uint32_t> framecount;
  std::optional<double> maxptime_ms;
  // RFC 7273: the reference clock and the media clock's offset.
  std::string ts_refclk;                    // the attribute's value, as written
  std::string ptp_grandmaster;              // "39-A7-94-FF-FE-07-CB-D0" ("" if not PTP)
  std::optional<uint32_t> ptp_domain;       // from ts-refclk or a=clock-domain
  std::optional<uint32_t> mediaclk_offset;  // a=mediaclk:direct=N (RTP timestamp at the PTP epoch)
  std::optional<uint32_t> sync_time;        // RAVENNA a=sync-time
  std::string source_filter;                // the unicast source in a=source-filter: incl
  std::string direction = "recvonly";       // what a receiver of this SDP does
  std::vector<std::string> ignored;         // attributes read and not used, by name
  std::optional<SdpLeg> duplicate;          // ST 2022-7: the second leg (RFC 7104 a=group:DUP)
};

// [any] The SDP text (CRLF line ends, as RFC 8866 asks).
std::string write_sdp(const SdpStream& s);

// [any] The first audio stream in `text`; errors name `source`:line:column.
Expected<SdpStream> parse_sdp(std::string_view text, const std::string& source = "sdp");

}  // namespace ac::rtp
