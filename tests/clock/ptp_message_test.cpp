// PTPv2 message codecs against byte vectors written out by hand from
// IEEE 1588-2008 clause 13 (header 13.3, Announce 13.5, Sync and Delay_Req
// 13.6, Follow_Up 13.7, Delay_Resp 13.8).
#include "clock/ptp_message.h"

#include <gtest/gtest.h>

namespace ac::ptp {
namespace {

const ClockIdentity kId = {0x00, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55};

std::vector<uint8_t> header_bytes(uint8_t type, uint16_t length, uint16_t flag_field, uint8_t control,
                                  uint8_t log_interval, uint16_t sequence) {
  return {type,
          0x02,
          static_cast<uint8_t>(length >> 8),
          static_cast<uint8_t>(length),
          0x00,
          0x00,
          static_cast<uint8_t>(flag_field >> 8),
          static_cast<uint8_t>(flag_field),
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,  // correction
          0,
          0,
          0,
          0,  // reserved
          0x00,
          0x11,
          0x22,
          0xFF,
          0xFE,
          0x33,
          0x44,
          0x55,
          0x00,
          0x01,  // source port
          static_cast<uint8_t>(sequence >> 8),
          static_cast<uint8_t>(sequence),
          control,
          log_interval};
}

std::vector<uint8_t> cat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Message base(MessageType t, uint16_t flag_field, int8_t log_interval, uint16_t sequence) {
  Message m;
  m.header.type = t;
  m.header.flags = flag_field;
  m.header.log_interval = log_interval;
  m.header.sequence = sequence;
  m.header.source = {kId, 1};
  return m;
}

TEST(PtpMessage, AnnounceMatchesTheStandardLayout) {
  Message m = base(MessageType::announce, flags::ptp_timescale | flags::utc_offset_valid, 1, 7);
  m.announce.utc_offset = 37;
  m.announce.priority1 = 128;
  m.announce.quality = {248, 0xFE, 0xFFFF};
  m.announce.priority2 = 127;
  m.announce.grandmaster = kId;
  m.announce.steps_removed = 0;
  m.announce.time_source = 0xA0;
  const auto want = cat(header_bytes(0x0B, 64, 0x000C, 0x05, 0x01, 7),
                        {0,    0,    0,    0,    0,    0,    0,    0,    0, 0,  // origin timestamp
                         0x00, 0x25,                                            // currentUtcOffset 37
                         0x00,                                                  // reserved
                         0x80,                                                  // priority1
                         0xF8, 0xFE, 0xFF, 0xFF,  // clockClass, clockAccuracy, offsetScaledLogVariance
                         0x7F,                    // priority2
                         0x00, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55,  // grandmasterIdentity
                         0x00, 0x00,                                      // stepsRemoved
                         0xA0});                                          // timeSource
  ASSERT_EQ(want.size(), 64u);
  EXPECT_EQ(encode(m), want);
  auto back = decode(want);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->header.type, MessageType::announce);
  EXPECT_EQ(back->header.sequence, 7);
  EXPECT_EQ(back->header.log_interval, 1);
  EXPECT_EQ(back->announce.priority2, 127);
  EXPECT_EQ(back->announce.quality.clock_class, 248);
  EXPECT_EQ(back->announce.grandmaster, kId);
  EXPECT_EQ(back->announce.utc_offset, 37);
}

TEST(PtpMessage, TwoStepSyncFollowUpDelayReqDelayResp) {
  Message sync = base(MessageType::sync, flags::two_step, -3, 0x1234);
  EXPECT_EQ(encode(sync), cat(header_bytes(0x00, 44, 0x0200, 0x00, 0xFD, 0x1234), std::vector<uint8_t>(10, 0)));

  Message fu = base(MessageType::follow_up, 0, -3, 0x1234);
  fu.timestamp = {1700000000, 123456789};  // 0x00006553F100, 0x075BCD15
  const auto fu_bytes =
      cat(header_bytes(0x08, 44, 0, 0x02, 0xFD, 0x1234), {0x00, 0x00, 0x65, 0x53, 0xF1, 0x00, 0x07, 0x5B, 0xCD, 0x15});
  EXPECT_EQ(encode(fu), fu_bytes);
  auto fu_back = decode(fu_bytes);
  ASSERT_TRUE(fu_back);
  EXPECT_EQ(fu_back->timestamp, fu.timestamp);
  EXPECT_EQ(fu_back->timestamp.to_ptp().ns, 1700000000123456789);

  Message req = base(MessageType::delay_req, 0, 0x7F, 9);
  EXPECT_EQ(encode(req), cat(header_bytes(0x01, 44, 0, 0x01, 0x7F, 9), std::vector<uint8_t>(10, 0)));

  Message resp = base(MessageType::delay_resp, 0, -3, 9);
  resp.header.correction = int64_t{1500} << 16;  // 1.5 µs
  resp.timestamp = {2, 500};
  resp.requesting_port = {{0xAA, 0xBB, 0xCC, 0xFF, 0xFE, 0xDD, 0xEE, 0x01}, 3};
  auto want = cat(header_bytes(0x09, 54, 0, 0x03, 0xFD, 9),
                  {0, 0, 0, 0, 0, 2, 0, 0, 0x01, 0xF4, 0xAA, 0xBB, 0xCC, 0xFF, 0xFE, 0xDD, 0xEE, 0x01, 0x00, 0x03});
  want[8 + 4] = 0x05;  // correction 1500 << 16 = 0x00000000'05DC0000
  want[8 + 5] = 0xDC;
  EXPECT_EQ(encode(resp), want);
  auto back = decode(want);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->header.correction, int64_t{1500} << 16);
  EXPECT_EQ(back->requesting_port, resp.requesting_port);
}

