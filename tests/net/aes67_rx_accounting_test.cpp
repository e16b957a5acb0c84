// The receiver's packet accounting, fed datagrams by hand on loopback:
// what a gap, a reordered packet, a duplicate and a packet that comes too
// late each count as. Lost is what never came.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <initializer_list>
#include <thread>

#include "net/aes67_rx_node.h"
#include "net/rtp_packet.h"
#include "net/udp_socket.h"

namespace ac {
namespace {

// The node's options: its type's defaults, then `source` (1 channel, L24,
// 1 ms: 48 frames, 144 bytes a packet).
NodeOptions rx_options(const std::string& source) {
  NodeOptions o;
  for (const ParamSpec& p : aes67_rx_node_type().options) {
    if (p.kind == ParamKind::number || p.kind == ParamKind::integer)
      o.set_number(p.name, p.default_value);
    else
      o.set_text(p.name, p.default_text);
  }
  o.set_text("source", source);
  o.set_number("channels", 1);
  o.set_number("link_offset", 5);
  o.set_text("timing", "arrival");  // a fixed tie: the frames each block plays are known
  return o;
}

class RxAccounting : public ::testing::Test {
 protected:
  void SetUp() override {
    const NodeOptions o = rx_options("127.0.0.1:" + std::to_string(port));
    auto layout = aes67_rx_node_type().layout(o);
    ASSERT_TRUE(layout) << layout.error().message;
    node = std::make_unique<Aes67RxNode>(o, *layout);
    StreamConfig config;
    config.sample_rate = 48000;
    config.max_block = 48;
    ASSERT_TRUE(node->prepare(config));
    ASSERT_TRUE(node->activate());
    auto s = net::UdpSocket::sender(net::Endpoint{"127.0.0.1", static_cast<uint16_t>(port)}, net::SocketOptions{});
    ASSERT_TRUE(s) << s.error().message;
    sender = std::move(*s);
  }
  void send(uint16_t sequence) {
    rtp::Header h;
    h.payload_type = 96;
    h.sequence = sequence;
    // Timestamps follow the sequence (from 65534 on, for the wrap).
    h.timestamp = 1000u + 48u * static_cast<uint16_t>(sequence + 2u);
    h.ssrc = 0x5eed;
    std::vector<uint8_t> datagram(rtp::kFixedHeaderBytes + 144, 0);
    rtp::encode_header(h, std::span<uint8_t, rtp::kFixedHeaderBytes>(datagram.data(), rtp::kFixedHeaderBytes));
    ASSERT_TRUE(sender.send(datagram));
    ++sent;
  }
  // Waits (bounded: 5 s) until the receiver has taken every datagram sent.
  Aes67RxStats settled() {
    for (int i = 0; i < 500; ++i) {
      const Aes67RxStats s = node->stats();
      if (s.received + s.duplicated >= sent) return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return node->stats();
  }
  // Plays blocks of 48 frames from graph time `from` up to `to`.
  void play(int64_t from, int64_t to) {
    float samples[48];
    float* channels[1] = {samples};
    const AudioView out{channels, 1, 0, 48};
    for (int64_t t = from; t < to; t += 48) {
      ProcessContext ctx;
      ctx.time = SampleTime{t};
      ctx.frames = 48;
      ctx.outputs = &out;
      ctx.output_count = 1;
      node->process(ctx);
    }
  }

  const int port = 40000 + static_cast<int>(getpid() % 20000);
  std::unique_ptr<Aes67RxNode> node;
  net::UdpSocket sender;
  uint64_t sent = 0;
};

// 0 1 3 2 5 6: packet 4 never comes; 2 comes after 3 (reordered, not lost).
TEST_F(RxAccounting, AReorderedPacketIsNotLost) {
  for (const uint16_t q : std::initializer_list<uint16_t>{0, 1, 3, 2, 5, 6}) send(q);
  const Aes67RxStats s = settled();
  EXPECT_EQ(s.received, 6u);
  EXPECT_EQ(s.lost, 1u);
  EXPECT_EQ(s.reordered, 1u);
  EXPECT_EQ(s.late, 0u);
}

// Across the sequence wrap, with a duplicate: 65534 65535 1 1 0: 0 came
// after 1 (reordered), the second 1 is a copy, nothing is lost.
TEST_F(RxAccounting, TheWrapAndADuplicateLoseNothing) {
  for (const uint16_t q : std::initializer_list<uint16_t>{65534, 65535, 1, 1, 0}) send(q);
  const Aes67RxStats s = settled();
  EXPECT_EQ(s.lost, 0u);
  EXPECT_EQ(s.reordered, 1u);
  EXPECT_EQ(s.duplicated, 1u);
}

// 0 1 2 4 5 arrive and play; 3 comes after its time: late, not lost
// (though its gap was seen), and 6 after it is no new gap.
TEST_F(RxAccounting, APacketTooLateToPlayIsLateNotLost) {
  for (const uint16_t q : std::initializer_list<uint16_t>{0, 1, 2, 4, 5}) send(q);
  Aes67RxStats s = settled();
  ASSERT_EQ(s.lost, 1u);
  // Tied at the first block: packet 5's end plays 5 ms (240 frames) after
  // it, so 5 blocks play packets 1 to 5 (0 was before the tie).
  play(0, 240);
  send(3);
  send(6);
  s = settled();
  EXPECT_EQ(s.late, 1u);
  EXPECT_EQ(s.lost, 0u);
  EXPECT_EQ(s.received, 7u);
  EXPECT_EQ(s.concealed_frames, 48u) << "packet 3's frames played as silence";
}

}  // namespace
}  // namespace ac
