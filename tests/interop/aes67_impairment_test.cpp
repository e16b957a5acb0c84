// An AES67 stream over a bad network: 1 % random loss (nftables in the
// receiving namespace, whose own counter is the independent count) and up
// to 2 ms of jitter (a relay in that namespace holds each packet for a
// random time, so packets also overtake each other). For a minute
// (AUDIOCLOUD_IMPAIRMENT_SECONDS), the receiver must keep the latency it
// started with: every frame it plays is the sent frame at one fixed offset,
// except exactly the frames of the packets it counted lost or late, which
// play as silence; its graph runs to the end without a stall.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "aes67_helpers.h"
#include "child_process.h"
#include "netns.h"
#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

const std::string kBinary = AUDIOCLOUD_BINARY;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Receives datagrams on `in_port` inside namespace `ns` and sends each on
// to 127.0.0.1:`out_port` there after a random delay in [0, max_delay]
// (seeded: the same delays every run). Its thread enters the namespace
// (setns acts on the calling thread only).
class JitterRelay {
 public:
  JitterRelay(const std::string& ns, uint16_t in_port, uint16_t out_port, int64_t max_delay_ns)
      : thread_([=, this] { run(ns, in_port, out_port, max_delay_ns); }) {
    for (int i = 0; i < 500 && !ready_.load(); ++i) usleep(10000);
  }
  ~JitterRelay() { stop(); }
  void stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  bool ok() const { return ready_.load() && !failed_.load(); }
  // After stop(): every datagram forwarded, in the order sent on.
  const std::vector<std::vector<uint8_t>>& forwarded() const { return forwarded_; }

