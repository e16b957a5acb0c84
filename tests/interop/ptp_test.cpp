// PTP against linuxptp: network namespaces joined by a bridge (created and
// always removed by the test), ptp4l with software time stamps. All
// namespaces share one system clock, so the true error of audiocloud's
// virtual clock is its PTP time minus the system clock (plus the whole
// seconds of the UTC/TAI offset), read side by side. No ptp4l here steers
// any clock: grandmasters only read the system clock, slaves run with
// free_running and are asked for their offset through pmc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "child_process.h"
#include "clock/ptp_message.h"
#include "dsp/sound_file.h"
#include "event_log_reader.h"
#include "jack_server.h"
#include "netns.h"
#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

const std::string kBinary = AUDIOCLOUD_BINARY;

// Namespaces n0..n(N-1) (test::VethLan), with ptp4l and pmc on them.
class PtpLan : public test::VethLan {
 public:
  PtpLan(const test::TempDir& tmp, int nodes) : VethLan(nodes), tmp_(tmp) {}

  // A ptp4l on node i with software stamps over UDPv4, its own UDS socket.
  std::unique_ptr<test::ChildProcess> ptp4l(int i, const std::string& extra_config) {
    const std::string cfg = tmp_.path("ptp4l" + std::to_string(i) + ".cfg");
    std::ofstream(cfg) << "[global]\ntime_stamping software\nnetwork_transport UDPv4\nuds_address " << uds(i)
                       << "\nlogSyncInterval -3\nlogAnnounceInterval 1\n"
                       << extra_config;
    return std::make_unique<test::ChildProcess>(in(ns(i)) + "ptp4l -f " + cfg + " -i " + iface(i) + " -m",
                                                tmp_.path("ptp4l" + std::to_string(i) + ".log"));
  }
  std::string uds(int i) const { return tmp_.path("ptp4l" + std::to_string(i) + ".sock"); }

  // offsetFromMaster (ns) of the ptp4l on node i, through pmc.
  std::optional<double> ptp4l_offset(int i) { return current_data_set(i, "offsetFromMaster"); }
  // meanPathDelay (ns) of the ptp4l on node i.
  std::optional<double> ptp4l_path_delay(int i) { return current_data_set(i, "meanPathDelay"); }
  std::optional<double> current_data_set(int i, const std::string& field) {
    const auto r = test::run_command(in(ns(i)) + "pmc -u -i " + tmp_.path("pmc" + std::to_string(i)) + " -s " + uds(i) +
                                     " -b 0 'GET CURRENT_DATA_SET'");
    const size_t at = r.output.find(field);
    if (at == std::string::npos) return std::nullopt;
    return std::stod(r.output.substr(at + field.size()));
  }

 private:
  const test::TempDir& tmp_;
};

struct Sample {
  double t = 0;
  std::string state;
  long long ptp_ns = 0, realtime_ns = 0, path_delay_ns = 0;
  std::string gm;
  int gm_class = 0;
};

std::vector<Sample> read_json(const std::string& path) {
  std::ifstream in(path);
  std::vector<Sample> out;
  std::string line;
  while (std::getline(in, line)) {
    Sample s;
    char state[32] = {}, gm[32] = {};
    const char* p = std::strstr(line.c_str(), "\"t\":");
    if (!p || std::sscanf(p, "\"t\":%lf,\"state\":\"%31[^\"]\"", &s.t, state) != 2) continue;
    s.state = state;
    if (const char* q = std::strstr(line.c_str(), "\"gm\":\"")) std::sscanf(q, "\"gm\":\"%31[^\"]\"", gm);
    s.gm = gm;
    if (const char* q = std::strstr(line.c_str(), "\"ptp_ns\":")) std::sscanf(q, "\"ptp_ns\":%lld", &s.ptp_ns);
    if (const char* q = std::strstr(line.c_str(), "\"realtime_ns\":"))
      std::sscanf(q, "\"realtime_ns\":%lld", &s.realtime_ns);
    if (const char* q = std::strstr(line.c_str(), "\"path_delay_ns\":"))
      std::sscanf(q, "\"path_delay_ns\":%lld", &s.path_delay_ns);
    if (const char* q = std::strstr(line.c_str(), "\"gm_class\":")) std::sscanf(q, "\"gm_class\":%d", &s.gm_class);
    out.push_back(s);
  }
  return out;
}

// Sends `packet` to the PTP general port (320) of the multicast group from
// namespace `ns` through its interface `iface` (python3, as any program on
// the segment could).
void send_general(const PtpLan& lan, int node, const std::vector<uint8_t>& packet) {
  std::string hex;
  char byte[3];
  for (uint8_t b : packet) {
    std::snprintf(byte, sizeof byte, "%02x", b);
    hex += byte;
  }
  test::run_command(lan.in(lan.ns(node)) +
                    "python3 -c \"import socket; s = socket.socket(socket.AF_INET, "
                    "socket.SOCK_DGRAM); s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('" +
                    lan.address(node) + "')); s.sendto(bytes.fromhex('" + hex + "'), ('224.0.1.129', 320))\"");
}

// Announces ptp4l drops as bad messages (and one never qualifying), each
// claiming the best clock there could be: priority1 0, class 6.
std::vector<std::vector<uint8_t>> bogus_announces(uint16_t sequence) {
  ptp::Message m;
  m.header.type = ptp::MessageType::announce;
  m.header.source = {{0x99, 0x99, 0x99, 0xFF, 0xFE, 0x99, 0x99, 0x99}, 1};
  m.header.sequence = sequence;
  m.header.log_interval = 1;
  m.announce.priority1 = 0;
  m.announce.quality.clock_class = 6;
  m.announce.grandmaster = m.header.source.clock;
  auto with = [&](uint16_t length, std::vector<uint8_t> suffix) {
    auto b = ptp::encode(m);
    b.insert(b.end(), suffix.begin(), suffix.end());
    b[2] = static_cast<uint8_t>(length >> 8);
    b[3] = static_cast<uint8_t>(length);
    return b;
  };
  std::vector<std::vector<uint8_t>> out = {
      with(200, {}),                       // messageLength 200 in a 64-byte datagram
      with(68, {0x00, 0x03, 0xFF, 0xF0}),  // a TLV of length 0xfff0
      with(68, {0x00, 0x03, 0x00, 0x03}),  // a TLV of length 3 with no value
  };
  m.announce.steps_removed = 65535;  // well formed, but never qualifies
  out.push_back(ptp::encode(m));
  return out;
}

