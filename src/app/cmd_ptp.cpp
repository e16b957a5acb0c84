// `audiocloud ptp --iface IF [--master|--slave|--auto] [--domain N]
//  [--profile aes67|default] [--json] [--duration S]`
// Runs the PTP ordinary clock alone: its port on the interface, its
// virtual clock (the system clock is never touched), and once a second its
// state, offset from the master, path delay and frequency — and, because
// the virtual clock can be read next to the system clock, the difference
// between the two (what the interop tests call the true error when every
// clock shares the system clock).
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "app/commands.h"
#include "clock/pi_servo.h"
#include "clock/ptp_port.h"
#include "clock/ptp_socket.h"

namespace ac {
namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) {
  g_stop.store(true);
}

int64_t realtime_ns() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  return int64_t{t.tv_sec} * 1000000000 + t.tv_nsec;
}

// EUI-64 from the interface's MAC, as linuxptp derives clock identities.
ptp::ClockIdentity identity_of(const std::string& iface) {
  ptp::ClockIdentity id{};
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ifreq req{};
  std::strncpy(req.ifr_name, iface.c_str(), IFNAMSIZ - 1);
  if (fd >= 0 && ioctl(fd, SIOCGIFHWADDR, &req) == 0) {
    const auto* mac = reinterpret_cast<const uint8_t*>(req.ifr_hwaddr.sa_data);
    id = {mac[0], mac[1], mac[2], 0xFF, 0xFE, mac[3], mac[4], mac[5]};
  }
  if (fd >= 0) close(fd);
  return id;
}

}  // namespace

int run_ptp(const PtpArgs& args) {
  auto socket = ptp::Socket::open(args.iface);
  if (!socket) {
    std::cerr << "error: " << socket.error().message << "\n";
    return 1;
  }
  ptp::PortConfig config;
  config.identity = {identity_of(args.iface), 1};
  config.profile = args.profile == "default" ? ptp::Profile::default_profile() : ptp::Profile::aes67();
  config.profile.domain = static_cast<uint8_t>(args.domain);
  config.self.priority1 = static_cast<uint8_t>(args.priority1);
  config.slave_only = args.role == "slave";
  if (args.role == "master") config.self.quality.clock_class = 6;  // never a slave (ports of classes 1..127)
  config.servo.sync_interval = std::ldexp(1.0, config.profile.log_sync);
  VirtualClock clock;
  // PTP time is TAI: the system clock (UTC) plus the UTC offset, until a
  // master says otherwise.
  clock.set(VirtualClock::local_now(), realtime_ns() + int64_t{config.utc_offset} * 1000000000);
  ptp::Port port(config, clock);
  port.start(VirtualClock::local_now());
  std::fprintf(stderr, "ptp: %s (%s), clock %s, domain %u, profile %s, %s\n", args.iface.c_str(),
               socket->address().c_str(), ptp::to_string(config.identity.clock).c_str(), args.domain,
               args.profile.c_str(), args.role.c_str());
  std::fprintf(stderr, "ptp: time stamps %s; hardware: %s\n", socket->timestamping().c_str(),
               socket->hardware().c_str());
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const int64_t started = VirtualClock::local_now();
  int64_t next_report = started + 1000000000;
  // As grandmaster the node's reference is the system clock (as for
  // ptp4l): a second servo keeps the virtual clock on it (plus the UTC
  // offset), since CLOCK_MONOTONIC_RAW runs at the crystal's rate, not
  // NTP's (here they differ by around a ppm: 1 µs a second).
  PiServoOptions reference_options;
  reference_options.sync_interval = 0.25;
  reference_options.first_step_threshold_ns = 1000;
  PiServo reference(reference_options);
  int64_t next_reference = started;
  uint64_t malformed = 0;
  auto flush = [&] {
    for (int round = 0; round < 4; ++round) {
      auto out = port.take_outgoing();
      if (out.empty()) return;
      for (ptp::Outgoing& o : out) {
        const auto bytes = ptp::encode(o.message);
        auto sent = socket->send(bytes, o.event, o.wants_tx_stamp);
        if (!sent) {
          std::fprintf(stderr, "ptp: %s\n", sent.error().message.c_str());
          continue;
        }
        if (o.wants_tx_stamp && *sent) port.on_tx_stamp(o.message.header.type, o.message.header.sequence, **sent);
      }
    }
  };
  while (!g_stop.load()) {
    const int64_t now = VirtualClock::local_now();
    if (args.duration > 0 && now - started >= static_cast<int64_t>(args.duration * 1e9)) break;
    if (auto r = socket->receive(5)) {
      auto m = ptp::decode(r->bytes);
      if (m)
        port.on_message(*m, r->stamp);
      else
        ++malformed;
    }
    port.tick(VirtualClock::local_now());
    flush();
    if (port.status().state == ptp::PortState::master && VirtualClock::local_now() >= next_reference) {
      next_reference += 250000000;
      const int64_t real1 = realtime_ns();
      const int64_t raw = VirtualClock::local_now();
      const int64_t real = real1 + (realtime_ns() - real1) / 2;
      int64_t ptp_ns = 0;
      clock.to_ptp(raw, ptp_ns);
      const int64_t error = ptp_ns - (real + int64_t{config.utc_offset} * 1000000000);
      const double ppb = reference.sample(error, raw);
      if (reference.state() == ServoState::jump) clock.step(raw, -error);
      if (reference.state() != ServoState::unlocked) clock.set_frequency(raw, -ppb);
    } else if (port.status().state != ptp::PortState::master) {
      reference.reset();
      next_reference = VirtualClock::local_now();
    }
    const int64_t t = VirtualClock::local_now();
    if (t >= next_report) {
      next_report += 1000000000;
      const ptp::PortStatus& st = port.status();
      // The virtual clock and the system clock read side by side: the raw
      // clock between two system clock reads, against their midpoint.
      int64_t ptp_ns = 0;
      const int64_t real1 = realtime_ns();
      const int64_t raw = VirtualClock::local_now();
      const int64_t real = real1 + (realtime_ns() - real1) / 2;
      clock.to_ptp(raw, ptp_ns);
      const double since = st.locked_since >= 0 ? static_cast<double>(raw - st.locked_since) / 1e9 : -1.0;
      if (args.json) {
        std::printf(
            "{\"t\":%.3f,\"state\":\"%s\",\"offset_ns\":%lld,\"path_delay_ns\":%lld,\"freq_ppb\":%.1f,"
            "\"gm\":\"%s\",\"gm_class\":%u,\"locked_s\":%.1f,\"ptp_ns\":%lld,\"realtime_ns\":%lld,"
            "\"syncs\":%llu,\"malformed\":%llu,\"missing_tx_stamps\":%llu}\n",
            static_cast<double>(raw - started) / 1e9, ptp::to_string(st.state), static_cast<long long>(st.offset_ns),
            static_cast<long long>(st.path_delay_ns), st.frequency_ppb, ptp::to_string(st.grandmaster).c_str(),
            st.grandmaster_class, since, static_cast<long long>(ptp_ns), static_cast<long long>(real),
            static_cast<unsigned long long>(st.syncs), static_cast<unsigned long long>(malformed),
            static_cast<unsigned long long>(socket->missing_tx_stamps()));
      } else {
        std::printf("%-12s offset %8lld ns  delay %8lld ns  freq %+10.1f ppb  gm %s\n", ptp::to_string(st.state),
                    static_cast<long long>(st.offset_ns), static_cast<long long>(st.path_delay_ns), st.frequency_ppb,
                    ptp::to_string(st.grandmaster).c_str());
      }
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace ac
