#include <charconv>
#include <cstdlib>
#include <sstream>

#include "net/sdp.h"

namespace ac::rtp {
namespace {

struct Line {
  char type = 0;
  std::string_view value;
  uint32_t number = 0;
};

// Splits on LF, drops a CR before it and trailing blanks.
std::vector<Line> lines_of(std::string_view text) {
  std::vector<Line> out;
  uint32_t number = 0;
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(at, end - at);
    ++number;
    while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t')) l.remove_suffix(1);
    if (l.size() >= 2 && l[1] == '=') out.push_back({l[0], l.substr(2), number});
    at = end + 1;
  }
  return out;
}

template <typename T>
bool number_of(std::string_view text, T& out) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end != text.data();
}

std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> w;
  size_t at = 0;
  while (at < text.size()) {
    const size_t start = text.find_first_not_of(" \t", at);
    if (start == std::string_view::npos) break;
    size_t end = text.find_first_of(" \t", start);
    if (end == std::string_view::npos) end = text.size();
    w.push_back(text.substr(start, end - start));
    at = end;
  }
  return w;
}

class Parser {
 public:
  Parser(std::string_view text, std::string source) : lines_(lines_of(text)), source_(std::move(source)) {}
  Expected<SdpStream> parse();

 private:
  Unexpected fail(const Line& l, const std::string& why) const {
    return unexpected(make_error(ErrorDomain::io, why, SourceLocation{source_, l.number, 1}));
  }
  void connection(std::string_view v);
  void attribute(std::string_view v, bool media, const Line& l);
  Expected<void> media_line(const Line& l);
  Expected<void> rtpmap(const Line& l, std::string_view v);
  void refclk(std::string_view v);
  void second_leg(const Line& l);
  Expected<SdpStream> finish();

  std::vector<Line> lines_;
  std::string source_;
  SdpStream s_;
  bool in_audio_ = false, seen_audio_ = false;
  bool dup_group_ = false, in_second_ = false;  // RFC 7104 a=group:DUP, and its second audio section
  std::optional<double> ptime_;
  std::optional<Line> rtpmap_line_, ptime_line_;
};

void Parser::connection(std::string_view v) {
  const auto w = words_of(v);  // IN IP4 ADDRESS[/TTL[/COUNT]]
  if (w.size() < 3) return;
  const std::string_view a = w[2];
  const size_t slash = a.find('/');
  s_.destination = std::string(a.substr(0, slash));
  s_.ttl = 0;
  if (slash != std::string_view::npos) number_of(a.substr(slash + 1), s_.ttl);
}

void Parser::second_leg(const Line& l) {
  SdpLeg& leg = *s_.duplicate;
  if (l.type == 'c') {
    const auto w = words_of(l.value);
    if (w.size() < 3) return;
    const size_t slash = w[2].find('/');
    leg.destination = std::string(w[2].substr(0, slash));
    if (slash != std::string_view::npos) number_of(w[2].substr(slash + 1), leg.ttl);
  } else if (l.type == 'a' && l.value.substr(0, 14) == "source-filter:") {
    const auto w = words_of(l.value.substr(14));
    if (w.size() >= 5 && w[0] == "incl") leg.source_filter = std::string(w[4]);
  }
}

// ptp=IEEE1588-2008:GMID[:DOMAIN], ptp=IEEE1588-2008:traceable, localmac=...
void Parser::refclk(std::string_view v) {
  s_.ts_refclk = std::string(v);
  if (v.substr(0, 4) != "ptp=") return;
  const auto parts = v.substr(4);
  const size_t c1 = parts.find(':');
  if (c1 == std::string_view::npos) return;
  const auto rest = parts.substr(c1 + 1);
  const size_t c2 = rest.find(':');
  const auto gm = rest.substr(0, c2);
  if (gm != "traceable") s_.ptp_grandmaster = std::string(gm);
  uint32_t domain = 0;
  if (c2 != std::string_view::npos && number_of(rest.substr(c2 + 1), domain)) s_.ptp_domain = domain;
  if (!s_.ptp_domain && !s_.ptp_grandmaster.empty()) s_.ptp_domain = 0;  // RFC 7273: domain 0 when absent
}

void Parser::attribute(std::string_view v, bool media, const Line& l) {
  const size_t colon = v.find(':');
  const std::string_view name = v.substr(0, colon);
  const std::string_view value = colon == std::string_view::npos ? std::string_view{} : v.substr(colon + 1);
  if (name == "rtpmap" && media) {
    rtpmap_line_ = l;
  } else if (name == "ptime") {
    double ms = 0;
    if (number_of(value, ms)) ptime_ = ms;
    ptime_line_ = l;
  } else if (name == "maxptime") {
    double ms = 0;
    if (number_of(value, ms)) s_.maxptime_ms = ms;
  } else if (name == "framecount") {
    uint32_t n = 0;
    if (number_of(value, n)) s_.framecount = n;
  } else if (name == "ts-refclk") {
    refclk(value);
  } else if (name == "mediaclk") {
    uint32_t offset = 0;
    if (value.substr(0, 7) == "direct=" && number_of(value.substr(7), offset)) s_.mediaclk_offset = offset;
  } else if (name == "sync-time") {
    uint32_t t = 0;
    if (number_of(value, t)) s_.sync_time = t;
  } else if (name == "clock-domain") {
    const auto w = words_of(value);  // PTPv2 DOMAIN
    uint32_t d = 0;
    if (w.size() >= 2 && number_of(w[1], d) && !s_.ptp_domain) s_.ptp_domain = d;
  } else if (name == "source-filter") {
    const auto w = words_of(value);  // incl IN IP4 DEST SRC...
    if (w.size() >= 5 && w[0] == "incl") s_.source_filter = std::string(w[4]);
  } else if (name == "group") {
    dup_group_ = value.substr(0, 4) == "DUP ";
  } else if (name == "recvonly" || name == "sendonly" || name == "sendrecv" || name == "inactive") {
    s_.direction = std::string(name);
  } else {
    s_.ignored.emplace_back(name);
  }
}