struct Stats {
  double mean = 0, rms = 0, max = 0;
  size_t n = 0;
};
Stats stats(const std::vector<double>& v) {
  Stats s;
  s.n = v.size();
  if (v.empty()) return s;
  double sum = 0, sum2 = 0;
  for (double x : v) {
    sum += x;
    sum2 += x * x;
    s.max = std::max(s.max, std::fabs(x));
  }
  s.mean = sum / static_cast<double>(v.size());
  s.rms = std::sqrt(sum2 / static_cast<double>(v.size()));
  return s;
}

// ptp4l grandmaster on n0, audiocloud slave on n1 next to a free-running
// ptp4l slave measuring the same grandmaster: audiocloud locks within 20 s,
// and over the next 60 s its true error has RMS under 2 µs and max under
// 10 µs (the targets; on a loaded machine, under twice what ptp4l
// measures beside it); both figures are printed side by side.
// Measured here (docs/benchmarks.md): RMS 0.6–1.2 µs, max 1.8–2.6 µs, also
// with two busy loops running.
TEST(PtpInterop, AudiocloudSlaveOfPtp4lHasMicrosecondTrueError) {
  test::TempDir tmp;
  PtpLan lan(tmp, 2);  // a bridge adds tens of µs of jitter: one veth pair
  ASSERT_TRUE(lan.ok()) << "could not create the namespaces";
  auto gm = lan.ptp4l(0, "priority1 100\n");
  test::ChildProcess ac(lan.in(lan.ns(1)) + kBinary + " ptp --iface " + lan.iface(1) + " --slave --json --duration 60s",
                        tmp.path("ac.json"));
  // The observer shares audiocloud's namespace and interface (both bind the
  // PTP ports with SO_REUSEADDR; each matches its own Delay_Resp), under a
  // clock identity of its own (it would take the interface's, which is ours).
  auto observer = lan.ptp4l(1, "slaveOnly 1\nfree_running 1\nclockIdentity 0a0b0c.fffe.0d0e0f\n");
  std::vector<double> ptp4l_offsets, ptp4l_delays;
  for (int s = 0; s < 59; ++s) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (s >= 20) {
      if (auto o = lan.ptp4l_offset(1)) ptp4l_offsets.push_back(*o);
      if (auto d = lan.ptp4l_path_delay(1)) ptp4l_delays.push_back(*d);
    }
    // Once locked, a would-be grandmaster announces itself with malformed
    // messages, three times each a second apart (enough to qualify a
    // sender): the slave must keep its grandmaster and its lock.
    if (s >= 30 && s < 33) {
      for (const auto& packet : bogus_announces(static_cast<uint16_t>(s))) send_general(lan, 0, packet);
    }
  }
  ASSERT_TRUE(ac.wait_for_exit(20).has_value());
  const auto samples = read_json(tmp.path("ac.json"));
  double locked_at = -1;
  for (const Sample& s : samples) {
    if (s.state == "slave") {
      locked_at = s.t;
      break;
    }
  }
  ASSERT_GE(locked_at, 0) << test::read_text(tmp.path("ac.json"));
  EXPECT_LE(locked_at, 20.0) << "locked after " << locked_at << " s";
  std::vector<double> errors, delays;
  for (const Sample& s : samples) {
    if (s.t < locked_at || s.t > locked_at + 38.0) continue;
    const double d = static_cast<double>(s.ptp_ns - s.realtime_ns);
    const double whole_seconds = std::round(d / 1e9);  // the UTC/TAI offset, if the master uses TAI
    errors.push_back(d - whole_seconds * 1e9);
    delays.push_back(static_cast<double>(s.path_delay_ns));
  }
  ASSERT_GE(errors.size(), 30u);
  const Stats mine = stats(errors), theirs = stats(ptp4l_offsets);
  const Stats my_delay = stats(delays), their_delay = stats(ptp4l_delays);
  std::printf("audiocloud slave: true error RMS %.0f ns, max %.0f ns, mean %.0f ns (%zu s after locking at %.1f s)\n",
              mine.rms, mine.max, mine.mean, mine.n, locked_at);
  std::printf("ptp4l free-running slave: measured offset RMS %.0f ns, max %.0f ns, mean %.0f ns (%zu readings)\n",
              theirs.rms, theirs.max, theirs.mean, theirs.n);
  std::printf("path delay: audiocloud mean %.0f ns, ptp4l mean %.0f ns (difference %.0f ns)\n", my_delay.mean,
              their_delay.mean, my_delay.mean - their_delay.mean);
  // The targets hold on a quiet machine. On a loaded one, software
  // time stamps arrive late for every PTP stack alike: a rehearsal saw
  // ptp4l's own offsets reach RMS 1.5 µs and max 7.9 µs, and ours 1.9 and
  // 11 µs. So the bounds are the targets, or twice what the reference peer
  // measured in the same minute, whichever is larger.
  EXPECT_LT(mine.rms, std::max(2000.0, 2.0 * theirs.rms)) << "ptp4l's RMS " << theirs.rms << " ns";
  EXPECT_LT(mine.max, std::max(10000.0, 2.0 * theirs.max)) << "ptp4l's max " << theirs.max << " ns";
  // No bias: the mean true error within 0.4 us (measured quiet: -23 and
  // -49 ns; it was -0.4 to -0.8 us while the observer shared our clock
  // identity and could take our Delay_Resp for its own), or half the RMS
  // on a loaded machine.
  EXPECT_LT(std::fabs(mine.mean), std::max(400.0, 0.5 * mine.rms)) << "mean true error";
  for (const Sample& s : samples) {
    if (s.t > locked_at && s.t <= locked_at + 38.0) {
      EXPECT_EQ(s.state, "slave") << "lost lock at " << s.t << " s";
    }
    if (s.t > locked_at) {
      EXPECT_NE(s.gm, "999999.fffe.999999") << "followed a malformed Announce at " << s.t << " s";
    }
  }
  // Each kind was counted (ptp4l on the other side sent no bad ones).
  const std::string last = test::read_text(tmp.path("ac.json"));
  const std::string tail = last.substr(last.rfind("\"rejected\":"));
  for (const char* kind : {"\"length\":3", "\"tlv\":6", "\"steps_removed\":3"})
    EXPECT_NE(tail.find(kind), std::string::npos) << kind << " in " << tail;
}

