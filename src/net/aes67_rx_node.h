#pragma once
// `aes67.rx`: receives an AES67 stream (RTP L24/L16) described by an SDP
// file or by its address and format. A receiver thread of the node's own
// reads the socket, checks every packet (malformed, wrong payload type or
// size: counted and dropped; lost, duplicated, reordered, late: counted)
// and fills the jitter buffer; the audio thread only reads that buffer.
// Each packet plays `link_offset` after it was due. On one PTP domain
// (timing: media) due is media time. Otherwise the first packet ties the
// stream to the graph's timeline, the link offset after the newest frame
// that had arrived, and (timing: resample, the default then) the clock
// layer's rate follower resamples the stream to hold that offset however
// the sender's clock runs against ours; timing: arrival keeps the tie
// without resampling (bit-exact, for senders on our own clock). A gap plays
// as silence (concealed, counted); a new SSRC or a timestamp jump ties the
// timeline anew. With a
// second leg (SMPTE ST 2022-7: `source2`, or the SDP's a=group:DUP) both
// are received and merged by timestamp: a packet lost on one leg and
// present on the other is no loss.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "clock/rate_follower.h"
#include "graph/node.h"
#include "graph/node_options.h"
#include "graph/node_type.h"
#include "net/aes67_format.h"
#include "net/rtp_jitter_buffer.h"
#include "net/rtp_packet.h"
#include "net/udp_socket.h"

namespace ac {

struct Aes67RxStats {
  uint64_t received = 0, lost = 0, late = 0, duplicated = 0, reordered = 0, wrong_format = 0, oversized = 0;
  uint64_t malformed = 0, ssrc_changes = 0, jumps = 0, concealed_frames = 0;
  // ST 2022-7, per leg: packets received, times it went down (no packet for
  // 100 ms while the other leg had some), whether it is down now.
  uint64_t leg_received[2] = {0, 0}, leg_downs[2] = {0, 0};
  bool leg_down[2] = {false, false};
  // The least time a packet arrived before it was due to play (negative:
  // late by that much): the link offset less this is what the run needed.
  std::optional<double> least_headroom_ms;
};

class Aes67RxNode final : public Node {
 public:
  Aes67RxNode(const NodeOptions& options, const NodeLayout& layout);
  ~Aes67RxNode() override;

  Expected<void> prepare(const StreamConfig& config) override;
  Expected<void> activate() override;  // joins the stream, starts the receiver
  void deactivate() override;
  void process(ProcessContext& ctx) noexcept override;  // [audio]
  std::vector<std::string> counters() const override;
  Aes67RxStats stats() const;

 private:
  void receiver_loop();
  void receive_from(int leg, std::vector<uint8_t>& datagram, std::vector<float>& scratch);
  void take(const rtp::PacketView& p, std::vector<float>& scratch);
  void watch_legs();
  std::string headroom_report(const Aes67RxStats& s) const;
  std::string legs_report(const Aes67RxStats& s) const;
  std::string timing_report() const;
  class BufferSource;
  enum class Timing : uint8_t { media, resample, arrival };

  net::Endpoint source_;
  net::SocketOptions socket_options_;
  net::Endpoint source2_;  // ST 2022-7's second leg ("" address: none)
  net::SocketOptions socket_options2_;
  net::UdpSocket socket2_;
  rtp::StreamFormat format_;
  uint8_t payload_type_ = 96;
  double link_offset_ms_ = 1.0;
  int priority_ = 60;  // the receiver thread's SCHED_FIFO priority (0: normal)
  int64_t link_offset_frames_ = 48;
  StreamConfig config_;
  net::UdpSocket socket_;
  std::unique_ptr<rtp::JitterBuffer> buffer_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  // Receiver thread only.
  bool have_ssrc_ = false;
  uint32_t ssrc_ = 0;
  uint16_t last_sequence_ = 0;
  // Audio thread: the stream's timestamps as graph sample time + delta_.
  std::atomic<bool> retie_{false};  // set by the receiver: tie the timeline anew
  bool tied_ = false;
  uint32_t media_offset_ = 0;         // the stream's RTP timestamp at media time 0
  Timing timing_ = Timing::resample;  // as the options ask (auto: decided in prepare)
  bool auto_timing_ = true;
  bool stream_on_ptp_ = false;  // its SDP names a PTP clock ...
  uint32_t stream_domain_ = 0;  // ... on this domain
  uint32_t delta_ = 0;          // fixed timing: stream time = graph time + delta_
  uint32_t read_head_ = 0;      // resampled: the stream time of the next frame taken
  std::unique_ptr<RateFollower> follower_;
  std::atomic<uint64_t> received_{0}, lost_{0}, late_{0}, duplicated_{0}, reordered_{0}, wrong_format_{0};
  std::atomic<uint64_t> oversized_{0}, malformed_{0}, ssrc_changes_{0}, jumps_{0}, concealed_{0};
  std::atomic<uint64_t> leg_received_[2]{}, leg_downs_[2]{};
  std::atomic<bool> leg_down_[2]{};
  int64_t leg_last_ns_[2] = {0, 0};  // receiver thread: when each leg last delivered
};

NodeType aes67_rx_node_type();

}  // namespace ac