Expected<void> Parser::media_line(const Line& l) {
  const auto w = words_of(l.value);  // audio PORT PROTO FMT...
  if (w.size() < 4 || !number_of(w[1], s_.port)) return fail(l, "m= line: expected 'audio PORT RTP/AVP PAYLOAD-TYPE'");
  if (w[2] != "RTP/AVP") return fail(l, "m= line: transport '" + std::string(w[2]) + "' is not RTP/AVP");
  unsigned pt = 0;
  if (!number_of(w[3], pt) || pt > 127) return fail(l, "m= line: payload type '" + std::string(w[3]) + "'");
  s_.payload_type = static_cast<uint8_t>(pt);
  return {};
}

Expected<void> Parser::rtpmap(const Line& l, std::string_view v) {
  // rtpmap:PT ENCODING/RATE[/CHANNELS]
  const auto w = words_of(v.substr(v.find(':') + 1));
  unsigned pt = 0;
  if (w.size() < 2 || !number_of(w[0], pt)) return fail(l, "a=rtpmap: expected 'PT ENCODING/RATE/CHANNELS'");
  const std::string_view spec = w[1];
  const size_t s1 = spec.find('/');
  const std::string encoding(spec.substr(0, s1));
  auto e = encoding_from_name(encoding);
  if (!e) return fail(l, "a=rtpmap: " + e.error().message);
  s_.format.encoding = *e;
  s_.format.channels = 1;  // RFC 8866: one channel when not given
  if (s1 == std::string_view::npos || !number_of(spec.substr(s1 + 1), s_.format.sample_rate))
    return fail(l, "a=rtpmap: no clock rate");
  const size_t s2 = spec.find('/', s1 + 1);
  if (s2 != std::string_view::npos && !number_of(spec.substr(s2 + 1), s_.format.channels))
    return fail(l, "a=rtpmap: channel count '" + std::string(spec.substr(s2 + 1)) + "'");
  return {};
}

Expected<SdpStream> Parser::parse() {
  if (lines_.empty() || lines_[0].type != 'v') {
    Line first{'v', {}, lines_.empty() ? 1u : lines_[0].number};
    return fail(first, "not an SDP session description (it starts with v=0)");
  }
  for (const Line& l : lines_) {
    if (l.type == 'm') {
      if (seen_audio_) {
        // The first audio stream is the one described; with a=group:DUP
        // the second is its ST 2022-7 leg.
        if (!dup_group_ || in_second_ || l.value.substr(0, 6) != "audio ") break;
        in_second_ = true;
        s_.duplicate = SdpLeg{};
        const auto w = words_of(l.value);
        if (w.size() >= 2) number_of(w[1], s_.duplicate->port);
        continue;
      }
      in_audio_ = l.value.substr(0, 6) == "audio ";
      if (!in_audio_) continue;
      seen_audio_ = true;
      if (auto ok = media_line(l); !ok) return unexpected(ok.error());
      continue;
    }
    const bool session = !seen_audio_;
    if (in_second_) {
      second_leg(l);
      continue;
    }
    if (!session && !in_audio_) continue;
    switch (l.type) {
      case 'o': {
        const auto w = words_of(l.value);
        if (w.size() >= 6) {
          s_.origin_username = std::string(w[0]);
          number_of(w[1], s_.session_id);
          number_of(w[2], s_.session_version);
          s_.origin_address = std::string(w[5]);
        }
        break;
      }
      case 's':
        s_.name = std::string(l.value);
        break;
      case 'i':
        s_.info = std::string(l.value);
        break;
      case 'c':
        connection(l.value);
        break;
      case 'a':
        attribute(l.value, !session, l);
        break;
      default:
        break;
    }
  }
  if (!seen_audio_) return fail(lines_.back(), "no audio stream (m=audio) in it");
  if (!rtpmap_line_) {
    // RFC 3551's static types for L16: 10 (stereo) and 11 (mono), 44.1 kHz.
    if (s_.payload_type != 10 && s_.payload_type != 11)
      return fail(lines_.back(), "no a=rtpmap for payload type " + std::to_string(s_.payload_type));
    s_.format = StreamFormat{Encoding::l16, 44100, s_.payload_type == 10 ? 2u : 1u, PacketTime::ms1};
  } else if (auto ok = rtpmap(*rtpmap_line_, rtpmap_line_->value); !ok) {
    return unexpected(ok.error());
  }
  return finish();
}

// The packet time: a=ptime, else a=framecount (RAVENNA writes both; some
// devices only one), else AES67's default of 1 ms.
Expected<SdpStream> Parser::finish() {
  if (ptime_) {
    auto t = packet_time_from_ms(*ptime_);
    if (!t) return fail(*ptime_line_, "a=ptime: " + t.error().message);
    s_.format.packet_time = *t;
  } else if (s_.framecount && s_.format.sample_rate > 0) {
    auto t = packet_time_from_ms(1000.0 * *s_.framecount / s_.format.sample_rate);
    if (!t) return fail(lines_.back(), "a=framecount:" + std::to_string(*s_.framecount) + ": " + t.error().message);
    s_.format.packet_time = *t;
  } else {
    s_.format.packet_time = PacketTime::ms1;
  }
  return std::move(s_);
}

}  // namespace

Expected<SdpStream> parse_sdp(std::string_view text, const std::string& source) {
  return Parser(text, source).parse();
}

}  // namespace ac::rtp