// audiocloud grandmaster on n0, a free-running ptp4l slave on n1: ptp4l
// locks to it and measures microsecond offsets (quiet runs: |mean| 0.3 µs,
// RMS 0.7–0.95 µs, inside the 2 µs; asserted here with the margin a
// loaded machine needs); tshark dissects everything as valid PTPv2.
TEST(PtpInterop, Ptp4lMeasuresAudiocloudAsGrandmaster) {
  test::TempDir tmp;
  PtpLan lan(tmp, 2);
  ASSERT_TRUE(lan.ok()) << "could not create the namespaces";
  test::ChildProcess ac(lan.in(lan.ns(0)) + kBinary + " ptp --iface " + lan.iface(0) + " --master --duration 45s",
                        tmp.path("ac.out"));
  auto slave = lan.ptp4l(1, "slaveOnly 1\nfree_running 1\n");
  test::ChildProcess capture(
      lan.in(lan.ns(1)) + "tshark -i " + lan.iface(1) + " -a duration:12 -w " + tmp.path("ptp.pcap"),
      tmp.path("tshark.out"));
  std::vector<double> offsets;
  for (int s = 0; s < 43; ++s) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (s >= 22) {
      if (auto o = lan.ptp4l_offset(1)) offsets.push_back(*o);
    }
  }
  ASSERT_TRUE(capture.wait_for_exit(20).has_value());
  const Stats st = stats(offsets);
  std::printf("ptp4l slave of audiocloud: offset mean %.0f ns, RMS %.0f ns, max %.0f ns (%zu readings)\n", st.mean,
              st.rms, st.max, st.n);
  ASSERT_GE(offsets.size(), 15u) << test::read_text(tmp.path("ptp4l1.log"));
  EXPECT_LT(std::fabs(st.mean), 5000.0);
  EXPECT_LT(st.rms, 5000.0);
  // tshark: every PTP message type we send, none malformed or flagged.
  const auto all = test::run_command("tshark -r " + tmp.path("ptp.pcap") + " -Y ptp -T fields -e ptp.v2.messagetype");
  for (const char* type : {"0x00", "0x08", "0x0b", "0x09", "0x01"}) {
    EXPECT_NE(all.output.find(type), std::string::npos) << "no message of type " << type << " captured:\n"
                                                        << all.output;
  }
  const auto bad = test::run_command("tshark -r " + tmp.path("ptp.pcap") +
                                     " -Y '_ws.malformed || _ws.expert.severity >= warning' -T fields -e frame.number");
  EXPECT_EQ(bad.output.find_first_of("0123456789"), std::string::npos) << "flagged frames: " << bad.output;
}

