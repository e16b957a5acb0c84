// AES67 streams against real peers: audiocloud to audiocloud, GStreamer
// (rtpL24pay / rtpL24depay) both ways and ffmpeg reading the SDP audiocloud
// wrote, over a veth pair between two network namespaces the test creates.
// Samples are compared, not levels: the received stream must be the sent
// one, 24-bit quantised, bit for bit, from where it starts. Both ends run
// on this machine's clock, so the receivers use `timing: arrival` (no
// resampling); the default would follow the sender through the resampler.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "aes67_helpers.h"
#include "child_process.h"
#include "dsp/sound_file.h"
#include "netns.h"
#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

const std::string kBinary = AUDIOCLOUD_BINARY;
using aes67_test::match;
using aes67_test::Match;
using aes67_test::noise_graph;
using aes67_test::recorded;
using aes67_test::reference;

class Aes67Interop : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(lan.ok()) << "could not create the network namespaces"; }
  std::string group() const { return "239.69.79.1"; }
  test::TempDir tmp;
  test::VethLan lan{2, "10.79.7"};
};

// audiocloud → audiocloud: 2 channels at 1 ms and 8 at 125 µs, multicast
// on the veth pair; the receiver's counters say nothing was lost or late.
TEST_F(Aes67Interop, AudiocloudToAudiocloudIsBitExact) {
  struct Case {
    uint32_t channels;
    const char* packet_time;
  };
  for (const Case c : {Case{2, "1ms"}, Case{8, "125us"}}) {
    SCOPED_TRACE(std::to_string(c.channels) + " channels, " + c.packet_time);
    const std::string tx = test::write_text(
        tmp, "tx.yaml",
        noise_graph(c.channels, "{type: aes67.tx, channels: " + std::to_string(c.channels) +
                                    ", params: {destination: \"" + group() + ":5004\", interface: " + lan.iface(0) +
                                    ", packet_time: " + c.packet_time + ", sdp: tx.sdp}}"));
    const std::string rx =
        test::write_text(tmp, "rx.yaml",
                         "nodes:\n  rx: {type: aes67.rx, params: {sdp: tx.sdp, interface: " + lan.iface(1) +
                             ", timing: arrival, link_offset: 20}}\n"
                             "  r: {type: file_recorder, channels: " +
                             std::to_string(c.channels) +
                             ", params: {path: rx.wav, encoding: float}}\n"
                             "connections:\n  - rx.out -> r.in\n");
    for (int attempt = 1;; ++attempt) {
      // The SDP is written when the sender starts: the receiver reads it.
      std::remove(tmp.path("tx.sdp").c_str());
      test::ChildProcess sender(lan.in(0) + kBinary + " run " + tx + " -d 6s", tmp.path("tx.log"));
      for (int i = 0; i < 250 && !std::ifstream(tmp.path("tx.sdp")); ++i) usleep(20000);
      const auto r = test::run_command(lan.in(1) + kBinary + " run " + rx + " -d 3s < /dev/null");
      ASSERT_EQ(r.exit_code, 0) << r.output;
      EXPECT_EQ(sender.wait_for_exit(30), std::optional<int>(0)) << test::read_text(tmp.path("tx.log"));
      if (aes67_test::run_again_after_stall(test::read_text(tmp.path("tx.log")) + r.output, attempt)) continue;
      EXPECT_NE(r.output.find(" 0 lost, 0 late, 0 duplicated, 0 reordered, 0 malformed, 0 of another format"),
                std::string::npos)
          << r.output;
      const Match m = match(reference(tmp, c.channels, "pcm24"), recorded(tmp.path("rx.wav")));
      ASSERT_TRUE(m.found) << "the received samples are nowhere in the sent ones";
      EXPECT_GT(m.compared, 48000u * 2);
      EXPECT_EQ(m.mismatched, 0u) << "of " << m.compared << " frames";
      break;
    }
  }
}

