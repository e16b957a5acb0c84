#pragma once
// `aes67.tx`: sends its input as an AES67 stream (RTP, L24 or L16). The
// audio thread only interleaves the block into a lock-free ring; a sender
// thread of the node's own cuts it into packets and sends them paced at
// the packet time. The RTP timestamp is the graph's sample time (its media
// clock) plus the stream's offset, modulo 2^32; blocks the driver skipped
// are sent as silence so the timestamps stay on the timeline. The node
// writes the stream's SDP where its `sdp` option says. With `destination2`
// every packet also leaves on a second network (SMPTE ST 2022-7), and the
// SDP groups both legs (RFC 7104, a=group:DUP).
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/spsc_ring.h"
#include "graph/node.h"
#include "graph/node_options.h"
#include "graph/node_type.h"
#include "net/aes67_format.h"
#include "net/rtp_packet.h"
#include "net/sap_announcer.h"
#include "net/udp_socket.h"

namespace ac {

class Aes67TxNode final : public Node {
 public:
  Aes67TxNode(const NodeOptions& options, const NodeLayout& layout);
  ~Aes67TxNode() override;

  Expected<void> prepare(const StreamConfig& config) override;
  Expected<void> activate() override;                   // opens the socket, writes the SDP, starts the sender
  void deactivate() override;                           // sends what is queued, stops
  void process(ProcessContext& ctx) noexcept override;  // [audio]
  std::vector<std::string> counters() const override;

  uint64_t packets_sent() const { return sent_.load(std::memory_order_relaxed); }
  // [control] The SDP of the stream (after activate()).
  const std::string& sdp() const { return sdp_text_; }

 private:
  void sender_loop();
  void push(const float* interleaved, FrameCount frames) noexcept;  // [audio]

  net::Endpoint destination_;
  net::SocketOptions socket_options_;
  // ST 2022-7: the same packets on a second network ("" address: none).
  net::Endpoint destination2_;
  net::SocketOptions socket_options2_;
  net::UdpSocket socket2_;
  rtp::StreamFormat format_;
  rtp::Header header_;
  uint32_t offset_ = 0;  // RTP timestamp at sample time 0
  int priority_ = 60;    // the sender thread's SCHED_FIFO priority (0: normal)
  std::string sdp_path_, name_;
  bool announce_ = true;  // SAP for a multicast stream
  net::SapAnnouncer sap_;
  StreamConfig config_;
  net::UdpSocket socket_;
  std::string sdp_text_;
  std::unique_ptr<SpscRing<float>> ring_;  // interleaved samples
  std::vector<float> interleave_, silence_;
  int64_t next_time_ = -1;               // [audio] where the timeline continues
  std::atomic<int64_t> first_time_{-1};  // sample time of the first frame queued
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> sent_{0}, send_errors_{0}, dropped_frames_{0}, clipped_{0}, filled_{0};
};

NodeType aes67_tx_node_type();

}  // namespace ac