// Three clocks on one bridge — two ptp4l (priority1 100 and 110) and
// audiocloud (120) — agree on the best; when it stops, the next best takes
// over and audiocloud follows it. The time it takes is printed; the
// announce interval is 2 s, the receipt timeout 3 intervals.
TEST(PtpInterop, ThreeClocksAgreeOnTheBestAndTheNextTakesOver) {
  test::TempDir tmp;
  PtpLan lan(tmp, 4);
  ASSERT_TRUE(lan.ok()) << "could not create the namespaces";
  // free_running: a ptp4l that becomes a slave must not steer the system
  // clock every namespace shares.
  auto a = lan.ptp4l(0, "priority1 100\nfree_running 1\n");
  auto b = lan.ptp4l(1, "priority1 110\nfree_running 1\n");
  test::ChildProcess ac(
      lan.in(lan.ns(2)) + kBinary + " ptp --iface " + lan.iface(2) + " --auto --priority1 120 --json --duration 75s",
      tmp.path("ac.json"));
  // A ptp4l slave beside audiocloud, to compare how soon each follows the
  // next grandmaster (the standard's qualification holds both back alike).
  auto observer = lan.ptp4l(3, "slaveOnly 1\nfree_running 1\n");
  auto gm_of = [&]() -> std::string {
    const auto s = read_json(tmp.path("ac.json"));
    return s.empty() ? "" : s.back().gm + "/" + s.back().state;
  };
  // ptp4l names clocks as we do: the grandmaster identity audiocloud
  // reports must be a's, and b must be a slave of it too (pmc).
  std::string first;
  for (int i = 0; i < 30 && first.find("/slave") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    first = gm_of();
  }
  ASSERT_NE(first.find("/slave"), std::string::npos) << test::read_text(tmp.path("ac.json"));
  // The port state pmc reports for ptp4l i: the word after "portState".
  const auto port_state = [&](int i) {
    const std::string out = test::run_command(lan.in(lan.ns(i)) + "pmc -u -i " + tmp.path("pmcs" + std::to_string(i)) +
                                              " -s " + lan.uds(i) + " -b 0 'GET PORT_DATA_SET'")
                                .output;
    std::istringstream words(out.substr(std::min(out.size(), out.find("portState"))));
    std::string key, state;
    words >> key >> state;
    return state;
  };
  std::string b_state;
  for (int i = 0; i < 20 && b_state != "SLAVE" && b_state != "UNCALIBRATED"; ++i) {
    b_state = port_state(1);  // b qualifies a's Announces in its own time
    if (b_state != "SLAVE" && b_state != "UNCALIBRATED") std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_TRUE(b_state == "SLAVE" || b_state == "UNCALIBRATED") << b_state;
  EXPECT_EQ(port_state(0), "MASTER");
  const std::string gm_a = first.substr(0, first.find('/'));
  // A failover after a long lock (a fresh lock still pulls the frequency in).
  std::this_thread::sleep_for(std::chrono::seconds(15));
  const auto before_stop = read_json(tmp.path("ac.json"));
  const double stop_t = before_stop.empty() ? 0 : before_stop.back().t;
  a->signal(SIGTERM);  // the grandmaster stops
  const auto stopped = std::chrono::steady_clock::now();
  auto since = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - stopped).count(); };
  // The grandmaster identity ptp4l i follows (pmc PARENT_DATA_SET).
  const auto gm_of_ptp4l = [&](int i) {
    const std::string out = test::run_command(lan.in(lan.ns(i)) + "pmc -u -i " + tmp.path("pmcp" + std::to_string(i)) +
                                              " -s " + lan.uds(i) + " -b 0 'GET PARENT_DATA_SET'")
                                .output;
    std::istringstream words(out.substr(std::min(out.size(), out.find("grandmasterIdentity"))));
    std::string key, id;
    words >> key >> id;
    return id;
  };
  // b's own identity: what the others name once they follow it.
  const std::string b_id = [&] {
    const std::string out = test::run_command(lan.in(lan.ns(1)) + "pmc -u -i " + tmp.path("pmcd1") + " -s " +
                                              lan.uds(1) + " -b 0 'GET DEFAULT_DATA_SET'")
                                .output;
    std::istringstream words(out.substr(std::min(out.size(), out.find("clockIdentity"))));
    std::string key, id;
    words >> key >> id;
    return id;
  }();
  double b_took = -1, ac_took = -1, ac_locked = -1, observer_took = -1;
  std::string now;
  for (int i = 0; i < 300 && (b_took < 0 || ac_locked < 0 || observer_took < 0); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (b_took < 0 && port_state(1) == "MASTER") b_took = since();
    now = gm_of();
    // The grandmaster audiocloud names (on its once-a-second report), and
    // when it locked to it.
    if (ac_took < 0 && now.rfind(b_id + "/", 0) == 0) ac_took = since();
    if (ac_locked < 0 && now == b_id + "/slave") ac_locked = since();
    if (observer_took < 0 && gm_of_ptp4l(3) == b_id) observer_took = since();
  }
  std::printf(
      "grandmaster stopped: the next best took over after %.1f s (%.1f announce intervals); audiocloud "
      "chose it after %.1f s (%.1f intervals) and locked after %.1f s; a ptp4l slave chose it after %.1f s\n",
      b_took, b_took / 2.0, ac_took, ac_took / 2.0, ac_locked, observer_took);
  ASSERT_GE(b_took, 0) << "b never became master";
  ASSERT_GE(ac_locked, 0) << "audiocloud never followed a new grandmaster: " << now;
  // ptp4l's receipt timeout is 3 to 4 intervals (randomised), counted from
  // the last Announce it heard: 4 intervals, plus the poll and the time
  // since that Announce.
  EXPECT_LE(b_took, 4 * 2.0 + 1.5);
  // audiocloud then needs b's Announces to qualify it (two), and reports
  // once a second; no later than the ptp4l slave beside it, give or take
  // the report.
  EXPECT_LE(ac_locked, b_took + 2 * 2.0 + 1.5);
  if (observer_took >= 0) {
    EXPECT_LE(ac_took, observer_took + 1.5);
  }
  // How far audiocloud's time strayed through the switch: its PTP time
  // against the system clock every clock here shares (ptp4l serves it as
  // is: an arbitrary timescale), from the stop to the end.
  std::this_thread::sleep_for(std::chrono::seconds(5));  // a few seconds on the new grandmaster
  const auto samples = read_json(tmp.path("ac.json"));
  // Largest |true error| in three windows: the 10 s before the stop, the
  // holdover (stop to locked again), and after relocking.
  double before = 0, holdover = 0, after = 0;
  for (const Sample& x : samples) {
    const double e = std::fabs(static_cast<double>(x.ptp_ns - x.realtime_ns));
    if (x.t >= stop_t - 10 && x.t < stop_t && x.state == "slave") before = std::max(before, e);
    if (x.t >= stop_t && x.t < stop_t + ac_locked) holdover = std::max(holdover, e);
    if (x.t >= stop_t + ac_locked && x.state == "slave") after = std::max(after, e);
    if (std::getenv("AUDIOCLOUD_PTP_SERIES") && x.t >= stop_t - 3)
      std::printf("  %.1f s %s %.0f ns\n", x.t - stop_t, x.state.c_str(),
                  static_cast<double>(x.ptp_ns - x.realtime_ns));
  }
  std::printf(
      "audiocloud's largest true error: %.1f us in the 10 s before the stop, %.1f us in holdover, %.1f us "
      "after relocking\n",
      before / 1000.0, holdover / 1000.0, after / 1000.0);
}

// At equal priority1 and an honest clock class (248, as ptp4l's default),
// the BMCA decides by clock identity: the lower wins, whichever of
// audiocloud and a default ptp4l holds it. (Announcing class 6, as before,
// audiocloud won every time.)
TEST(PtpInterop, AtEqualPriorityTheLowerClockIdentityWins) {
  for (const std::string ptp4l_id : {"000000.fffe.000001", "fffffe.fffe.fffffe"}) {
    test::TempDir tmp;
    PtpLan lan(tmp, 2);
    ASSERT_TRUE(lan.ok()) << "could not create the namespaces";
    auto peer = lan.ptp4l(0, "clockIdentity " + ptp4l_id + "\nfree_running 1\n");
    test::ChildProcess ac(
        lan.in(lan.ns(1)) + kBinary + " ptp --iface " + lan.iface(1) + " --auto --json --duration 15s",
        tmp.path("ac.json"));
    ASSERT_TRUE(ac.wait_for_exit(40).has_value());
    const auto samples = read_json(tmp.path("ac.json"));
    ASSERT_FALSE(samples.empty());
    const bool ptp4l_lower = ptp4l_id.front() == '0';
    // Both sides know: audiocloud's state, and the grandmaster it names.
    EXPECT_EQ(samples.back().state, ptp4l_lower ? "slave" : "master") << test::read_text(tmp.path("ac.json"));
    if (ptp4l_lower) {
      EXPECT_EQ(samples.back().gm, ptp4l_id);
      EXPECT_EQ(samples.back().gm_class, 248);
    }
  }
}

