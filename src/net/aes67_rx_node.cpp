#include "net/aes67_rx_node.h"

#include <poll.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/realtime_thread.h"
#include "net/pcm_payload.h"
#include "net/sap_listener.h"
#include "net/sdp.h"

namespace ac {
namespace {

// The stream as the options say: from the SDP file when one is named (its
// address, format and payload type), else from `source` and the format
// options.
struct StreamSpec {
  net::Endpoint source, source2;
  uint32_t media_offset = 0;  // a=mediaclk:direct
  bool on_ptp = false;        // a=ts-refclk:ptp=...
  uint32_t ptp_domain = 0;
  rtp::StreamFormat format;
  uint8_t payload_type = 96;
};

// The SDP text: from the file, or the announcement of the stream named
// (SAP, waiting up to 35 s: devices announce every 30 s).
Expected<std::string> sdp_text_of(const NodeOptions& o) {
  if (const std::string name = o.text("stream"); !name.empty()) {
    auto heard = net::listen_for_sap(o.text("interface"), 35.0, name);
    if (!heard) return unexpected(heard.error());
    for (const auto& s : heard->streams)
      if (s.sdp.name == name) return s.sdp_text;
    return unexpected(make_error(ErrorDomain::io, "no stream named '" + name + "' was announced (SAP) in 35 s"));
  }
  const std::string path = o.text("sdp");
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(make_error(ErrorDomain::io, "cannot read the SDP file '" + path + "'"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Expected<StreamSpec> stream_of(const NodeOptions& o) {
  StreamSpec s;
  if (!o.text("sdp").empty() || !o.text("stream").empty()) {
    auto text = sdp_text_of(o);
    if (!text) return unexpected(text.error());
    auto sdp = rtp::parse_sdp(*text, o.text("sdp").empty() ? "SAP" : o.text("sdp"));
    if (!sdp) return unexpected(sdp.error());
    s.source = net::Endpoint{sdp->destination, sdp->port};
    if (sdp->duplicate) s.source2 = net::Endpoint{sdp->duplicate->destination, sdp->duplicate->port};
    s.media_offset = sdp->mediaclk_offset.value_or(0);
    s.on_ptp = !sdp->ptp_grandmaster.empty() || sdp->ptp_domain.has_value();
    s.ptp_domain = sdp->ptp_domain.value_or(0);
    s.format = sdp->format;
    s.payload_type = sdp->payload_type;
  } else {
    if (o.text("source").empty())
      return unexpected(make_error(ErrorDomain::io,
                                   "name the stream: 'sdp' (a file), 'stream' (its announced name) "
                                   "or 'source' (ADDRESS:PORT)"));
    auto e = net::parse_endpoint(o.text("source"), 5004);
    if (!e) return unexpected(e.error());
    s.source = *e;
    auto enc = rtp::encoding_from_name(o.text("encoding"));
    if (!enc) return unexpected(enc.error());
    auto t = rtp::packet_time_from_text(o.text("packet_time"));
    if (!t) return unexpected(t.error());
    s.format = rtp::StreamFormat{*enc, 48000, o.count("channels"), *t};
    s.payload_type = static_cast<uint8_t>(o.count("payload_type"));
  }
  if (!o.text("source2").empty()) {
    auto e = net::parse_endpoint(o.text("source2"), s.source.port);
    if (!e) return unexpected(e.error());
    s.source2 = *e;
  }
  if (auto ok = rtp::check_format(s.format); !ok) return unexpected(ok.error());
  return s;
}

}  // namespace

Aes67RxNode::Aes67RxNode(const NodeOptions& o, const NodeLayout& l) : Node(l.params) {
  const StreamSpec s = *stream_of(o);  // checked by the layout
  source_ = s.source;
  source2_ = s.source2;
  media_offset_ = s.media_offset;
  const std::string timing = o.text("timing");
  timing_ = timing == "media" ? Timing::media : timing == "arrival" ? Timing::arrival : Timing::resample;
  auto_timing_ = timing == "auto";
  stream_on_ptp_ = s.on_ptp;
  stream_domain_ = s.ptp_domain;
  socket_options2_.interface = o.text("interface2");
  format_ = s.format;
  payload_type_ = s.payload_type;
  socket_options_.interface = o.text("interface");
  link_offset_ms_ = o.number("link_offset");
  priority_ = static_cast<int>(o.count("priority"));
}

Aes67RxNode::~Aes67RxNode() {
  deactivate();
}

// The graph's PTP domain, from its media clock's name
// ("ptp=IEEE1588-2008:GMID:DOMAIN"); none when it is not on PTP.
std::optional<uint32_t> domain_of(const std::string& media_clock) {
  const size_t colon = media_clock.rfind(':');
  if (media_clock.empty() || colon == std::string::npos) return std::nullopt;
  return static_cast<uint32_t>(std::strtoul(media_clock.c_str() + colon + 1, nullptr, 10));
}

Expected<void> Aes67RxNode::prepare(const StreamConfig& c) {
  config_ = c;
  // auto: on one PTP domain both ends count the same samples, so play on
  // media time; any other sender runs on a clock of its own, so follow it
  // through the resampler.
  const auto our_domain = domain_of(c.media_clock);
  if (auto_timing_)
    timing_ = stream_on_ptp_ && our_domain && *our_domain == stream_domain_ ? Timing::media : Timing::resample;
  if (timing_ == Timing::media && c.media_clock.empty())
    return unexpected(make_error(ErrorDomain::io,
                                 "timing: media needs the graph on the PTP media clock (clock: ptp); "
                                 "use timing: resample for a stream on another clock"));
  if (timing_ != Timing::resample && format_.sample_rate != static_cast<uint32_t>(c.sample_rate))
    return unexpected(make_error(ErrorDomain::io, "the stream runs at " + std::to_string(format_.sample_rate) +
                                                      " Hz, the graph at " + std::to_string(c.sample_rate) +
                                                      " Hz: only timing: resample converts"));
  const uint32_t fpp = format_.frames_per_packet();
  link_offset_frames_ = static_cast<int64_t>(link_offset_ms_ * format_.sample_rate / 1000.0 + 0.5);
  if (link_offset_frames_ < 3 * static_cast<int64_t>(fpp))
    return unexpected(make_error(ErrorDomain::io, "link_offset " + std::to_string(link_offset_ms_) +
                                                      " ms is less than 3 packet times (" + std::to_string(3 * fpp) +
                                                      " frames)"));
  // Two seconds of packets, a power of two: room for any sane offset.
  uint32_t slots = 1;
  while (slots < 2 * format_.sample_rate / fpp) slots <<= 1;
  buffer_ = std::make_unique<rtp::JitterBuffer>(fpp, format_.channels, slots);
  tied_ = false;
  follower_.reset();
  if (timing_ == Timing::resample) {
    RateFollowerOptions ro;
    ro.channels = format_.channels;
    ro.rate = c.sample_rate;
    ro.input_rate = format_.sample_rate;
    ro.max_block = c.max_block;
    auto f = RateFollower::create(ro);
    if (!f) return unexpected(f.error());
    follower_ = std::move(*f);
  }
  return {};
}

Expected<void> Aes67RxNode::activate() {
  if (thread_.joinable()) return {};
  auto s = net::UdpSocket::receiver(source_, socket_options_);
  if (!s) return unexpected(s.error());
  socket_ = std::move(*s);
  if (!source2_.address.empty()) {
    auto s2 = net::UdpSocket::receiver(source2_, socket_options2_);
    if (!s2) return unexpected(s2.error());
    socket2_ = std::move(*s2);
  }
  stop_.store(false);
  thread_ = std::thread([this] { receiver_loop(); });
  return {};
}

void Aes67RxNode::deactivate() {
  if (!thread_.joinable()) return;
  stop_.store(true, std::memory_order_release);
  thread_.join();
}

int64_t monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void Aes67RxNode::receiver_loop() {
  // A packet is late when this thread is: below the audio thread, above
  // everything else.
  if (priority_ > 0) (void)try_realtime_priority(priority_);
  std::vector<uint8_t> datagram(9000);
  std::vector<float> scratch(size_t{format_.frames_per_packet()} * format_.channels);
  pollfd fds[2] = {{socket_.fd(), POLLIN, 0}, {socket2_.fd(), POLLIN, 0}};
  const nfds_t count = socket2_.fd() >= 0 ? 2 : 1;
  while (!stop_.load(std::memory_order_acquire)) {
    fds[0].revents = fds[1].revents = 0;
    if (::poll(fds, count, 20) > 0) {
      for (int leg = 0; leg < static_cast<int>(count); ++leg)
        if (fds[leg].revents & POLLIN) receive_from(leg, datagram, scratch);
    }
    if (count == 2) watch_legs();
  }
}

void Aes67RxNode::receive_from(int leg, std::vector<uint8_t>& datagram, std::vector<float>& scratch) {
  const int n = (leg == 0 ? socket_ : socket2_).receive(datagram, 0);
  if (n <= 0) return;
  if (static_cast<size_t>(n) > datagram.size()) {
    oversized_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  auto p = rtp::decode(std::span<const uint8_t>(datagram.data(), static_cast<size_t>(n)));
  if (!p) {
    malformed_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  leg_received_[leg].fetch_add(1, std::memory_order_relaxed);
  leg_last_ns_[leg] = monotonic_ns();
  if (leg_down_[leg].load(std::memory_order_relaxed)) leg_down_[leg].store(false, std::memory_order_relaxed);
  take(*p, scratch);
}

// A leg is down when it has been silent for 100 ms while the other one
// delivered (both silent: the sender stopped, not a leg).
void Aes67RxNode::watch_legs() {
  const int64_t now = monotonic_ns(), limit = 100'000'000;
  for (int leg = 0; leg < 2; ++leg) {
    const int other = 1 - leg;
    const bool silent = leg_last_ns_[leg] != 0 && now - leg_last_ns_[leg] > limit;
    const bool other_alive = leg_last_ns_[other] != 0 && now - leg_last_ns_[other] <= limit;
    if (silent && other_alive && !leg_down_[leg].load(std::memory_order_relaxed)) {
      leg_down_[leg].store(true, std::memory_order_relaxed);
      leg_downs_[leg].fetch_add(1, std::memory_order_relaxed);
    }
  }
}

void Aes67RxNode::take(const rtp::PacketView& p, std::vector<float>& scratch) {
  if (p.header.payload_type != payload_type_ || p.payload.size() != format_.payload_bytes()) {
    wrong_format_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  received_.fetch_add(1, std::memory_order_relaxed);
  if (have_ssrc_ && p.header.ssrc != ssrc_) {
    ssrc_changes_.fetch_add(1, std::memory_order_relaxed);
    buffer_->reset();
    retie_.store(true, std::memory_order_release);
    have_ssrc_ = false;
  }
  rtp::unpack_pcm(p.payload, format_.encoding, scratch.data());
  // Sequence accounting (one leg; with two, what is lost is what neither
  // delivered, counted at playout): a gap counts its packets lost; one of
  // them arriving after all (reordered, or too late to play) is taken back
  // out of the lost count, so lost is what never came.
  const bool one_leg = socket2_.fd() < 0;
  const int32_t d = have_ssrc_ ? rtp::sequence_delta(last_sequence_, p.header.sequence) : 1;
  const auto arrived_after_all = [&] {
    if (one_leg && d < 0 && lost_.load(std::memory_order_relaxed) > 0) lost_.fetch_sub(1, std::memory_order_relaxed);
  };
  const auto advance = [&] {
    if (one_leg && have_ssrc_ && d > 1) lost_.fetch_add(static_cast<uint64_t>(d - 1), std::memory_order_relaxed);
    if (!have_ssrc_) {
      have_ssrc_ = true;
      ssrc_ = p.header.ssrc;
    }
    if (d > 0) last_sequence_ = p.header.sequence;
  };
  switch (buffer_->put(p.header.timestamp, scratch.data())) {
    case rtp::JitterBuffer::Put::stored:
      if (one_leg && d <= 0) reordered_.fetch_add(1, std::memory_order_relaxed);
      arrived_after_all();
      advance();
      break;
    case rtp::JitterBuffer::Put::duplicate:
      if (one_leg) duplicated_.fetch_add(1, std::memory_order_relaxed);  // with two legs a copy is the design
      break;
    case rtp::JitterBuffer::Put::late:
      late_.fetch_add(1, std::memory_order_relaxed);
      arrived_after_all();
      advance();
      break;
    case rtp::JitterBuffer::Put::misaligned:
      // Timestamps off the stream's grid: the sender jumped. Start over.
      jumps_.fetch_add(1, std::memory_order_relaxed);
      buffer_->reset();
      retie_.store(true, std::memory_order_release);
      (void)buffer_->put(p.header.timestamp, scratch.data());
      break;
  }
}

// The resampler's input: the jitter buffer from the read head on.
class Aes67RxNode::BufferSource final : public RateFollower::Source {
 public:
  explicit BufferSource(Aes67RxNode& node) : node_(node) {}
  void pull(float* const* channels, uint32_t frames) noexcept override {
    const uint32_t missing = node_.buffer_->read(node_.read_head_, frames, channels);
    if (missing) node_.concealed_.fetch_add(missing, std::memory_order_relaxed);
    node_.read_head_ += frames;
  }

 private:
  Aes67RxNode& node_;
};

void Aes67RxNode::process(ProcessContext& ctx) noexcept {
  const AudioView& out = ctx.out(0);
  if (retie_.exchange(false, std::memory_order_acq_rel)) tied_ = false;
  const uint32_t newest_end = buffer_ && buffer_->started() ? buffer_->newest() + format_.frames_per_packet() : 0;
  if (!tied_ && timing_ == Timing::media) {
    delta_ = media_offset_ - static_cast<uint32_t>(link_offset_frames_);
    tied_ = true;
  } else if (!tied_ && buffer_ && buffer_->started()) {
    // The newest frame that arrived plays the link offset from now.
    delta_ = newest_end - static_cast<uint32_t>(ctx.time.value) - static_cast<uint32_t>(link_offset_frames_);
    read_head_ = newest_end - static_cast<uint32_t>(link_offset_frames_);
    if (follower_) follower_->reset();
    tied_ = true;
  }
  if (!tied_) {
    for (uint32_t c = 0; c < out.channel_count; ++c)
      for (FrameCount i = 0; i < ctx.frames; ++i) out.channel(c)[i] = 0.0f;
    return;
  }
  float* channels[64];
  for (uint32_t c = 0; c < out.channel_count && c < 64; ++c) channels[c] = out.channel(c);
  if (follower_) {
    // How far the stream has arrived ahead of what was taken, against the
    // link offset: the loop holds it there.
    const double fill = static_cast<int32_t>(newest_end - read_head_);
    BufferSource source(*this);
    follower_->process(channels, ctx.frames, fill - static_cast<double>(link_offset_frames_), source);
    return;
  }
  const uint32_t missing = buffer_->read(static_cast<uint32_t>(ctx.time.value) + delta_, ctx.frames, channels);
  if (missing) concealed_.fetch_add(missing, std::memory_order_relaxed);
}

Aes67RxStats Aes67RxNode::stats() const {
  Aes67RxStats s;
  s.received = received_.load();
  s.lost = lost_.load();
  s.late = late_.load();
  s.duplicated = duplicated_.load();
  s.reordered = reordered_.load();
  s.wrong_format = wrong_format_.load();
  s.oversized = oversized_.load();
  s.malformed = malformed_.load();
  s.ssrc_changes = ssrc_changes_.load();
  s.jumps = jumps_.load();
  s.concealed_frames = concealed_.load();
  if (buffer_)
    if (const auto h = buffer_->least_headroom()) s.least_headroom_ms = 1000.0 * *h / format_.sample_rate;
  for (int leg = 0; leg < 2; ++leg) {
    s.leg_received[leg] = leg_received_[leg].load();
    s.leg_downs[leg] = leg_downs_[leg].load();
    s.leg_down[leg] = leg_down_[leg].load();
  }
  // With two legs, what is lost is what neither delivered: what played as
  // silence, in packets.
  if (socket2_.fd() >= 0) s.lost = s.concealed_frames / format_.frames_per_packet();
  return s;
}

std::string Aes67RxNode::legs_report(const Aes67RxStats& s) const {
  if (source2_.address.empty()) return "";
  auto leg = [&](int i) {
    return std::to_string(s.leg_received[i]) + " packets, down " + std::to_string(s.leg_downs[i]) + " times" +
           (s.leg_down[i] ? " (down now)" : "");
  };
  return "; ST 2022-7 legs: 1: " + leg(0) + "; 2 (" + source2_.address + ":" + std::to_string(source2_.port) +
         "): " + leg(1);
}

// How the stream is timed; resampled: the sender's clock as measured.
std::string Aes67RxNode::timing_report() const {
  if (timing_ == Timing::media) return "; played on the PTP media clock";
  if (timing_ == Timing::arrival) return "; tied to its first packet (timing: arrival)";
  char ppm[32];
  std::snprintf(ppm, sizeof ppm, "%+.1f", follower_ ? follower_->sender_ppm() : 0.0);
  return std::string("; resampled from the sender's clock, which runs ") + ppm + " ppm against ours";
}

// How close the run came to a late packet: what of the link offset it used.
std::string Aes67RxNode::headroom_report(const Aes67RxStats& s) const {
  if (!s.least_headroom_ms) return "";
  char text[160];
  std::snprintf(text, sizeof text, " (least headroom: %.3f ms of the %g ms link offset)", *s.least_headroom_ms,
                link_offset_ms_);
  return text;
}

std::vector<std::string> Aes67RxNode::counters() const {
  const Aes67RxStats s = stats();
  return {std::to_string(s.received) + " RTP packets from " + source_.address + ":" + std::to_string(source_.port) +
          ": " + std::to_string(s.lost) + " lost, " + std::to_string(s.late) + " late, " +
          std::to_string(s.duplicated) + " duplicated, " + std::to_string(s.reordered) + " reordered, " +
          std::to_string(s.malformed) + " malformed, " + std::to_string(s.wrong_format) + " of another format, " +
          std::to_string(s.oversized) + " oversized; " + std::to_string(s.concealed_frames) + " frames concealed" +
          headroom_report(s) + "; " + std::to_string(s.ssrc_changes) + " SSRC changes, " + std::to_string(s.jumps) +
          " timestamp jumps" + legs_report(s) + timing_report()};
}

NodeType aes67_rx_node_type() {
  NodeType t;
  t.name = "aes67.rx";
  t.summary = "plays an AES67 stream (RTP L24/L16) at its timestamps plus the link offset";
  t.options = {optional_path_param("sdp", "the stream's SDP file (relative to the graph file)"),
               text_param("stream", "or its name as announced with SAP (waits for it up to 35 s)", false),
               text_param("source", "or its address: a multicast group or this host, e.g. 239.69.1.2:5004", false),
               text_param("interface", "network interface by name (default: the kernel's choice)", false),
               text_param("source2", "ST 2022-7: the second leg's address (the SDP's a=group:DUP gives it too)", false),
               text_param("interface2", "the second leg's interface", false),
               channels_option(2),
               choice_param("encoding", {"L24", "L16"}, "L24", "sample format on the wire (without an SDP)"),
               choice_param("packet_time", {"125us", "250us", "333us", "1ms", "4ms"}, "1ms",
                            "audio per packet (without an SDP)"),
               integer_param("payload_type", 96, 127, 96, "RTP payload type (without an SDP)"),
               choice_param("timing", {"auto", "media", "resample", "arrival"}, "auto",
                            "media: play timestamp T at media time T + link offset (both ends on one PTP domain); "
                            "resample: follow a sender on another clock through a variable resampler; arrival: tie "
                            "to the first packet, no resampling (one machine, or a shared word clock); auto: media "
                            "when the graph and the stream share a PTP domain, else resample"),
               number_param("link_offset", 0.125, 1000, 1, "ms", "how long after it is due a packet plays"),
               integer_param("priority", 0, 98, 60,
                             "the receiver thread's real-time priority, below the audio thread's (0: normal; a "
                             "packet this thread takes late is late)")};
  t.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    auto s = stream_of(o);
    if (!s) return unexpected(s.error());
    return NodeLayout{{}, {{"out", s->format.channels}}, {}};
  };
  t.create = [](const NodeOptions& o, const NodeLayout& l) -> Expected<std::unique_ptr<Node>> {
    return std::unique_ptr<Node>(std::make_unique<Aes67RxNode>(o, l));
  };
  return t;
}

}  // namespace ac
