// `audiocloud ptp --iface IF [--master|--slave|--auto] [--domain N]
//  [--profile aes67|default] [--json] [--duration S]`
// Runs the PTP ordinary clock alone: its port on the interface, its
// virtual clock (the system clock is never touched), and once a second its
// state, offset from the master, path delay and frequency — and, because
// the virtual clock can be read next to the system clock, the difference
// between the two (what the interop tests call the true error when every
// clock shares the system clock).
#include <cstdio>
#include <iostream>
#include <thread>

#include "app/commands.h"
#include "app/stop_request.h"
#include "clock/ptp_clock.h"

namespace ac {

int run_ptp(const PtpArgs& args) {
  PtpClockOptions options;
  options.iface = args.iface;
  options.role = args.role;
  options.domain = static_cast<uint8_t>(args.domain);
  options.profile = args.profile;
  options.priority1 = static_cast<uint8_t>(args.priority1);
  options.clock_class = static_cast<uint8_t>(args.clock_class);
  auto ptp = PtpClock::start(options);
  if (!ptp) {
    std::cerr << "error: " << ptp.error().message << "\n";
    return 1;
  }
  std::fprintf(stderr, "ptp: %s\n", (*ptp)->description().c_str());
  install_stop_signals();
  const VirtualClock& clock = (*ptp)->clock();
  const LocalNanos started = VirtualClock::local_now();
  LocalNanos next_report = started + 1000000000;
  while (!stop_requested()) {
    const LocalNanos now = VirtualClock::local_now();
    if (args.duration > 0 && now - started >= static_cast<int64_t>(args.duration * 1e9)) break;
    if (now < next_report) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(50, (next_report - now) / 1000000 + 1)));
      continue;
    }
    next_report += 1000000000;
    const ClockConfidence c = (*ptp)->confidence();
    // The virtual clock and the system clock read side by side (what the
    // interop tests call the true error when every clock shares the system
    // clock).
    const VirtualClock::Pair pair = VirtualClock::local_and_realtime();
    const LocalNanos raw = pair.local;
    const int64_t ptp_ns = clock.to_ptp(raw).value_or(PtpNanos{}).ns, real = pair.realtime.ns;
    if (args.json) {
      std::string rejected;
      for (size_t k = 0; k < ptp::kRejectionKinds; ++k) {
        rejected += std::string(k ? "," : "") + "\"" + ptp::to_string(static_cast<ptp::Rejection>(k)) +
                    "\":" + std::to_string(c.rejections[k]);
      }
      std::printf(
          "{\"t\":%.3f,\"state\":\"%s\",\"offset_ns\":%lld,\"offset_mean_ns\":%.1f,\"offset_rms_ns\":%.1f,"
          "\"path_delay_ns\":%lld,\"freq_ppb\":%.1f,\"gm\":\"%s\",\"gm_class\":%u,\"locked_s\":%.1f,"
          "\"ptp_ns\":%lld,\"realtime_ns\":%lld,\"syncs\":%llu,\"malformed\":%llu,\"missing_tx_stamps\":%llu,"
          "\"outliers\":%llu,\"rejected\":{%s}}\n",
          static_cast<double>(raw - started) / 1e9, ptp::to_string(c.state), static_cast<long long>(c.offset_ns),
          c.offset_mean_ns, c.offset_rms_ns, static_cast<long long>(c.path_delay_ns), c.frequency_ppb,
          ptp::to_string(c.grandmaster).c_str(), c.grandmaster_class, c.locked_seconds, static_cast<long long>(ptp_ns),
          static_cast<long long>(real), static_cast<unsigned long long>(c.syncs),
          static_cast<unsigned long long>(c.malformed), static_cast<unsigned long long>(c.missing_tx_stamps),
          static_cast<unsigned long long>(c.outliers), rejected.c_str());
    } else {
      std::printf("%-12s offset %8lld ns (rms %7.0f)  delay %8lld ns  freq %+10.1f ppb  gm %s\n",
                  ptp::to_string(c.state), static_cast<long long>(c.offset_ns), c.offset_rms_ns,
                  static_cast<long long>(c.path_delay_ns), c.frequency_ppb, ptp::to_string(c.grandmaster).c_str());
    }
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace ac