// A slave promoted to grandmaster goes on serving the time it followed, on
// that timescale: after ptp4l (software time stamps: an arbitrary timescale
// that is UTC) and after an audiocloud grandmaster (the PTP timescale: TAI).
// Seen by the promoted clock itself and by an audiocloud slave of both:
// their PTP time against the system clock does not move by 37 s (or at all,
// beyond the servo's microseconds) across the hand-over.
TEST(PtpInterop, APromotedSlaveKeepsTheTimescaleItFollowed) {
  for (const bool arbitrary : {true, false}) {
    test::TempDir tmp;
    PtpLan lan(tmp, 3);
    ASSERT_TRUE(lan.ok()) << "could not create the namespaces";
    std::unique_ptr<test::ChildProcess> gm_ptp4l, gm_ac;
    if (arbitrary)
      gm_ptp4l = lan.ptp4l(0, "priority1 100\nfree_running 1\n");
    else
      gm_ac = std::make_unique<test::ChildProcess>(
          lan.in(lan.ns(0)) + kBinary + " ptp --iface " + lan.iface(0) + " --auto --priority1 100 --duration 60s",
          tmp.path("gm.out"));
    test::ChildProcess next(
        lan.in(lan.ns(1)) + kBinary + " ptp --iface " + lan.iface(1) + " --auto --priority1 110 --json --duration 55s",
        tmp.path("next.json"));
    test::ChildProcess slave(
        lan.in(lan.ns(2)) + kBinary + " ptp --iface " + lan.iface(2) + " --slave --json --duration 55s",
        tmp.path("slave.json"));
    // Until both follow the grandmaster, then a few seconds more.
    for (int i = 0; i < 30; ++i) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      const auto a = read_json(tmp.path("next.json")), b = read_json(tmp.path("slave.json"));
      if (!a.empty() && !b.empty() && a.back().state == "slave" && b.back().state == "slave") break;
    }
    std::this_thread::sleep_for(std::chrono::seconds(4));
    const double stopped_at = read_json(tmp.path("next.json")).back().t;
    (arbitrary ? gm_ptp4l : gm_ac)->signal(SIGTERM);
    // Until the promoted clock is master and the slave has locked to it
    // (at most 40 s), then a few seconds more; then both stop.
    for (int i = 0; i < 40; ++i) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      const auto a = read_json(tmp.path("next.json")), b = read_json(tmp.path("slave.json"));
      if (!a.empty() && !b.empty() && a.back().state == "master" && b.back().state == "slave" &&
          b.back().gm == a.back().gm)
        break;
    }
    std::this_thread::sleep_for(std::chrono::seconds(3));
    next.signal(SIGTERM);
    slave.signal(SIGTERM);
    ASSERT_TRUE(next.wait_for_exit(10).has_value());
    ASSERT_TRUE(slave.wait_for_exit(10).has_value());
    const auto next_s = read_json(tmp.path("next.json")), slave_s = read_json(tmp.path("slave.json"));
    // PTP time minus the system clock, before the grandmaster stopped and
    // at the end (the slave by then following the promoted clock).
    auto offset_at = [](const std::vector<Sample>& v, double t) {
      const Sample* best = nullptr;
      for (const Sample& s : v)
        if (s.t <= t && s.state == "slave") best = &s;
      return best ? static_cast<double>(best->ptp_ns - best->realtime_ns) : std::nan("");
    };
    const double before = offset_at(next_s, stopped_at);
    ASSERT_FALSE(std::isnan(before)) << test::read_text(tmp.path("next.json"));
    EXPECT_EQ(next_s.back().state, "master") << test::read_text(tmp.path("next.json"));
    const double after = static_cast<double>(next_s.back().ptp_ns - next_s.back().realtime_ns);
    const double slave_before = offset_at(slave_s, stopped_at);
    const double slave_after = offset_at(slave_s, 1e9);
    std::printf(
        "%s grandmaster: promoted clock's PTP time - system clock %.6f s before, %.6f s after; its slave's "
        "%.6f s before, %.6f s after\n",
        arbitrary ? "ptp4l (arbitrary timescale)" : "audiocloud (PTP timescale)", before / 1e9, after / 1e9,
        slave_before / 1e9, slave_after / 1e9);
    EXPECT_NEAR(before / 1e9, arbitrary ? 0.0 : 37.0, 0.01);
    std::string series;  // the promoted clock's PTP time - system clock, second by second
    for (const Sample& x : next_s) {
      char line[96];
      std::snprintf(line, sizeof line, "  %.1f s %s %.0f ns\n", x.t, x.state.c_str(),
                    static_cast<double>(x.ptp_ns - x.realtime_ns) - (arbitrary ? 0.0 : 37e9));
      series += line;
    }
    EXPECT_LT(std::fabs(after - before), 30000.0) << "the promoted clock's time moved by " << (after - before)
                                                  << " ns; grandmaster stopped at " << stopped_at << " s:\n"
                                                  << series;
    EXPECT_EQ(slave_s.back().state, "slave") << test::read_text(tmp.path("slave.json"));
    EXPECT_LT(std::fabs(slave_after - slave_before), 30000.0);
  }
}

// A graph with `clock: ptp` run as ptp4l's slave: the dummy driver is paced
// by the media clock, so each block starts at its first sample's media time
// (samples since the PTP epoch). The system clock, shared with ptp4l, sees
// when blocks really start: never before their media time (beyond the
// clock's error), and soon after it on average.
TEST(PtpInterop, GraphOnThePtpMediaClockStartsEachBlockAtItsMediaTime) {
  test::TempDir tmp;
  PtpLan lan(tmp, 2);
  ASSERT_TRUE(lan.ok()) << "cannot create network namespaces (needs root)";
  auto gm = lan.ptp4l(0, "priority1 100\n");
  const std::string graph = tmp.path("ptp.yaml");
  std::ofstream(graph) << "audiocloud: 1\nsample_rate: 48000\nblock_size: 64\nclock: ptp\nnodes:\n"
                          "  s: {type: sine, params: {frequency: 1000, level: 0.5}}\n"
                          "  r: {type: file_recorder, channels: 1, params: {path: "
                       << tmp.path("rec.wav") << "}}\nconnections:\n  - s -> r\n";
  const auto r = test::run_command("timeout 90 " + lan.in(lan.ns(1)) + kBinary + " run " + graph + " --ptp-iface " +
                                   lan.iface(1) + " --ptp-role slave --ptp-timeout 40 --duration 10s < /dev/null");
  std::printf("%s", r.output.c_str());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ptp: slave"), std::string::npos) << r.output;
  long long first = -1;
  unsigned long long steps = 99;
  double mean = 0, min = 0, max = 0;
  const size_t at = r.output.find("media clock: first block at sample");
  ASSERT_NE(at, std::string::npos) << r.output;
  ASSERT_EQ(std::sscanf(r.output.c_str() + at,
                        "media clock: first block at sample %lld, %llu clock steps; block starts lagged their media "
                        "time by %lf us on average (min %lf, max %lf)",
                        &first, &steps, &mean, &min, &max),
            5)
      << r.output;
  EXPECT_EQ(first % 64, 0) << "blocks sit on the media clock's block grid";
  // Samples since the PTP epoch: today that is ~1.7e9 s worth.
  EXPECT_GT(first / 48000, 1600000000LL);
  EXPECT_EQ(steps, 0u);
  EXPECT_GT(min, -100.0) << "a block started before its media time by more than the clock's error";
  EXPECT_LT(mean, 5000.0) << "blocks start far behind their media time";
  // Ran the whole duration on that grid (blocks skipped after a stall are
  // recorded as silence, except at the very end: no later block fills up
  // to them).
  SoundFileInfo info;
  auto rec = read_sound_file(tmp.path("rec.wav"), &info);
  ASSERT_TRUE(rec) << rec.error().message;
  if (r.output.find(", 0 xruns,") != std::string::npos) {
    EXPECT_EQ(info.frames, 480000) << r.output;
  } else {
    EXPECT_LE(info.frames, 480000) << r.output;
    EXPECT_GE(info.frames, 480000 - 4800) << r.output;
  }
}