// tshark, told the port carries RTP, dissects every packet we send with no
// malformed packet and no expert warning; their payload type and sequence
// numbers are what the stream says. (Not payload type 99: Wireshark reads
// that one as RFC 2198 redundant audio by default.)
TEST_F(Aes67Interop, TsharkDissectsOurRtpCleanly) {
  const std::string tx =
      test::write_text(tmp, "tx.yaml",
                       noise_graph(2, "{type: aes67.tx, channels: 2, params: {destination: \"" + group() +
                                          ":5012\", interface: " + lan.iface(0) + ", payload_type: 97}}"));
  test::ChildProcess capture(
      lan.in(1) + "tshark -q -i " + lan.iface(1) + " -a duration:4 -f \"udp port 5012\" -w " + tmp.path("cap.pcap"),
      tmp.path("tshark.log"));
  usleep(1500000);  // tshark takes a moment to open the interface
  const auto r = test::run_command(lan.in(0) + kBinary + " run " + tx + " -d 1s < /dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  capture.wait_for_exit(30);
  const std::string read = "tshark -r " + tmp.path("cap.pcap") + " -d udp.port==5012,rtp ";
  const auto fields = test::run_command(read + "-T fields -e rtp.p_type -e rtp.ssrc -e rtp.seq -Y rtp");
  std::istringstream lines(fields.output);
  std::string line;
  int packets = 0, in_order = 0;
  long last = -1;
  while (std::getline(lines, line)) {
    unsigned pt = 0, seq = 0;
    char ssrc[32] = {};
    if (std::sscanf(line.c_str(), "%u %31s %u", &pt, ssrc, &seq) != 3) continue;
    ++packets;
    EXPECT_EQ(pt, 97u) << line;
    in_order += last < 0 || static_cast<long>(seq) == (last + 1) % 65536;
    last = seq;
  }
  EXPECT_GT(packets, 900) << fields.output << test::read_text(tmp.path("tshark.log"));
  EXPECT_EQ(in_order, packets) << "sequence numbers must follow each other";
  const auto expert = test::run_command(read + "-q -z expert");
  EXPECT_EQ(expert.output.find("Malformed"), std::string::npos) << expert.output;
  EXPECT_EQ(expert.output.find("Warning"), std::string::npos) << expert.output;
  EXPECT_EQ(expert.output.find("Error"), std::string::npos) << expert.output;
}

// A multicast stream is announced with SAP on its interface: `aes67 ls` on
// the other host lists it, a receiver subscribes by its name, and tshark
// dissects the SAP packets and the SDP in them without a warning.
TEST_F(Aes67Interop, SapAnnouncesTheStreamAndAReceiverFindsItByName) {
  const std::string tx =
      test::write_text(tmp, "tx.yaml",
                       noise_graph(2, "{type: aes67.tx, channels: 2, params: {destination: \"" + group() +
                                          ":5014\", interface: " + lan.iface(0) + ", name: studio tone}}"));
  test::ChildProcess capture(
      lan.in(1) + "tshark -q -i " + lan.iface(1) + " -a duration:15 -f \"udp port 9875\" -w " + tmp.path("sap.pcap"),
      tmp.path("tshark.log"));
  usleep(1500000);
  test::ChildProcess sender(lan.in(0) + kBinary + " run " + tx + " -d 12s", tmp.path("tx.log"));
  const auto ls = test::run_command(lan.in(1) + kBinary + " aes67 ls --json --duration 3s --interface " + lan.iface(1));
  ASSERT_EQ(ls.exit_code, 0) << ls.output;
  const auto streams = nlohmann::json::parse(ls.output);
  ASSERT_EQ(streams.size(), 1u) << ls.output;
  EXPECT_EQ(streams[0]["name"], "studio tone");
  EXPECT_EQ(streams[0]["destination"], group() + ":5014");
  EXPECT_EQ(streams[0]["announced_by"], lan.address(0));
  EXPECT_EQ(streams[0]["channels"], 2);
  EXPECT_EQ(streams[0]["encoding"], "L24");
  EXPECT_EQ(streams[0]["packet_time"], "1ms");
  // Subscribed by name: the SDP comes from the announcement.
  const std::string rx = test::write_text(
      tmp, "rx.yaml",
      "nodes:\n  rx: {type: aes67.rx, params: {stream: studio tone, interface: " + lan.iface(1) +
          ", link_offset: 20}}\n  r: {type: file_recorder, channels: 2, params: {path: rx.wav, encoding: float}}\n"
          "connections:\n  - rx.out -> r.in\n");
  const auto r = test::run_command(lan.in(1) + kBinary + " run " + rx + " -d 1s < /dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("RTP packets from " + group() + ":5014: 0 lost"), std::string::npos) << r.output;
  EXPECT_EQ(sender.wait_for_exit(30), std::optional<int>(0)) << test::read_text(tmp.path("tx.log"));
  capture.wait_for_exit(30);
  const std::string read = "tshark -r " + tmp.path("sap.pcap") + " ";
  const auto fields = test::run_command(read + "-Y sap -T fields -e sap.flags.t -e sdp.session_name");
  EXPECT_NE(fields.output.find("studio tone"), std::string::npos) << fields.output;
  EXPECT_NE(fields.output.find("1\tstudio tone"), std::string::npos) << "the deletion at the end: " << fields.output;
  // Wireshark 4.0 notes "Invalid SDP line (no '=' delimiter)" on every SAP
  // packet that carries its optional payload type ("application/sdp", as
  // Dante and RFC 2974's example send it): it notes Dante's own packets the
  // same way (measured with conformance/sdp/dante.sdp). That note, at most once
  // a packet, is the only thing it may say.
  const auto packets = test::run_command(read + "-Y sap -T fields -e frame.number");
  const auto count = std::count(packets.output.begin(), packets.output.end(), '\n');
  const auto expert = test::run_command(read + "-q -z expert");
  EXPECT_EQ(expert.output.find("Warning"), std::string::npos) << expert.output;
  EXPECT_EQ(expert.output.find("Error"), std::string::npos) << expert.output;
  // "   6  Malformed   SDP  Invalid SDP line (no '=' delimiter)": the count
  // is the number before the group.
  const size_t note = expert.output.find("Invalid SDP line (no '=' delimiter)");
  ASSERT_NE(note, std::string::npos) << expert.output;
  const size_t line_start = expert.output.rfind('\n', note) + 1;
  const long notes = std::stol(expert.output.substr(line_start, note - line_start));
  EXPECT_LE(notes, count) << "at most once a SAP packet: " << expert.output;
  EXPECT_EQ(expert.output.find("Malformed", expert.output.find("Malformed") + 1), std::string::npos) << expert.output;
}

// The formats the peers are tried with: 2 channels at 1 ms, 8 at 125 us.
struct PeerCase {
  uint32_t channels;
  const char* packet_time;  // as the graph says it
  const char* ptime_ns;     // as rtpL24pay says it
};
constexpr PeerCase kPeerCases[] = {{2, "1ms", "1000000"}, {8, "125us", "125000"}};

// GStreamer sends (a pcm24 WAV through rtpL24pay, paced by its clock);
// audiocloud receives it bit for bit. (A link offset of 200 ms: GStreamer's
// threads are not real-time and stall on a loaded machine; what is tested
// here is the bits.)
TEST_F(Aes67Interop, GStreamerToAudiocloudIsBitExact) {
  int port = 5006;
  for (const PeerCase& c : kPeerCases) {
    SCOPED_TRACE(std::to_string(c.channels) + " channels, " + c.packet_time);
    const std::string ch = std::to_string(c.channels), at = std::to_string(port += 100);
    const auto sent = reference(tmp, c.channels, "pcm24");
    test::ChildProcess gst(lan.in(0) + "gst-launch-1.0 -q filesrc location=" + tmp.path("ref.wav") +
                               " ! wavparse ! audioconvert dithering=none ! audio/x-raw,format=S24BE,rate=48000,"
                               "channels=" +
                               ch + " ! rtpL24pay pt=97 min-ptime=" + c.ptime_ns + " max-ptime=" + c.ptime_ns +
                               " ! udpsink host=" + group() + " port=" + at +
                               " auto-multicast=true ttl-mc=1 multicast-iface=" + lan.iface(0),
                           tmp.path("gst.log"));
    const std::string rx =
        test::write_text(tmp, "rx.yaml",
                         "nodes:\n  rx: {type: aes67.rx, channels: " + ch + ", params: {source: \"" + group() + ":" +
                             at + "\", interface: " + lan.iface(1) + ", packet_time: " + c.packet_time +
                             ", payload_type: 97, timing: arrival, link_offset: 200}}\n"
                             "  r: {type: file_recorder, channels: " +
                             ch + ", params: {path: rx.wav, encoding: float}}\nconnections:\n  - rx.out -> r.in\n");
    const auto r = test::run_command(lan.in(1) + kBinary + " run " + rx + " -d 4s < /dev/null");
    ASSERT_EQ(r.exit_code, 0) << r.output << test::read_text(tmp.path("gst.log"));
    EXPECT_NE(r.output.find(" 0 lost, 0 late"), std::string::npos) << r.output;
    const Match m = match(sent, recorded(tmp.path("rx.wav")));
    ASSERT_TRUE(m.found) << r.output;
    EXPECT_GT(m.compared, 48000u * 3);
    EXPECT_EQ(m.mismatched, 0u) << "of " << m.compared << " frames";
  }
}

// audiocloud sends; GStreamer (udpsrc with the stream's caps, rtpL24depay)
// writes what it received to a file: the samples are ours.
TEST_F(Aes67Interop, AudiocloudToGStreamerIsBitExact) {
  int port = 5008;
  for (const PeerCase& c : kPeerCases) {
    SCOPED_TRACE(std::to_string(c.channels) + " channels, " + c.packet_time);
    const std::string ch = std::to_string(c.channels), at = std::to_string(port += 100);
    const std::string tx =
        test::write_text(tmp, "tx.yaml",
                         noise_graph(c.channels, "{type: aes67.tx, channels: " + ch + ", params: {destination: \"" +
                                                     group() + ":" + at + "\", interface: " + lan.iface(0) +
                                                     ", packet_time: " + c.packet_time + ", payload_type: 98}}"));
    for (int attempt = 1;; ++attempt) {
      std::remove(tmp.path("gst.raw").c_str());
      test::ChildProcess receiver(
          lan.in(1) + "timeout --foreground -s INT 5 gst-launch-1.0 -q -e udpsrc address=" + group() + " port=" + at +
              " multicast-iface=" + lan.iface(1) +
              " caps=\"application/x-rtp,media=audio,clock-rate=48000,encoding-name=L24,channels=" + ch +
              ",payload=98\" ! rtpjitterbuffer latency=500 ! rtpL24depay ! filesink location=" + tmp.path("gst.raw"),
          tmp.path("gst.log"));
      usleep(500000);
      const auto r = test::run_command(lan.in(0) + kBinary + " run " + tx + " -d 3s < /dev/null");
      ASSERT_EQ(r.exit_code, 0) << r.output;
      receiver.wait_for_exit(20);
      if (aes67_test::run_again_after_stall(r.output, attempt)) continue;
      // The depayloader's bytes as they are (big-endian, interleaved), made a
      // WAV by sox.
      const auto wav = test::run_command("sox -t raw -r 48000 -e signed-integer -b 24 -B -c " + ch + " " +
                                         tmp.path("gst.raw") + " " + tmp.path("gst.wav"));
      ASSERT_EQ(wav.exit_code, 0) << wav.output;
      auto got = recorded(tmp.path("gst.wav"));
      // Without a channel-order in its caps, rtpL24depay reads 8 channels as
      // RFC 3555's "DV.LRCWoLsRsLmixRmix" and puts them in GStreamer's order
      // (gst-plugins-good, gstrtpchannels.c): the stream's channels 4, 5 come
      // out as 6, 7 and 6, 7 as 4, 5. Undone here; every sample is compared.
      if (c.channels == 8 && got.size() == 8) {
        std::swap(got[4], got[6]);
        std::swap(got[5], got[7]);
      }
      const Match m = match(reference(tmp, c.channels, "pcm24"), got);
      ASSERT_TRUE(m.found) << test::read_text(tmp.path("gst.log"));
      EXPECT_GT(m.compared, 48000u * 2);
      EXPECT_EQ(m.mismatched, 0u) << "of " << m.compared << " frames";
      break;
    }
  }
}

// ffmpeg opens the SDP audiocloud wrote and decodes the stream bit for bit.
TEST_F(Aes67Interop, FfmpegDecodesTheStreamFromOurSdp) {
  const std::string tx =
      test::write_text(tmp, "tx.yaml",
                       noise_graph(2, "{type: aes67.tx, channels: 2, params: {destination: \"" + group() +
                                          ":5010\", interface: " + lan.iface(0) + ", sdp: tx.sdp}}"));
  for (int attempt = 1;; ++attempt) {
    std::remove(tmp.path("tx.sdp").c_str());
    std::remove(tmp.path("ff.wav").c_str());
    test::ChildProcess sender(lan.in(0) + kBinary + " run " + tx + " -d 6s", tmp.path("tx.log"));
    for (int i = 0; i < 250 && !std::ifstream(tmp.path("tx.sdp")); ++i) usleep(20000);
    const auto r =
        test::run_command(lan.in(1) + "ffmpeg -nostdin -loglevel error -protocol_whitelist file,udp,rtp -i " +
                          tmp.path("tx.sdp") + " -t 3 -c:a pcm_s24le " + tmp.path("ff.wav"));
    ASSERT_EQ(r.exit_code, 0) << r.output << test::read_text(tmp.path("tx.sdp"));
    sender.wait_for_exit(30);
    if (aes67_test::run_again_after_stall(test::read_text(tmp.path("tx.log")), attempt)) continue;
    const Match m = match(reference(tmp, 2, "pcm24"), recorded(tmp.path("ff.wav")));
    ASSERT_TRUE(m.found) << r.output;
    EXPECT_GT(m.compared, 48000u * 2);
    EXPECT_EQ(m.mismatched, 0u) << "of " << m.compared << " frames";
    break;
  }
}

}  // namespace
}  // namespace ac