TEST(PtpMessage, BadPacketsSayWhy) {
  std::vector<uint8_t> p = encode(base(MessageType::sync, 0, 0, 1));
  EXPECT_EQ(decode(std::span(p.data(), 20)).error().message, "PTP: packet of 20 bytes is shorter than a header");
  auto v1 = p;
  v1[1] = 0x01;
  EXPECT_EQ(decode(v1).error().message, "PTP: version 1, not 2");
  auto mgmt = p;
  mgmt[0] = 0x0D;
  EXPECT_EQ(decode(mgmt).error().message, "PTP: message type 13 is not handled");
  auto cut = p;
  cut.resize(40);
  EXPECT_EQ(decode(cut).error().message,
            "PTP: message type 0 needs 44 bytes; the packet has 40, its length field says 44");
  auto ns = p;
  ns[40] = 0x3C;  // nanoseconds 0x3C000000 > 10^9 (= 0x3B9ACA00)
  EXPECT_EQ(decode(ns).error().message, "PTP: a timestamp's nanoseconds field is 10^9 or more");
  // 2019 peers fill minorSdoId and may append TLVs: still accepted.
  std::vector<uint8_t> longer(60, 0);
  std::copy(p.begin(), p.end(), longer.begin());
  longer[5] = 0x01;
  EXPECT_TRUE(decode(longer));
}

// What ptp4l drops as "bad message", as byte fixtures: each with the kind
// it is counted as (the counters `audiocloud ptp --json` reports).
std::vector<uint8_t> announce_bytes(uint16_t message_length, const std::vector<uint8_t>& suffix) {
  Message m = base(MessageType::announce, flags::ptp_timescale, 1, 3);
  m.announce.grandmaster = kId;
  auto bytes = cat(encode(m), suffix);
  bytes[2] = static_cast<uint8_t>(message_length >> 8);
  bytes[3] = static_cast<uint8_t>(message_length);
  return bytes;
}

Rejection rejection_of(const std::vector<uint8_t>& bytes) {
  Rejection why = Rejection::count_;
  EXPECT_FALSE(decode(bytes, &why));
  return why;
}

TEST(PtpMessage, MalformedAnnouncesAreRejectedAsPtp4lRejectsThem) {
  // messageLength 200 in a 64-byte datagram.
  EXPECT_EQ(rejection_of(announce_bytes(200, {})), Rejection::length);
  // messageLength below the Announce body.
  EXPECT_EQ(rejection_of(announce_bytes(60, {})), Rejection::length);
  // A trailing TLV whose length (0xfff0) runs past the message.
  EXPECT_EQ(rejection_of(announce_bytes(68, {0x00, 0x03, 0xFF, 0xF0})), Rejection::tlv);
  // A TLV of length 3 with no value: odd, and past the end.
  EXPECT_EQ(rejection_of(announce_bytes(68, {0x00, 0x03, 0x00, 0x03})), Rejection::tlv);
  // A TLV of length 2 with one byte of it in the message.
  EXPECT_EQ(rejection_of(announce_bytes(69, {0x00, 0x03, 0x00, 0x02, 0xAB})), Rejection::tlv);
  // Half a TLV header.
  EXPECT_EQ(rejection_of(announce_bytes(66, {0x00, 0x03})), Rejection::tlv);
  // A well-formed TLV (a PATH_TRACE of one identity) is fine, and so are
  // bytes after messageLength (padding).
  EXPECT_TRUE(decode(announce_bytes(76, {0x00, 0x08, 0x00, 0x08, 0, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55})));
  EXPECT_TRUE(decode(announce_bytes(64, {0xDE, 0xAD})));
  auto v1 = announce_bytes(64, {});
  v1[1] = 0x01;
  EXPECT_EQ(rejection_of(v1), Rejection::version);
  EXPECT_EQ(rejection_of(std::vector<uint8_t>(20, 0)), Rejection::short_packet);
}

TEST(PtpMessage, ClockIdentityPrintsAsLinuxptpDoes) {
  EXPECT_EQ(to_string(kId), "001122.fffe.334455");
}

}  // namespace
}  // namespace ac::ptp