// What a `clock: ptp` sender bridged to a JACK server (tx.log) and a JACK
// client recording it (rx.log, rx.wav) must show: the sine arrives whole (a
// break only where an xrun or a bridge restart was reported), at its level,
// and the bridge holds its latency. jackd's dummy backend keeps time by
// sleeping: its clock wanders by hundreds of ppm within seconds on a busy
// machine, once by 1100 ppm (the bridge's own measurement of it says so),
// so the figures here are bounds that hold under that; the bridge's
// precision against a clock whose truth is known is the clock tests'
// (ClockBridge.*).
void expect_bridged_sine(const test::TempDir& tmp) {
  const std::string log = test::read_text(tmp.path("tx.log"));
  std::printf("%s", log.c_str());

  double ratio = 0, latency = 0;
  unsigned long long underruns = 9, overruns = 9, resyncs = 9;
  const size_t at = log.find("clock bridge playback: ratio");
  ASSERT_NE(at, std::string::npos) << log;
  ASSERT_EQ(std::sscanf(log.c_str() + at,
                        "clock bridge playback: ratio %lf (device rate / media clock rate), held latency %lf frames, "
                        "%llu underruns, %llu overruns, %llu resyncs",
                        &ratio, &latency, &underruns, &overruns, &resyncs),
            5)
      << log;
  EXPECT_NEAR(ratio, 1.0, 1.001e-3);  // within the bridge's steering range
  // Held at 960 frames; never further off than the 256 frames at which the
  // bridge would start over (a device that wanders beyond its range).
  EXPECT_NEAR(latency, 960.0, 260.0);
  // Overruns mean the device took less than it was given. A device on its
  // own clock within the bridge's range never does; a fake device that
  // stopped for longer than its buffer (alsa-lib's jack plug-in, seen once
  // in a while for seconds on end, its JACK client stalled) does, and the
  // ALSA driver reports that stall: then the overruns are the device's.
  unsigned long long stalls = 0;
  double longest_gap_ms = 0;
  if (const size_t g = log.find("ALSA: longest gap between periods"); g != std::string::npos)
    std::sscanf(log.c_str() + g, "ALSA: longest gap between periods %lf ms, %llu stalls", &longest_gap_ms, &stalls);
  if (stalls == 0) {
    EXPECT_EQ(overruns, 0u) << "with no stall of the device reported";
  }

  auto rec = read_sound_file(tmp.path("rx.wav"), nullptr);
  ASSERT_TRUE(rec) << rec.error().message;
  const std::vector<float>& x = (*rec)[0];
  size_t first = 0, last = x.size();
  while (first < x.size() && std::fabs(x[first]) < 1e-4f) ++first;
  while (last > first && std::fabs(x[last - 1]) < 1e-4f) --last;
  // Past the resampler's onset (its filter starts from silence), and short
  // of where the sender stopped (if it stopped before the recording did).
  ASSERT_GT(last, first + 9600) << "nothing arrived";
  const size_t begin = first + 4800, end = last - 4800;
  ASSERT_LT(begin + 48000 * 10, end) << "less than 10 s arrived";
  std::vector<size_t> breaks = test::sine_breaks(x, begin, end, 997.0);
  const int xruns = test::xruns_in(tmp.path("tx.log")) + test::xruns_in(tmp.path("rx.log"));
  // An xrun leaves a gap (test::kBreaksPerXrun); so does a bridge restart,
  // whose two edges and the resampler's onset can each count as a break.
  EXPECT_LE(static_cast<long long>(breaks.size()),
            test::kBreaksPerXrun * xruns + 3 * static_cast<long long>(underruns + resyncs))
      << breaks.size() << " breaks, " << xruns << " xruns, " << underruns << " underruns, " << resyncs << " resyncs";
  // Level and pitch on the longest stretch without a break (each resync
  // leaves a gap, and a gap would skew a pitch counted across it).
  const test::SineStretch clean = test::longest_clean_stretch(x, breaks, begin, end);
  ASSERT_GE(clean.end - clean.begin, 48000u) << "no clean second to measure";
  EXPECT_NEAR(clean.peak, std::pow(10.0, -6.0 / 20.0), 2e-3);
  // The pitch in JACK's samples is 997 Hz times the media clock's rate over
  // JACK's: printed, not asserted, since this JACK's clock is the dummy
  // backend's sleep, which has wandered by over 1000 ppm under load.
  std::printf("pitch in JACK's samples %.4f Hz over %.1f s without a break\n", clean.frequency,
              static_cast<double>(clean.end - clean.begin) / 48000.0);
  EXPECT_NEAR(clean.frequency, 997.0, 3.0) << "not the sine that was sent";
}

// A device on its own clock bridged to a graph on the PTP media clock:
// ptp4l grandmaster in one namespace (the sender runs as its slave in the
// other), and a real-time jackd (its dummy backend is the device's clock).
class PtpInteropBridged : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(lan.ok()) << "cannot create network namespaces (needs root)";
    ASSERT_TRUE(jack.ready()) << "jackd did not come up";
    gm = lan.ptp4l(0, "priority1 100\n");
  }
  // The sender's command prefix: JACK's server, in the slave's namespace.
  std::string as_slave() { return jack.env() + lan.in(lan.ns(1)); }
  std::string slave_options() { return " --ptp-iface " + lan.iface(1) + " --ptp-role slave --ptp-timeout 40"; }

  test::TempDir tmp;
  PtpLan lan{tmp, 2};
  test::JackServer jack{tmp, {.realtime = true}};
  std::unique_ptr<test::ChildProcess> gm;
};