namespace ac {
namespace {

// Datagrams that are not the stream: each kind counted and dropped, the
// graph untouched (it runs to its end and says so).
TEST(Aes67BadInput, MalformedAndForeignPacketsAreCountedAndDropped) {
  test::TempDir tmp;
  const int port = 31000 + static_cast<int>(getpid() % 20000);
  const std::string at = "127.0.0.1:" + std::to_string(port);
  const std::string rx = test::write_text(tmp, "rx.yaml",
                                          "nodes:\n  rx: {type: aes67.rx, params: {source: \"" + at +
                                              "\", link_offset: 20}}\n  out: {type: output, channels: 2}\n"
                                              "connections:\n  - rx.out -> out.in\n");
  test::ChildProcess receiver(kBinary + " run " + rx + " -d 3s", tmp.path("rx.log"));
  usleep(800000);
  // RTP header: V=2, PT 96 (or 100), seq, ts, SSRC; a 1 ms L24 stereo
  // payload is 288 bytes.
  const std::string send = test::write_text(tmp, "send.py", R"(
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
to = ("127.0.0.1", int(sys.argv[1]))
def rtp(pt, seq, payload, version=2):
    return struct.pack("!BBHII", version << 6, pt, seq, seq * 48, 0x1234) + payload
for i in range(5): s.sendto(b"\x80\x60\x00\x01\x00\x00", to)                 # truncated
for i in range(4): s.sendto(rtp(96, i, bytes(288), version=1), to)           # RTP version 1
for i in range(3): s.sendto(rtp(100, i, bytes(288)), to)                     # another payload type
for i in range(2): s.sendto(rtp(96, i, bytes(144)), to)                      # one channel, not two
s.sendto(rtp(96, 9, bytes(9100)), to)                                        # larger than any MTU
)");
  const auto sent = test::run_command("python3 " + send + " " + std::to_string(port));
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  ASSERT_EQ(receiver.wait_for_exit(30), std::optional<int>(0)) << test::read_text(tmp.path("rx.log"));
  const std::string log = test::read_text(tmp.path("rx.log"));
  EXPECT_NE(log.find("0 RTP packets from " + at +
                     ": 0 lost, 0 late, 0 duplicated, 0 reordered, 9 malformed, 5 of "
                     "another format, 1 oversized; 0 frames concealed"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("stopped after 3.000 s"), std::string::npos) << log;
}

}  // namespace
}  // namespace ac

namespace ac {
namespace {

// Two hosts joined by two networks (two veth pairs): ST 2022-7's legs.
class DualLink {
 public:
  DualLink() : tag_("ac" + std::to_string(getpid() % 100000) + "d") {
    ok_ = sh("ip netns add " + ns(0)) && sh("ip netns add " + ns(1));
    for (int leg = 0; ok_ && leg < 2; ++leg) {
      ok_ = sh("ip link add " + iface(0, leg) + " type veth peer name " + iface(1, leg));
      for (int host = 0; ok_ && host < 2; ++host) {
        ok_ = sh("ip link set " + iface(host, leg) + " netns " + ns(host)) &&
              sh(in(host) + "ip addr add 10.79." + std::to_string(8 + leg) + "." + std::to_string(host + 1) +
                 "/24 dev " + iface(host, leg)) &&
              sh(in(host) + "ip link set " + iface(host, leg) + " up");
      }
    }
  }
  ~DualLink() {
    test::run_command("ip netns del " + ns(0));
    test::run_command("ip netns del " + ns(1));
  }
  bool ok() const { return ok_; }
  std::string ns(int host) const { return tag_ + "n" + std::to_string(host); }
  std::string iface(int host, int leg) const { return tag_ + std::string(leg ? "b" : "a") + std::to_string(host); }
  std::string in(int host) const { return "ip netns exec " + ns(host) + " "; }
  bool sh(const std::string& cmd) { return test::run_command(cmd).exit_code == 0; }

