// SAP packets against RFC 2974's header layout, written out by hand, and
// the forms a listener must drop.
#include "net/sap_packet.h"

#include <gtest/gtest.h>

#include <vector>

namespace ac::sap {
namespace {

TEST(SapPacket, AnnouncementHasTheRfcHeaderAndTheSdpType) {
  Packet p;
  p.message_id_hash = 0x1234;
  p.origin = {10, 0, 0, 1};
  p.sdp = "v=0\r\n";
  const std::vector<uint8_t> bytes = encode(p);
  const std::vector<uint8_t> head = {0x20, 0x00, 0x12, 0x34, 10, 0, 0, 1};
  ASSERT_GE(bytes.size(), head.size());
  EXPECT_EQ(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 8), head);
  const std::string rest(bytes.begin() + 8, bytes.end());
  EXPECT_EQ(rest, std::string("application/sdp\0v=0\r\n", 21));
  p.deletion = true;
  EXPECT_EQ(encode(p)[0], 0x24);
  auto back = decode(encode(p));
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->deletion);
  EXPECT_EQ(back->message_id_hash, 0x1234);
  EXPECT_EQ(back->sdp, "v=0\r\n");
}

TEST(SapPacket, ReadsIpv6OriginsAuthenticationAndAnUntypedPayload) {
  // V=1 A=1 (IPv6), auth length 1 word, hash 0x0001, 16-byte origin, 4 bytes
  // of authentication data, then SDP without a payload type.
  std::vector<uint8_t> d = {0x30, 0x01, 0x00, 0x01};
  d.insert(d.end(), 16, 0xFE);
  d.insert(d.end(), {1, 2, 3, 4});
  const std::string sdp = "v=0\ns=x\n";
  d.insert(d.end(), sdp.begin(), sdp.end());
  auto p = decode(d);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->origin_ipv6);
  EXPECT_EQ(p->sdp, sdp);
}

TEST(SapPacket, WhatCannotBeReadIsRejectedByKind) {
  struct Case {
    std::vector<uint8_t> bytes;
    Rejection why;
  };
  const std::vector<Case> cases = {
      {{0x20, 0x00}, Rejection::too_short},
      {{0x40, 0x00, 0, 1, 10, 0, 0, 1}, Rejection::bad_version},
      {{0x22, 0x00, 0, 1, 10, 0, 0, 1}, Rejection::encrypted},
      {{0x21, 0x00, 0, 1, 10, 0, 0, 1}, Rejection::compressed},
      {{0x20, 0x05, 0, 1, 10, 0, 0, 1, 0, 0}, Rejection::bad_auth_length},
      {{0x20, 0x00, 0, 1, 10, 0, 0, 1, 't', 'e', 'x', 't', 0, 'v', '='}, Rejection::wrong_payload_type},
  };
  for (const Case& c : cases) {
    Rejection why = Rejection::count_;
    EXPECT_FALSE(decode(c.bytes, &why)) << to_string(c.why);
    EXPECT_EQ(why, c.why) << to_string(c.why);
  }
}

TEST(SapPacket, TheHashFollowsTheOriginLine) {
  const uint16_t a = message_id_hash("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=a\r\n");
  EXPECT_EQ(a, message_id_hash("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=other name\r\n"));
  EXPECT_NE(a, message_id_hash("v=0\r\no=- 1 2 IN IP4 10.0.0.1\r\ns=a\r\n"));
  EXPECT_NE(a, 0);
}

}  // namespace
}  // namespace ac::sap