// A `clock: ptp` graph played through a JACK server that runs on its own
// clock: the graph runs on the media clock (ptp4l's slave), its output
// crosses to JACK through the clock bridge, and a second audiocloud client
// on JACK records it.
TEST_F(PtpInteropBridged, AJackDeviceIsBridgedIntoAGraphOnTheMediaClock) {
  const std::string tx = tmp.path("tx.yaml"), rx = tmp.path("rx.yaml");
  std::ofstream(tx) << "clock: ptp\nnodes:\n  s: {type: sine, params: {frequency: 997, level: -6}}\n"
                       "  o: {type: output, channels: 1}\nconnections:\n  - s.out -> o.in\n";
  std::ofstream(rx) << "nodes:\n  i: {type: input, channels: 1}\n"
                       "  r: {type: file_recorder, channels: 1, params: {path: rx.wav, encoding: float}}\n"
                       "connections:\n  - i.out -> r.in\n";
  test::ChildProcess sender(
      as_slave() + kBinary + " run " + tx + " --driver jack --name tx" + slave_options() + " --duration 25s",
      tmp.path("tx.log"));
  // The sender joins JACK once PTP has locked; record from then on.
  bool running = false;
  for (int i = 0; i < 600 && !running; ++i) {
    running = test::read_text(tmp.path("tx.log")).find("running ") != std::string::npos;
    if (!running) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(running) << test::read_text(tmp.path("tx.log"));
  ASSERT_TRUE(jack.wait_for_port("tx:out_1"));
  test::ChildProcess receiver(jack.env() + kBinary + " run " + rx + " --driver jack --name rx --duration 20s",
                              tmp.path("rx.log"));
  ASSERT_TRUE(jack.wait_for_port("rx:in_1"));
  ASSERT_EQ(test::run_command(jack.env() + "jack_connect tx:out_1 rx:in_1").exit_code, 0);
  ASSERT_EQ(receiver.wait_for_exit(60), std::optional<int>(0)) << test::read_text(tmp.path("rx.log"));
  ASSERT_EQ(sender.wait_for_exit(60), std::optional<int>(0)) << test::read_text(tmp.path("tx.log"));
  expect_bridged_sine(tmp);
}

// The same through ALSA: the sender's `alsa.out` plays to alsa-lib's `jack`
// PCM plug-in (alsa-plugins), an ALSA device whose clock is that JACK
// server's, declared in an .asoundrc of the test's own (HOME points at it)
// and wired to the recording client, which therefore starts first and is
// stopped once the sender is done.
TEST_F(PtpInteropBridged, AnAlsaDeviceIsBridgedIntoAGraphOnTheMediaClock) {
  std::ofstream(tmp.path(".asoundrc")) << "pcm.acjack {\n  type jack\n  playback_ports { 0 rx:in_1 }\n}\n";
  const std::string tx = tmp.path("tx.yaml"), rx = tmp.path("rx.yaml");
  std::ofstream(tx) << "clock: ptp\nnodes:\n  s: {type: sine, params: {frequency: 997, level: -6}}\n"
                       "  o: {type: alsa.out, channels: 1, params: {device: acjack, period: 64, periods: 3}}\n"
                       "connections:\n  - s.out -> o.in\n";
  std::ofstream(rx) << "nodes:\n  i: {type: input, channels: 1}\n"
                       "  r: {type: file_recorder, channels: 1, params: {path: rx.wav, encoding: float}}\n"
                       "connections:\n  - i.out -> r.in\n";
  test::ChildProcess receiver(jack.env() + kBinary + " run " + rx + " --driver jack --name rx", tmp.path("rx.log"));
  ASSERT_TRUE(jack.wait_for_port("rx:in_1"));
  test::ChildProcess sender("HOME=" + tmp.dir() + " " + as_slave() + kBinary + " run " + tx + " --driver alsa" +
                                slave_options() + " --duration 20s",
                            tmp.path("tx.log"));
  const auto sent = sender.wait_for_exit(90);
  receiver.signal(SIGTERM);
  ASSERT_EQ(receiver.wait_for_exit(30), std::optional<int>(0)) << test::read_text(tmp.path("rx.log"));
  ASSERT_EQ(sent, std::optional<int>(0)) << test::read_text(tmp.path("tx.log"));
  EXPECT_NE(test::read_text(tmp.path("tx.log")).find("ALSA period 64 frames bridged to the media clock"),
            std::string::npos);
  expect_bridged_sine(tmp);
}

// Discontinuities a bridged `run` reported when it stopped: skipped blocks
// on either side ("N xruns") and the bridge's slips ("N underruns, N
// overruns, N resyncs" per direction).
int reported_discontinuities(const std::string& out) {
  int total = 0;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    unsigned long long a = 0, b = 0, c = 0;
    if (line.rfind("stopped after", 0) == 0) {
      const size_t at = line.find(" xruns,");
      const size_t from = line.rfind(' ', at - 1);
      if (at != std::string::npos && from != std::string::npos)
        total += std::stoi(line.substr(from + 1, at - from - 1));
    }
    const size_t slips = line.find(" underruns, ");
    if (line.rfind("clock bridge", 0) == 0 && slips != std::string::npos) {
      const size_t from = line.rfind(' ', slips - 1);
      if (std::sscanf(line.c_str() + from + 1, "%llu underruns, %llu overruns, %llu resyncs", &a, &b, &c) == 3)
        total += static_cast<int>(a + b + c);
    }
  }
  return total;
}