 private:
  std::string tag_;
  bool ok_ = false;
};

// A sender on both legs; the receiver's second leg goes down for a second
// mid-stream and comes back: not one frame is concealed, the leg is counted
// down once, and it delivers again once it is up.
TEST(Aes67Redundancy, OneLegDownLosesNothing) {
  test::TempDir tmp;
  DualLink link;
  ASSERT_TRUE(link.ok()) << "could not create the namespaces";
  const std::string tx = test::write_text(
      tmp, "tx.yaml",
      noise_graph(2, "{type: aes67.tx, channels: 2, params: {destination: \"239.69.80.1:5016\", interface: " +
                         link.iface(0, 0) + ", destination2: \"239.69.81.1:5016\", interface2: " + link.iface(0, 1) +
                         ", sdp: tx.sdp, announce: off}}"));
  test::ChildProcess sender(link.in(0) + kBinary + " run " + tx + " -d 8s", tmp.path("tx.log"));
  for (int i = 0; i < 250 && !std::ifstream(tmp.path("tx.sdp")); ++i) usleep(20000);
  const std::string sdp = test::read_text(tmp.path("tx.sdp"));
  EXPECT_NE(sdp.find("a=group:DUP primary secondary"), std::string::npos) << sdp;
  const std::string rx =
      test::write_text(tmp, "rx.yaml",
                       "nodes:\n  rx: {type: aes67.rx, params: {sdp: tx.sdp, interface: " + link.iface(1, 0) +
                           ", interface2: " + link.iface(1, 1) +
                           ", timing: arrival, link_offset: 20}}\n  r: {type: file_recorder, channels: 2, "
                           "params: {path: "
                           "rx.wav, encoding: float}}\nconnections:\n  - rx.out -> r.in\n");
  test::ChildProcess receiver(link.in(1) + kBinary + " run " + rx + " -d 5s", tmp.path("rx.log"));
  usleep(1500000);
  ASSERT_TRUE(link.sh(link.in(1) + "ip link set " + link.iface(1, 1) + " down"));
  usleep(1000000);
  ASSERT_TRUE(link.sh(link.in(1) + "ip link set " + link.iface(1, 1) + " up"));
  ASSERT_EQ(receiver.wait_for_exit(30), std::optional<int>(0)) << test::read_text(tmp.path("rx.log"));
  sender.wait_for_exit(30);
  const std::string log = test::read_text(tmp.path("rx.log"));
  EXPECT_NE(log.find(" 0 lost, 0 late"), std::string::npos) << log;
  EXPECT_NE(log.find(" 0 frames concealed"), std::string::npos) << log;
  // "...; ST 2022-7 legs: 1: N packets, down 0 times; 2 (ADDRESS): M packets, down 1 times"
  const size_t at = log.find("ST 2022-7 legs: 1: ");
  ASSERT_NE(at, std::string::npos) << log;
  long one = 0, two = 0, downs_one = -1, downs_two = -1;
  ASSERT_EQ(
      std::sscanf(log.c_str() + at, "ST 2022-7 legs: 1: %ld packets, down %ld times; 2 (%*[^)]): %ld packets, down %ld",
                  &one, &downs_one, &two, &downs_two),
      4)
      << log;
  EXPECT_EQ(downs_one, 0) << log;
  EXPECT_EQ(downs_two, 1) << log;
  EXPECT_EQ(log.find("(down now)"), std::string::npos) << "leg 2 came back: " << log;
  // Leg 2 missed about a second of packets and delivered the rest.
  EXPECT_GT(two, one - 1300) << log;
  EXPECT_LT(two, one - 700) << log;
  // The samples, unless a stall shifted what the sender sent (the counts
  // above hold either way).
  if (aes67_test::had_stall(test::read_text(tmp.path("tx.log")) + log)) {
    std::printf("a stall (xrun) on this machine: the samples are not compared this run\n");
    return;
  }
  const Match m = match(reference(tmp, 2, "pcm24"), recorded(tmp.path("rx.wav")));
  ASSERT_TRUE(m.found);
  EXPECT_EQ(m.mismatched, 0u) << "of " << m.compared << " frames";
}

}  // namespace
}  // namespace ac

namespace ac {
namespace {

long long first_block(const std::string& log) {
  const size_t at = log.find("media clock: first block at sample ");
  return at == std::string::npos ? -1 : std::stoll(log.substr(at + 35));
}

// Both ends on one PTP clock (the sender's graph is the grandmaster, the
// receiver's its slave): a sample the sender sent at media time T comes out
// of the receiver at exactly T + the link offset. Each side records what it
// sent or played; a recording's frame 0 is its first block's media time.
TEST(Aes67Timing, ASampleSentAtMediaTimeTPlaysAtTPlusTheLinkOffset) {
  test::TempDir tmp;
  test::VethLan lan(2, "10.79.10");
  ASSERT_TRUE(lan.ok());
  const std::string tx =
      test::write_text(tmp, "tx.yaml",
                       "clock: ptp\nnodes:\n  n: {type: noise, params: {seed: 5, level: -6}}\n"
                       "  tx: {type: aes67.tx, channels: 1, params: {destination: \"239.69.82.1:5018\", "
                       "interface: " +
                           lan.iface(0) +
                           ", sdp: tx.sdp, announce: off}}\n"
                           "  r: {type: file_recorder, channels: 1, params: {path: sent.wav, encoding: float}}\n"
                           "connections:\n  - n.out -> tx.in\n  - n.out -> r.in\n");
  test::ChildProcess sender(
      lan.in(0) + kBinary + " run " + tx + " --ptp-iface " + lan.iface(0) + " --ptp-role master --duration 40s",
      tmp.path("tx.log"));
  for (int i = 0; i < 500 && !std::ifstream(tmp.path("tx.sdp")); ++i) usleep(20000);
  const std::string sdp = test::read_text(tmp.path("tx.sdp"));
  ASSERT_NE(sdp.find("a=ts-refclk:ptp=IEEE1588-2008:"), std::string::npos) << sdp;
  const std::string rx =
      test::write_text(tmp, "rx.yaml",
                       "clock: ptp\nnodes:\n  rx: {type: aes67.rx, params: {sdp: tx.sdp, interface: " + lan.iface(1) +
                           ", link_offset: 20}}\n  r: {type: file_recorder, channels: 1, params: {path: "
                           "played.wav, encoding: float}}\nconnections:\n  - rx.out -> r.in\n");
  const auto r = test::run_command("timeout 90 " + lan.in(1) + kBinary + " run " + rx + " --ptp-iface " + lan.iface(1) +
                                   " --ptp-role slave --ptp-timeout 40 --duration 3s < /dev/null");
  sender.signal(SIGINT);
  sender.wait_for_exit(30);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string tx_log = test::read_text(tmp.path("tx.log"));
  const long long sent0 = first_block(tx_log), played0 = first_block(r.output);
  ASSERT_GT(sent0, 0) << tx_log;
  ASSERT_GT(played0, 0) << r.output;
  auto sent = read_sound_file(tmp.path("sent.wav"), nullptr);
  ASSERT_TRUE(sent);
  // What was sent, as it crossed the wire (24-bit steps).
  for (float& x : (*sent)[0]) x = std::round(x * 8388608.0f) / 8388608.0f;
  const Match m = match(*sent, recorded(tmp.path("played.wav")));
  ASSERT_TRUE(m.found) << r.output;
  EXPECT_EQ(m.mismatched, 0u) << "of " << m.compared << " frames";
  const long long sent_at = sent0 + static_cast<long long>(m.sent_at);
  const long long played_at = played0 + static_cast<long long>(m.got_at);
  EXPECT_EQ(played_at - sent_at, 960) << "sent at media sample " << sent_at << ", played at " << played_at;
  EXPECT_NE(r.output.find(" 0 late"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ac

namespace ac {
namespace {

// The stall check the bit-exact tests lean on reads the logs as written.
TEST(Aes67Helpers, StallsAreReadFromTheLogs) {
  EXPECT_FALSE(aes67_test::had_stall(
      "5.0 s  dsp load 0.3% (max 0.4%)  xruns 3  swaps 0\nstopped after 6.000 s (4500 blocks), 0 xruns, 0 swaps\n"
      "  node tx: 6000 RTP packets sent to 239.69.79.1:5004, 0 refused by the kernel, 0 frames dropped (sender "
      "behind), 0 silent frames for skipped blocks, 0 samples clipped\n"
      "  recorder r: 144000 frames to rx.wav\n"));
  EXPECT_TRUE(aes67_test::had_stall("stopped after 6.000 s (4496 blocks), 1 xruns, 0 swaps\n"));
  EXPECT_TRUE(aes67_test::had_stall("0 frames dropped (sender behind), 256 silent frames for skipped blocks"));
  EXPECT_TRUE(aes67_test::had_stall("0 refused by the kernel, 12 frames dropped (sender behind)"));
  EXPECT_TRUE(aes67_test::had_stall("recorder r: 672000 frames to rx.wav, 64 silent frames in place of skipped"));
}

}  // namespace
}  // namespace ac