 private:
  void run(const std::string& ns, uint16_t in_port, uint16_t out_port, int64_t max_delay_ns) {
    const int nsfd = ::open(("/var/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
    const bool entered = nsfd >= 0 && ::setns(nsfd, CLONE_NEWNET) == 0;
    if (nsfd >= 0) ::close(nsfd);
    const int in = entered ? ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0) : -1;
    const int out = entered ? ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0) : -1;
    sockaddr_in at{}, to{};
    at.sin_family = to.sin_family = AF_INET;
    at.sin_port = htons(in_port);
    to.sin_port = htons(out_port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int big = 4 << 20;
    if (in >= 0) ::setsockopt(in, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    if (in < 0 || out < 0 || ::bind(in, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) failed_.store(true);
    ready_.store(true);
    std::mt19937_64 random(67);
    std::uniform_int_distribution<int64_t> delay(0, max_delay_ns);
    std::multimap<int64_t, std::vector<uint8_t>> held;  // by when each leaves
    std::vector<uint8_t> buffer(9000);
    while (!failed_.load() && !stop_.load()) {
      const int64_t wait = held.empty() ? 20'000'000 : std::max<int64_t>(0, held.begin()->first - now_ns());
      const timespec ts{0, static_cast<long>(std::min<int64_t>(wait, 20'000'000))};
      pollfd p{in, POLLIN, 0};
      if (::ppoll(&p, 1, &ts, nullptr) > 0) {
        ssize_t n;
        while ((n = ::recv(in, buffer.data(), buffer.size(), MSG_DONTWAIT)) > 0)
          held.emplace(now_ns() + delay(random), std::vector<uint8_t>(buffer.begin(), buffer.begin() + n));
      }
      for (auto it = held.begin(); it != held.end() && it->first <= now_ns(); it = held.erase(it)) {
        ::sendto(out, it->second.data(), it->second.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
        forwarded_.push_back(std::move(it->second));
      }
    }
    if (in >= 0) ::close(in);
    if (out >= 0) ::close(out);
  }

  std::atomic<bool> ready_{false}, failed_{false}, stop_{false};
  std::vector<std::vector<uint8_t>> forwarded_;  // the relay's thread only, until stop()
  std::thread thread_;
};

// The numbers after each label in the receiver's counter line
// ("N RTP packets from A: L lost, T late, ...").
struct RxCounts {
  unsigned long long received = 0, lost = 0, late = 0, duplicated = 0, reordered = 0, malformed = 0, foreign = 0,
                     oversized = 0, concealed = 0, ssrc_changes = 0, jumps = 0;
  bool parsed = false;
};
RxCounts rx_counts(const std::string& log, const std::string& source) {
  RxCounts c;
  const size_t line = log.rfind(" RTP packets from " + source + ": ");
  if (line == std::string::npos) return c;
  const size_t start = log.find_last_of("\n ", line - 1) + 1;  // npos + 1 is 0
  // The report without its "(least headroom: ...)" remark.
  std::string report = log.substr(start, log.find('\n', start) - start);
  if (const size_t h = report.find(" (least headroom"); h != std::string::npos)
    report.erase(h, report.find(')', h) + 1 - h);
  // "%*s": the address (checked above), a word ending in ':'.
  c.parsed = std::sscanf(report.c_str(),
                         "%llu RTP packets from %*s %llu lost, %llu late, %llu duplicated, %llu reordered, %llu "
                         "malformed, %llu of another format, %llu oversized; %llu frames concealed; %llu SSRC "
                         "changes, %llu timestamp jumps",
                         &c.received, &c.lost, &c.late, &c.duplicated, &c.reordered, &c.malformed, &c.foreign,
                         &c.oversized, &c.concealed, &c.ssrc_changes, &c.jumps) == 11;
  return c;
}

// "N RTP packets sent to ..." in the sender's log.
unsigned long long packets_sent(const std::string& log) {
  const size_t at = log.find(" RTP packets sent to ");
  if (at == std::string::npos) return 0;
  return std::stoull(log.substr(log.find_last_of("\n ", at - 1) + 1));
}

// What nftables counted on the rule that drops (its "counter packets N").
unsigned long long nft_dropped(const std::string& in_ns) {
  const auto r = test::run_command(in_ns + "nft list table inet impair");
  const size_t at = r.output.find("counter packets ");
  return at == std::string::npos ? ~0ull : std::stoull(r.output.substr(at + 16));
}

// Where the packets the relay passed on played in the recording.
struct PlayedPackets {
  bool anchored = false;
  size_t in_place = 0;      // their samples exactly, at timestamp + the offset
  size_t silent = 0;        // silence there instead (or in part of it)
  size_t out_of_place = 0;  // anything else
  size_t gaps = 0;          // packets missing between the first and the last timestamp
  size_t gaps_not_silent = 0;
};

float l24(const uint8_t* b) {
  const int32_t v = static_cast<int32_t>((uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8)) >> 8;
  return static_cast<float>(v) / 8388608.0f;
}

// Stereo L24, 48 frames a packet: the recording at `at` holds the packet's
// samples (1), silence (0) or something else (-1). Frames before `from`
// (where the receiver began to play) are not compared.
int compare(const std::vector<uint8_t>& packet, const std::vector<std::vector<float>>& got, int64_t at,
            int64_t from = 0) {
  if (at + 48 <= from || static_cast<size_t>(at) + 48 > got[0].size() || packet.size() != 12 + 48 * 6) return -1;
  // Frame by frame: the packet's frame, or silence; a block the receiver's
  // graph skipped may silence part of a packet.
  bool all_same = true;
  for (size_t i = static_cast<size_t>(std::max<int64_t>(0, from - at)); i < 48; ++i) {
    bool same = true, silent = true;
    for (size_t ch = 0; ch < 2; ++ch) {
      const float v = got[ch][static_cast<size_t>(at) + i];
      same = same && v == l24(packet.data() + 12 + (i * 2 + ch) * 3);
      silent = silent && v == 0.0f;
    }
    if (!same && !silent) return -1;
    all_same = all_same && same;
  }
  return all_same ? 1 : 0;
}

uint32_t timestamp_of(const std::vector<uint8_t>& p) {
  return (uint32_t{p[4]} << 24) | (uint32_t{p[5]} << 16) | (uint32_t{p[6]} << 8) | p[7];
}

PlayedPackets check_played(const std::vector<std::vector<uint8_t>>& packets,
                           const std::vector<std::vector<float>>& got) {
  PlayedPackets r;
  if (packets.empty() || got.size() != 2) return r;
  const uint32_t first_ts = timestamp_of(packets.front());
  // The offset: the recording's first sound is frame j of some packet k
  // (packets that came before the receiver's graph ran are not played):
  // find the one whose frame j is that frame and whose samples all sit
  // there.
  size_t i0 = 0;
  while (i0 < got[0].size() && got[0][i0] == 0.0f && got[1][i0] == 0.0f) ++i0;
  int64_t anchor = -1;  // where timestamp first_ts would play
  for (size_t k = 0; k < packets.size() && anchor < 0; ++k) {
    const int32_t rel = static_cast<int32_t>(timestamp_of(packets[k]) - first_ts);
    for (size_t j = 0; j < 48 && anchor < 0; ++j) {
      const uint8_t* f = packets[k].data() + 12 + j * 6;
      if (packets[k].size() != 12 + 48 * 6 || l24(f) != got[0][i0] || l24(f + 3) != got[1][i0]) continue;
      const int64_t at = static_cast<int64_t>(i0) - static_cast<int64_t>(j);
      if (compare(packets[k], got, at, static_cast<int64_t>(i0)) == 1) anchor = at - rel;
    }
  }
  if (anchor < 0) return r;
  r.anchored = true;
  std::map<int32_t, size_t> by_time;  // timestamp - first_ts -> packet
  for (size_t k = 0; k < packets.size(); ++k) by_time[static_cast<int32_t>(timestamp_of(packets[k]) - first_ts)] = k;
  for (const auto& [offset, k] : by_time) {
    const int64_t at = anchor + offset;
    if (at + 48 <= static_cast<int64_t>(i0)) continue;  // before the receiver played: not heard
    const int v = compare(packets[k], got, at, static_cast<int64_t>(i0));
    r.in_place += v == 1;
    r.silent += v == 0;
    r.out_of_place += v == -1;
  }
  const std::vector<uint8_t> silence(12 + 48 * 6, 0);
  for (int32_t t = by_time.begin()->first; t < by_time.rbegin()->first; t += 48) {
    if (by_time.count(t)) continue;
    ++r.gaps;
    if (anchor + t >= static_cast<int64_t>(i0)) r.gaps_not_silent += compare(silence, got, anchor + t) != 1;
  }
  return r;
}

// The receiver's recorder: "N silent frames in place of skipped blocks".
unsigned long long silent_frames(const std::string& log) {
  const size_t at = log.find(" silent frames in place of skipped blocks");
  return at == std::string::npos ? 0 : std::stoull(log.substr(log.find_last_of(' ', at - 1) + 1));
}

// "stopped after X s (N blocks), K xruns".
unsigned long long xruns(const std::string& log) {
  const size_t at = log.find(" xruns, ");
  return at == std::string::npos ? 0 : std::stoull(log.substr(log.find_last_of(' ', at - 1) + 1));
}

TEST(Aes67Impairment, LossAndJitterAreCountedAndConcealedAndTheLatencyHolds) {
  const char* env = std::getenv("AUDIOCLOUD_IMPAIRMENT_SECONDS");
  const int seconds = env ? std::atoi(env) : 60;
  ASSERT_GT(seconds, 1);
  test::TempDir tmp;
  test::VethLan lan{2, "10.79.10"};
  ASSERT_TRUE(lan.ok()) << "could not create the network namespaces";
  const std::string rules = test::write_text(tmp, "impair.nft",
                                             "table inet impair {\n  chain input {\n"
                                             "    type filter hook input priority 0;\n"
                                             "    udp dport 5030 numgen random mod 100 < 1 counter drop\n  }\n}\n");
  const auto nft = test::run_command(lan.in(1) + "nft -f " + rules);
  ASSERT_EQ(nft.exit_code, 0) << nft.output;
  JitterRelay relay(lan.ns(1), 5030, 5031, 2'000'000);
  ASSERT_TRUE(relay.ok()) << "the relay could not enter the namespace or bind";

  // The receiver is up first, so it hears the stream from its first packet.
  const std::string rx = test::write_text(
      tmp, "rx.yaml",
      "nodes:\n  rx: {type: aes67.rx, params: {source: \"127.0.0.1:5031\", timing: arrival, link_offset: 20}}\n"
      "  r: {type: file_recorder, channels: 2, params: {path: rx.wav, encoding: float}}\n"
      "connections:\n  - rx.out -> r.in\n");
  const int rx_seconds = seconds + 4;
  test::ChildProcess receiver(lan.in(1) + kBinary + " run " + rx + " -d " + std::to_string(rx_seconds) + "s",
                              tmp.path("rx.log"));
  usleep(700000);
  const std::string tx =
      test::write_text(tmp, "tx.yaml",
                       aes67_test::noise_graph(2, "{type: aes67.tx, channels: 2, params: {destination: \"" +
                                                      lan.address(1) + ":5030\", announce: off}}"));
  const auto sender =
      test::run_command(lan.in(0) + kBinary + " run " + tx + " -d " + std::to_string(seconds) + "s < /dev/null");
  ASSERT_EQ(sender.exit_code, 0) << sender.output;
  ASSERT_EQ(receiver.wait_for_exit(rx_seconds + 30.0), std::optional<int>(0)) << test::read_text(tmp.path("rx.log"));
  const std::string log = test::read_text(tmp.path("rx.log"));

  relay.stop();
  // Every packet sent was either dropped by nftables or received: lost is
  // what nftables dropped (but for drops after the last packet received,
  // which no gap shows), and the loss is about 1 %.
  const RxCounts c = rx_counts(log, "127.0.0.1:5031");
  ASSERT_TRUE(c.parsed) << log;
  const unsigned long long sent = packets_sent(sender.output), dropped = nft_dropped(lan.in(1));
  EXPECT_EQ(c.received + dropped, sent) << log << sender.output;
  EXPECT_EQ(relay.forwarded().size(), c.received);
  EXPECT_LE(c.lost, dropped);
  EXPECT_LE(dropped - c.lost, 3u) << "lost must count every packet nftables dropped";
  EXPECT_GT(dropped, sent / 300) << "about 1 % should have been dropped";
  EXPECT_LT(dropped, sent / 30);
  EXPECT_GT(c.reordered, 0u) << "the relay's jitter should have reordered some packets";
  EXPECT_EQ(c.duplicated + c.malformed + c.foreign + c.oversized + c.ssrc_changes + c.jumps, 0u) << log;
  // The least headroom agrees with the late count: a packet is late when
  // its headroom is a packet time (1 ms) or more below zero.
  const size_t h = log.find("(least headroom: ");
  ASSERT_NE(h, std::string::npos) << log;
  const double headroom_ms = std::strtod(log.c_str() + h + 17, nullptr);
  if (c.late > 0)
    EXPECT_LE(headroom_ms, -1.0) << log;
  else
    EXPECT_GT(headroom_ms, -1.0) << log;

  // The graph never stalled: it recorded its whole duration.
  const auto got = aes67_test::recorded(tmp.path("rx.wav"));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].size(), static_cast<size_t>(rx_seconds) * 48000);
  EXPECT_NE(log.find("stopped after " + std::to_string(rx_seconds) + ".000 s"), std::string::npos) << log;

  // One latency for the whole minute: every packet the relay passed on
  // plays at its timestamp plus one fixed offset (found from the first),
  // exactly its samples; or, counted late or falling in a block the
  // receiver's graph skipped (a stall on this loaded machine: the recorder
  // says how many frames), as silence. The packets nftables dropped play
  // as silence in their place. A drift, a slip or a re-tie would put
  // packets out of place.
  const PlayedPackets p = check_played(relay.forwarded(), got);
  ASSERT_TRUE(p.anchored) << "the first packet's samples are nowhere in the recording";
  EXPECT_EQ(p.out_of_place, 0u) << "packets that played neither in place nor as silence; " << log;
  const unsigned long long skipped = silent_frames(log);
  EXPECT_LE(p.silent, c.late + skipped / 48 + 2 * xruns(log)) << log;
  EXPECT_EQ(p.gaps_not_silent, 0u) << "a lost packet's place must be silent";
  EXPECT_EQ(p.gaps, c.lost) << "the gaps between the packets the relay passed on are the lost packets";
  std::printf(
      "sent %llu packets; nftables dropped %llu; received %llu (%llu reordered); lost %llu, late %llu; "
      "%zu packets in place, %zu silent (late or in skipped blocks: %llu frames)\n",
      sent, dropped, c.received, c.reordered, c.lost, c.late, p.in_place, p.silent, skipped);
}

}  // namespace
}  // namespace ac