// MIDI crosses the bridge with the audio: a `clock: ptp` graph sends a note
// every 4800 frames to a JACK MIDI port and, through a synth, as a burst of
// square wave to a JACK audio port; a second client (on JACK's clock) logs
// the notes and records the audio. Every note must arrive, in order, and at
// the frame of its burst's onset (within 2 frames: the onset's sub-sample
// position moves with the resampling), up to whole JACK periods (below).
TEST_F(PtpInteropBridged, JackMidiCrossesTheBridgeWithItsAudio) {
  const std::string tx = tmp.path("tx.yaml"), rx = tmp.path("rx.yaml");
  std::ofstream(rx) << "nodes:\n  keys: {type: jack.midi.in}\n  log: {type: event_log, params: {path: rx.log}}\n"
                       "  i: {type: input, channels: 1}\n"
                       "  r: {type: file_recorder, channels: 1, params: {path: rx.wav, encoding: float}}\n"
                       "connections:\n  - keys.midi -> log.midi\n  - i.out -> r.in\n";
  std::ofstream(tx) << "clock: ptp\nnodes:\n"
                       "  n: {type: notes, params: {pattern: \"60, 64\", interval: 4800, length: 1200}}\n"
                       "  s: {type: synth, params: {wave: square, attack: 0, sustain: 1, release: 0, level: -6}}\n"
                       "  o: {type: jack.out, channels: 1, params: {connect: \"rx:in_1\"}}\n"
                       "  m: {type: jack.midi.out, params: {port: notes, connect: \"rx:keys\"}}\n"
                       "connections:\n  - n.midi -> m.midi\n  - n.midi -> s.midi\n  - s.out -> o.in\n";
  test::ChildProcess receiver(jack.env() + kBinary + " run " + rx + " --driver jack --name rx", tmp.path("rx.out"));
  ASSERT_TRUE(jack.wait_for_port("rx:keys"));
  test::ChildProcess sender(
      as_slave() + kBinary + " run " + tx + " --driver jack --name tx" + slave_options() + " --duration 15s",
      tmp.path("tx.out"));
  const auto sent = sender.wait_for_exit(90);
  receiver.signal(SIGTERM);
  ASSERT_EQ(receiver.wait_for_exit(30), std::optional<int>(0)) << test::read_text(tmp.path("rx.out"));
  ASSERT_EQ(sent, std::optional<int>(0)) << test::read_text(tmp.path("tx.out"));
  EXPECT_EQ(test::read_text(tmp.path("tx.out")).find("DROPPED"), std::string::npos)
      << test::read_text(tmp.path("tx.out"));

  // The notes as logged (receiver's sample times), note-ons only.
  std::vector<int64_t> notes;
  std::vector<int> numbers;
  for (const auto& e : test::read_event_log(tmp.path("rx.log"))) {
    if (((e.word >> 20) & 0xF) != 0x9) continue;
    notes.push_back(e.time);
    numbers.push_back(static_cast<int>((e.word >> 8) & 0x7F));
  }
  ASSERT_GE(notes.size(), 100u) << "15 s at one note per 0.1 s";
  for (size_t i = 1; i < numbers.size(); ++i) ASSERT_NE(numbers[i], numbers[i - 1]) << "a note was lost at " << i;
  // The bursts' onsets in the recording (file frames: the receiver's time
  // line from its first block): after 1000 silent frames, above half level.
  auto rec = read_sound_file(tmp.path("rx.wav"), nullptr);
  ASSERT_TRUE(rec) << rec.error().message;
  const std::vector<float>& x = (*rec)[0];
  // (The resampler rounds a burst's first edge: a few samples rise
  // through the quiet threshold before the onset's.)
  std::vector<int64_t> onsets;
  size_t quiet = 0;
  bool armed = false;
  for (size_t n = 0; n < x.size(); ++n) {
    quiet = std::fabs(x[n]) < 1e-3f ? quiet + 1 : 0;
    if (quiet >= 1000) armed = true;
    if (armed && std::fabs(x[n]) > 0.25f) {
      onsets.push_back(static_cast<int64_t>(n));
      armed = false;
    }
  }
  ASSERT_GE(onsets.size(), 80u) << test::read_text(tmp.path("tx.out"));
  // Notes are logged in the receiver's sample times, the recording counts
  // from its first block: one distance D between a note and its onset
  // holds for all (the receiver's first sample time, plus the synth's
  // onset). D is found from the first onset and whichever of the first
  // notes makes the most onsets match; then every onset must have its note
  // within 2 frames of D.
  auto matched = [&](int64_t d) {
    size_t m = 0;
    for (int64_t at : onsets) {
      const auto it = std::lower_bound(notes.begin(), notes.end(), at + d - 2);
      m += it != notes.end() && *it <= at + d + 2;
    }
    return m;
  };
  int64_t d = 0;
  size_t best = 0;
  for (size_t k = 0; k < notes.size() && k < 40; ++k) {
    const size_t m = matched(notes[k] - onsets.front());
    if (m > best) {
      best = m;
      d = notes[k] - onsets.front();
    }
  }
  // In some runs every note from some point on arrives a whole JACK period
  // apart from its audio (as JackInterop.MidiBetweenTwoClientsKeepsEveryFrame
  // allows between plain clients). It happens between the two clients: a
  // debugging run that checked the sender's JACK output in its own callback
  // found every note 1-2 frames before its onset's threshold crossing, in
  // all 450 cycles of three runs, while the receiver saw 19 and 44 of them
  // a period apart. The frame within the period must never change.
  //
  // A block skipped on either side (an xrun) or a slip of the bridge (an
  // underrun, overrun or resync) may move every later note against its
  // audio: the distance is then found again, and each such shift must be
  // accounted for by one the clients reported.
  size_t period_apart = 0, shifts = 0;
  for (int64_t at : onsets) {
    const auto it = std::lower_bound(notes.begin(), notes.end(), at + d - 100);
    const int64_t v = it == notes.end() ? 9999 : *it - at - d;
    if (std::llabs(v) <= 2) continue;
    if (std::llabs(std::llabs(v) - 64) <= 2) {
      ++period_apart;
      continue;
    }
    // The note nearest to where this onset's should be (notes are 4800
    // frames apart: within half of that).
    const auto near = std::lower_bound(notes.begin(), notes.end(), at + d - 2400);
    if (near == notes.end() || *near > at + d + 2400) continue;  // counted below as unmatched
    d = *near - at;
    ++shifts;
  }
  const std::string tx_out = test::read_text(tmp.path("tx.out")), rx_out = test::read_text(tmp.path("rx.out"));
  const int reported = reported_discontinuities(tx_out) + std::max(0, test::xruns_in(tmp.path("rx.out")));
  std::printf(
      "%zu notes, %zu onsets: %zu with their note within 2 frames of their audio, %zu a JACK period apart, "
      "%zu shifts (%d discontinuities reported)\n",
      notes.size(), onsets.size(), best, period_apart, shifts, reported);
  EXPECT_LE(static_cast<int>(shifts), reported)
      << "notes moved against their audio with no skipped block or bridge slip to explain it\nsender:\n"
      << tx_out << "\nreceiver:\n"
      << rx_out;
}

}  // namespace
}  // namespace ac
