#include "net/aes67_tx_node.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>

#include "core/audio_section.h"
#include "core/realtime_thread.h"
#include "net/pcm_payload.h"
#include "net/sdp.h"

namespace ac {
namespace {

using Clock = std::chrono::steady_clock;

uint32_t random_ssrc() {
  std::random_device rd;
  return (static_cast<uint32_t>(rd()) << 1) | 1u;  // never 0
}

// What the options describe, checked (the graph's rate is checked again in
// prepare()).
Expected<rtp::StreamFormat> format_of(const NodeOptions& o, uint32_t rate) {
  rtp::StreamFormat f;
  auto e = rtp::encoding_from_name(o.text("encoding"));
  if (!e) return unexpected(e.error());
  auto t = rtp::packet_time_from_text(o.text("packet_time"));
  if (!t) return unexpected(t.error());
  f.encoding = *e;
  f.packet_time = *t;
  f.channels = o.count("channels");
  f.sample_rate = rate;
  if (auto ok = rtp::check_format(f); !ok) return unexpected(ok.error());
  return f;
}

}  // namespace

Aes67TxNode::Aes67TxNode(const NodeOptions& o, const NodeLayout& l)
    : Node(l.params), sdp_path_(o.text("sdp")), name_(o.text("name")), announce_(o.text("announce") == "sap") {
  destination_ = *net::parse_endpoint(o.text("destination"), 5004);  // checked by the layout
  socket_options_.interface = o.text("interface");
  socket_options_.ttl = o.count("ttl");
  socket_options_.dscp = o.count("dscp");
  if (!o.text("destination2").empty()) {
    destination2_ = *net::parse_endpoint(o.text("destination2"), destination_.port);
    socket_options2_ = socket_options_;
    socket_options2_.interface = o.text("interface2");
  }
  format_ = *format_of(o, 48000);
  header_.payload_type = static_cast<uint8_t>(o.count("payload_type"));
  header_.ssrc = o.number("ssrc") > 0 ? static_cast<uint32_t>(o.number("ssrc")) : random_ssrc();
  header_.sequence = static_cast<uint16_t>(random_ssrc());
  offset_ = static_cast<uint32_t>(o.number("offset"));
  priority_ = static_cast<int>(o.count("priority"));
}

Aes67TxNode::~Aes67TxNode() {
  deactivate();
}

Expected<void> Aes67TxNode::prepare(const StreamConfig& c) {
  config_ = c;
  format_.sample_rate = static_cast<uint32_t>(c.sample_rate);
  if (auto ok = rtp::check_format(format_); !ok) return ok;
  const uint32_t ch = format_.channels;
  ring_ = std::make_unique<SpscRing<float>>(static_cast<size_t>(c.sample_rate / 2) * ch);  // half a second
  interleave_.assign(static_cast<size_t>(c.max_block) * ch, 0.0f);
  silence_.assign(interleave_.size(), 0.0f);
  next_time_ = -1;
  first_time_.store(-1);
  return {};
}

Expected<void> Aes67TxNode::activate() {
  if (thread_.joinable()) return {};
  auto s = net::UdpSocket::sender(destination_, socket_options_);
  if (!s) return unexpected(s.error());
  socket_ = std::move(*s);
  if (!destination2_.address.empty()) {
    auto s2 = net::UdpSocket::sender(destination2_, socket_options2_);
    if (!s2) return unexpected(s2.error());
    socket2_ = std::move(*s2);
  }
  rtp::SdpStream d;
  d.session_id = header_.ssrc;
  d.session_version = 1;
  d.origin_address = socket_.local_address();
  d.name = name_;
  d.destination = destination_.address;
  d.ttl = destination_.multicast() ? socket_options_.ttl : 0;
  d.port = destination_.port;
  d.payload_type = header_.payload_type;
  d.format = format_;
  // The graph's own clock, named by the sending interface's MAC (RFC 7273
  // 4.8); a PTP-locked graph names its grandmaster (next step).
  const std::string mac = net::interface_mac(socket_options_.interface);
  d.ts_refclk = !config_.media_clock.empty() ? config_.media_clock : mac.empty() ? "local" : "localmac=" + mac;
  d.mediaclk_offset = offset_;
  if (destination_.multicast()) d.source_filter = socket_.local_address();
  if (!destination2_.address.empty()) {
    d.duplicate = rtp::SdpLeg{destination2_.address, destination2_.multicast() ? socket_options2_.ttl : 0,
                              destination2_.port, destination2_.multicast() ? socket2_.local_address() : ""};
  }
  sdp_text_ = rtp::write_sdp(d);
  if (!sdp_path_.empty()) {
    std::ofstream out(sdp_path_, std::ios::binary);
    out << sdp_text_;
    if (!out) return unexpected(make_error(ErrorDomain::io, "cannot write the SDP to '" + sdp_path_ + "'"));
  }
  // A multicast stream is announced where it is sent (a unicast one has
  // one receiver, who was given the SDP).
  if (announce_ && destination_.multicast()) {
    if (auto ok = sap_.start(sdp_text_, socket_.local_address(), socket_options_); !ok) return ok;
  }
  stop_.store(false);
  thread_ = std::thread([this] { sender_loop(); });
  return {};
}

void Aes67TxNode::deactivate() {
  if (!thread_.joinable()) return;
  stop_.store(true, std::memory_order_release);
  thread_.join();
  sap_.stop();
}

std::vector<std::string> Aes67TxNode::counters() const {
  return {std::to_string(sent_.load()) + " RTP packets sent to " + destination_.address + ":" +
          std::to_string(destination_.port) + ", " + std::to_string(send_errors_.load()) + " refused by the kernel, " +
          std::to_string(dropped_frames_.load()) + " frames dropped (sender behind), " +
          std::to_string(filled_.load()) + " silent frames for skipped blocks, " + std::to_string(clipped_.load()) +
          " samples clipped"};
}

// Packet k leaves at t0 + k packet times (t0: when the first packet was
// ready); a sender that fell behind sends at once until it has caught up.
void Aes67TxNode::sender_loop() {
  const uint32_t fpp = format_.frames_per_packet(), ch = format_.channels;
  const size_t samples = size_t{fpp} * ch;
  std::vector<float> frames(samples);
  std::vector<uint8_t> packet(rtp::kFixedHeaderBytes + format_.payload_bytes());
  const auto period = std::chrono::nanoseconds(static_cast<int64_t>(1e9 * fpp / format_.sample_rate));
  Clock::time_point t0{};
  uint64_t k = 0;
  uint32_t first_ts = 0;
  // Packets leave on a clock of their own while blocks arrive in the
  // driver's rhythm: the first one waits until a block more than a packet
  // is queued, so the next packet's audio is there when its time comes.
  const size_t preroll = samples + size_t{config_.max_block} * ch;
  // Pacing is only as good as this thread's wake-ups: real-time priority
  // when the process may have it (below the audio thread's).
  if (priority_ > 0) (void)try_realtime_priority(priority_);
  for (;;) {
    if (ring_->size() < (k == 0 ? preroll : samples)) {
      if (stop_.load(std::memory_order_acquire)) return;
      std::this_thread::sleep_for(std::chrono::microseconds(100));
      continue;
    }
    if (k == 0) {
      t0 = Clock::now();
      first_ts = static_cast<uint32_t>(first_time_.load(std::memory_order_acquire)) + offset_;
    }
    std::this_thread::sleep_until(t0 + k * period);
    ring_->pop_into(std::span<float>(frames));
    rtp::Header h = header_;
    h.sequence = static_cast<uint16_t>(header_.sequence + k);
    h.timestamp = first_ts + static_cast<uint32_t>(k * fpp);
    rtp::encode_header(h, std::span<uint8_t, rtp::kFixedHeaderBytes>(packet.data(), rtp::kFixedHeaderBytes));
    clipped_.fetch_add(rtp::pack_pcm(frames.data(), fpp, ch, format_.encoding, packet.data() + rtp::kFixedHeaderBytes),
                       std::memory_order_relaxed);
    if (socket_.send(packet))
      sent_.fetch_add(1, std::memory_order_relaxed);
    else
      send_errors_.fetch_add(1, std::memory_order_relaxed);
    if (!destination2_.address.empty() && !socket2_.send(packet)) send_errors_.fetch_add(1, std::memory_order_relaxed);
    ++k;
  }
}

void Aes67TxNode::process(ProcessContext& ctx) noexcept {
  if (!thread_.joinable()) return;
  const uint32_t ch = format_.channels;
  if (next_time_ < 0) {
    first_time_.store(ctx.time.value, std::memory_order_release);
  } else if (ctx.time.value > next_time_ && ctx.time.value - next_time_ <= static_cast<int64_t>(config_.sample_rate)) {
    // Skipped blocks: silence in their place keeps the timestamps on time.
    for (int64_t gap = ctx.time.value - next_time_; gap > 0;) {
      const auto n = static_cast<FrameCount>(std::min<int64_t>(gap, config_.max_block));
      push(silence_.data(), n);
      filled_.fetch_add(n, std::memory_order_relaxed);
      gap -= n;
    }
  }
  const ConstAudioView& in = ctx.in(0);
  for (FrameCount i = 0; i < ctx.frames; ++i)
    for (uint32_t c = 0; c < ch; ++c) interleave_[static_cast<size_t>(i) * ch + c] = in.channel(c)[i];
  push(interleave_.data(), ctx.frames);
  next_time_ = ctx.time.value + ctx.frames;
}

void Aes67TxNode::push(const float* x, FrameCount frames) noexcept {
  const std::span<const float> s(x, static_cast<size_t>(frames) * format_.channels);
  if (ring_->try_push_all(s)) return;
  if (config_.realtime) {
    dropped_frames_.fetch_add(frames, std::memory_order_relaxed);
    return;
  }
  // Offline: the render waits for the sender, which sends in real time.
  AudioSectionPause pause;
  while (!ring_->try_push_all(s) && !stop_.load(std::memory_order_acquire))
    std::this_thread::sleep_for(std::chrono::microseconds(200));
}

NodeType aes67_tx_node_type() {
  NodeType t;
  t.name = "aes67.tx";
  t.summary = "sends its input as an AES67 stream (RTP L24/L16), paced by a sender thread";
  t.options = {
      text_param("destination", "where the stream goes: a multicast group or a host, e.g. 239.69.1.2:5004", true),
      text_param("interface", "network interface by name (default: the kernel's choice)", false),
      text_param("destination2", "ST 2022-7: the same packets to a second network as well", false),
      text_param("interface2", "the second network's interface", false),
      channels_option(2),
      choice_param("encoding", {"L24", "L16"}, "L24", "sample format on the wire"),
      choice_param("packet_time", {"125us", "250us", "333us", "1ms", "4ms"}, "1ms", "audio per packet"),
      integer_param("payload_type", 96, 127, 96, "RTP payload type (dynamic range)"),
      integer_param("ttl", 1, 255, 16, "multicast hops"),
      integer_param("dscp", 0, 63, 34, "DiffServ code point (34: AF41)"),
      number_param("ssrc", 0, 4294967295.0, 0, "", "RTP SSRC (0: random)"),
      number_param("offset", 0, 4294967295.0, 0, "", "RTP timestamp at sample 0 (SDP's mediaclk:direct)"),
      text_param("name", "the session name in the SDP", false),
      integer_param("priority", 0, 98, 60,
                    "the sender thread's real-time priority, below the audio thread's (0: normal; its wake-ups "
                    "are the stream's pacing)"),
      choice_param("announce", {"sap", "off"}, "sap", "announce a multicast stream with SAP (RFC 2974)"),
      optional_path_param("sdp", "write the stream's SDP to this file (relative to the graph file)")};
  t.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    if (auto e = net::parse_endpoint(o.text("destination"), 5004); !e) return unexpected(e.error());
    if (!o.text("destination2").empty())
      if (auto e = net::parse_endpoint(o.text("destination2"), 5004); !e) return unexpected(e.error());
    if (auto f = format_of(o, 48000); !f) return unexpected(f.error());
    return NodeLayout{{{"in", o.count("channels")}}, {}, {}};
  };
  t.create = [](const NodeOptions& o, const NodeLayout& l) -> Expected<std::unique_ptr<Node>> {
    return std::unique_ptr<Node>(std::make_unique<Aes67TxNode>(o, l));
  };
  return t;
}

}  // namespace ac
