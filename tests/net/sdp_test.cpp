// SDP as deployed devices write it (conformance/sdp, each reconstructed
// from the source its README names): every field a receiver needs, read
// the same whatever the dialect. And what write_sdp() writes reads back.
#include "net/sdp.h"

#include <gtest/gtest.h>

#include <string>

#include "render_helpers.h"

namespace ac::rtp {
namespace {

const std::string kDir = std::string(AUDIOCLOUD_SOURCE_DIR) + "/conformance/sdp/";

SdpStream parse_fixture(const std::string& name) {
  auto s = parse_sdp(test::read_text(kDir + name), name);
  EXPECT_TRUE(s) << name << ": " << (s ? "" : s.error().to_string());
  return s ? *s : SdpStream{};
}

struct Expect {
  const char* file;
  const char* destination;
  uint32_t ttl;
  uint16_t port;
  uint8_t payload_type;
  Encoding encoding;
  uint32_t channels;
  PacketTime packet_time;
  const char* grandmaster;
  uint32_t domain;
  uint32_t offset;
};

TEST(Sdp, EveryDialectGivesTheFieldsAReceiverNeeds) {
  const Expect cases[] = {
      {"aes67_standard.sdp", "239.0.0.1", 32, 5004, 96, Encoding::l24, 8, PacketTime::ms1, "39-A7-94-FF-FE-07-CB-D0", 0,
       963214424},
      {"dante.sdp", "239.69.83.133", 32, 5004, 97, Encoding::l24, 2, PacketTime::ms1, "00-1D-C1-FF-FE-51-9E-F7", 0,
       2216659908u},
      {"ravenna_merging.sdp", "239.1.20.8", 15, 5004, 98, Encoding::l24, 8, PacketTime::ms1, "00-1D-C1-FF-FE-12-00-A4",
       0, 0},
      {"pipewire.sdp", "239.0.0.1", 32, 46000, 127, Encoding::l16, 2, PacketTime::ms4, "00-11-22-FF-FE-33-44-55", 0, 0},
      {"aes67_linux_daemon.sdp", "239.1.0.1", 15, 5004, 98, Encoding::l24, 2, PacketTime::us125,
       "00-1D-C1-FF-FE-AB-CD-EF", 0, 0},
      {"st2110_level_c.sdp", "239.100.1.1", 64, 50000, 100, Encoding::l24, 64, PacketTime::us125,
       "08-00-11-FF-FE-22-33-44", 127, 0},
  };
  for (const Expect& e : cases) {
    SCOPED_TRACE(e.file);
    const SdpStream s = parse_fixture(e.file);
    EXPECT_EQ(s.destination, e.destination);
    EXPECT_EQ(s.ttl, e.ttl);
    EXPECT_EQ(s.port, e.port);
    EXPECT_EQ(s.payload_type, e.payload_type);
    EXPECT_EQ(s.format.encoding, e.encoding);
    EXPECT_EQ(s.format.sample_rate, 48000u);
    EXPECT_EQ(s.format.channels, e.channels);
    EXPECT_EQ(s.format.packet_time, e.packet_time);
    EXPECT_EQ(s.ptp_grandmaster, e.grandmaster);
    ASSERT_TRUE(s.ptp_domain);
    EXPECT_EQ(*s.ptp_domain, e.domain);
    ASSERT_TRUE(s.mediaclk_offset);
    EXPECT_EQ(*s.mediaclk_offset, e.offset);
    EXPECT_TRUE(check_format(s.format)) << "every fixture is a stream AES67 can carry";
  }
  EXPECT_EQ(parse_fixture("st2110_level_c.sdp").source_filter, "10.1.1.5");
  EXPECT_EQ(parse_fixture("dante.sdp").info, "2 channels: TxChan 0, TxChan 1");
  EXPECT_EQ(parse_fixture("ravenna_merging.sdp").sync_time, std::optional<uint32_t>(0));
}

TEST(Sdp, WhatWeWriteReadsBackAndFollowsTheStandardsShape) {
  SdpStream s;
  s.session_id = 12345;
  s.session_version = 2;
  s.origin_address = "10.0.0.1";
  s.name = "audiocloud demo";
  s.destination = "239.69.1.2";
  s.ttl = 16;
  s.port = 5004;
  s.payload_type = 98;
  s.format = {Encoding::l24, 96000, 4, PacketTime::us250};
  s.ts_refclk = "ptp=IEEE1588-2008:02-00-00-FF-FE-00-00-01:0";
  s.mediaclk_offset = 4000000000u;
  s.ptp_domain = 0;
  s.source_filter = "10.0.0.1";
  const std::string text = write_sdp(s);
  EXPECT_EQ(text.substr(0, 5), "v=0\r\n");
  EXPECT_NE(text.find("a=rtpmap:98 L24/96000/4\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("a=ptime:0.250\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("a=framecount:24\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("a=mediaclk:direct=4000000000\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("c=IN IP4 239.69.1.2/16\r\n"), std::string::npos) << text;
  auto back = parse_sdp(text);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->format.encoding, s.format.encoding);
  EXPECT_EQ(back->format.sample_rate, s.format.sample_rate);
  EXPECT_EQ(back->format.channels, s.format.channels);
  EXPECT_EQ(back->format.packet_time, s.format.packet_time);
  EXPECT_EQ(back->destination, s.destination);
  EXPECT_EQ(back->ttl, s.ttl);
  EXPECT_EQ(back->ptp_grandmaster, "02-00-00-FF-FE-00-00-01");
  EXPECT_EQ(back->mediaclk_offset, s.mediaclk_offset);
  EXPECT_EQ(back->source_filter, "10.0.0.1");
  EXPECT_EQ(back->session_id, 12345u);
}

TEST(Sdp, GarbageIsRefusedWithItsLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"hello\n", "sdp:1:1: error: not an SDP session description"},
      {"v=0\ns=x\nm=video 5004 RTP/AVP 96\n", "no audio stream"},
      {"v=0\nm=audio 5004 RTP/AVP 96\na=ptime:1\n", "no a=rtpmap for payload type 96"},
      {"v=0\nm=audio 5004 RTP/AVP 96\na=rtpmap:96 AM824/48000/2\n", "sdp:3:1: error: a=rtpmap: encoding 'AM824'"},
      {"v=0\nm=audio x RTP/AVP 96\n", "sdp:2:1: error: m= line"},
      {"v=0\nm=audio 5004 RTP/AVP 96\na=rtpmap:96 L24/48000/2\na=ptime:2\n", "sdp:4:1: error: a=ptime: packet time"},
      {"v=0\nm=audio 5004 RTP/SAVP 96\n", "transport 'RTP/SAVP' is not RTP/AVP"},
  };
  for (const Case& c : cases) {
    auto s = parse_sdp(c.text);
    ASSERT_FALSE(s) << c.text;
    EXPECT_NE(s.error().to_string().find(c.message), std::string::npos) << s.error().to_string();
  }
}

}  // namespace
}  // namespace ac::rtp
