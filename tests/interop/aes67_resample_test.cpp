// A sender on a clock of its own: a small RTP sender (Python) whose
// samples run 600 ppm slow (it sends 1 ms packets every 1/(1 - 600e-6) ms
// of this machine's clock) plays a 997 Hz sine. Received with the default
// timing (the stream names no PTP clock: resample), the receiver measures
// the sender's clock, loses no packet's time and plays the sine at the
// sender's real pitch, 997 x (1 - 600e-6) Hz on our clock (counted in zero
// crossings, independent of the receiver's own report). Tied without
// resampling (timing: arrival), the same stream runs dry within seconds:
// the case the resampler is for.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "aes67_helpers.h"
#include "child_process.h"
#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

const std::string kBinary = AUDIOCLOUD_BINARY;

// Sends `seconds` of a 997 Hz sine (0.5, both channels) as L24 stereo RTP,
// 48 frames a packet, paced `ppm` off this machine's clock.
const char* kSender = R"(
import math, socket, struct, sys, time
port, seconds, ppm = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
period = 0.001 / (1.0 + ppm * 1e-6)
start = time.monotonic()
n = 0
k = 0
while k * period < seconds:
    payload = bytearray()
    for i in range(48):
        v = int(round(0.5 * math.sin(2 * math.pi * 997 * (n + i) / 48000) * 8388608))
        b = struct.pack(">i", v)[1:]
        payload += b + b
    s.sendto(struct.pack("!BBHII", 0x80, 96, k & 0xFFFF, n & 0xFFFFFFFF, 0x600) + payload, ("127.0.0.1", port))
    n += 48
    k += 1
    delay = start + k * period - time.monotonic()
    if delay > 0:
        time.sleep(delay)
)";

// Cycles of `x` in [from, from + frames): rises through +0.1 after a dip
// below -0.1 (the hysteresis ignores the filter's ripple around a gap).
long cycles_in(const std::vector<float>& x, size_t from, size_t frames) {
  long n = 0;
  bool low = false;
  for (size_t i = from; i < from + frames && i < x.size(); ++i) {
    if (x[i] < -0.1f) low = true;
    if (low && x[i] > 0.1f) {
      ++n;
      low = false;
    }
  }
  return n;
}

// "N late, " and "M frames concealed" in a receiver's report.
unsigned long long count_before(const std::string& log, const std::string& label) {
  const size_t at = log.find(label);
  return at == std::string::npos ? ~0ull : std::stoull(log.substr(log.find_last_of(' ', at - 1) + 1));
}

TEST(Aes67Resample, ASenderOnItsOwnClockIsFollowedAtItsPitch) {
  test::TempDir tmp;
  const std::string sender = test::write_text(tmp, "sender.py", kSender);
  const int port = 32000 + static_cast<int>(getpid() % 20000);
  auto receiver = [&](const std::string& name, int at, const std::string& timing) {
    return test::write_text(tmp, name + ".yaml",
                            "nodes:\n  rx: {type: aes67.rx, params: {source: \"127.0.0.1:" + std::to_string(at) + "\"" +
                                timing +
                                ", link_offset: 5}}\n  r: {type: file_recorder, channels: 2, params: "
                                "{path: " +
                                name + ".wav, encoding: float}}\nconnections:\n  - rx.out -> r.in\n");
  };
  const std::string followed = receiver("followed", port, ""), tied = receiver("tied", port + 1, ", timing: arrival");
  // Both pairs at once: the senders run past the receivers' end.
  test::ChildProcess s1("python3 " + sender + " " + std::to_string(port) + " 17 -600", tmp.path("s1.log"));
  test::ChildProcess s2("python3 " + sender + " " + std::to_string(port + 1) + " 17 -600", tmp.path("s2.log"));
  test::ChildProcess r2(kBinary + " run " + tied + " -d 14s", tmp.path("tied.log"));
  const auto r1 = test::run_command(kBinary + " run " + followed + " -d 14s < /dev/null");
  ASSERT_EQ(r1.exit_code, 0) << r1.output;
  ASSERT_EQ(r2.wait_for_exit(30), std::optional<int>(0)) << test::read_text(tmp.path("tied.log"));
  s1.wait_for_exit(10);
  s2.wait_for_exit(10);

  // Followed: the report names the sender's clock, and it did not run dry.
  // (A packet may come late when this loaded machine stalls the Python
  // sender for the 5 ms of the offset: those are counted, a few at most.)
  const std::string label = "resampled from the sender's clock, which runs ";
  const size_t at = r1.output.find(label);
  ASSERT_NE(at, std::string::npos) << r1.output;
  const double ppm = std::stod(r1.output.substr(at + label.size()));
  EXPECT_NEAR(ppm, -600.0, 20.0) << r1.output;
  EXPECT_NE(r1.output.find(" 0 lost, "), std::string::npos) << r1.output;
  // (The resampler takes input in chunks of 16 frames, so a packet that
  // arrives while its first chunk plays is partly concealed, not late.)
  const unsigned long long late = count_before(r1.output, " late, ");
  const unsigned long long concealed = count_before(r1.output, " frames concealed");
  EXPECT_LE(concealed, 48 * late + 2400) << r1.output;
  EXPECT_LT(late, 50u) << r1.output;
  // The sine at the sender's pitch: over the last 8 s, 997 x (1 - 600e-6)
  // x 8 = 7971.2 cycles (7976 at the pitch of our own clock); each
  // millisecond of silence (a late packet's) may take one away.
  const auto got = aes67_test::recorded(tmp.path("followed.wav"));
  ASSERT_EQ(got.size(), 2u);
  ASSERT_EQ(got[0].size(), 14u * 48000);
  const long cycles = cycles_in(got[0], 6 * 48000, 8 * 48000);
  EXPECT_GE(cycles, 7970 - static_cast<long>(concealed / 48 + 1));
  EXPECT_LE(cycles, 7972);

  // Tied without resampling, 600 ppm eats the 5 ms offset in about 8 s;
  // from then on every packet comes after its time (~270000 frames).
  const std::string tied_log = test::read_text(tmp.path("tied.log"));
  EXPECT_NE(tied_log.find("tied to its first packet"), std::string::npos) << tied_log;
  EXPECT_GT(count_before(tied_log, " frames concealed"), 100000u) << tied_log;
}

}  // namespace
}  // namespace ac
