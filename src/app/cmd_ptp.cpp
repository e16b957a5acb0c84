// `audiocloud ptp --iface IF [--master|--slave|--auto] [--domain N]
//  [--profile aes67|default] [--json] [--duration 10s]`
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
#include "app/exit_codes.h"
#include "app/stop_request.h"
#include "clock/ptp_clock.h"
#include "graph/time_spec.h"

namespace ac {

namespace {

// --duration in the units `render` takes; samples and beats mean nothing
// to a clock, so a bare number is refused rather than guessed.
Expected<double> duration_seconds(const std::string& text) {
  const bool bare = text.find_first_not_of("0123456789. ") == std::string::npos;
  const bool musical = text.find("sampl") != std::string::npos || text.find("smp") != std::string::npos ||
                       text.find("beat") != std::string::npos || text.find("bar") != std::string::npos;
  if (bare || musical)
    return unexpected(make_error(ErrorDomain::app, "--duration " + text + ": give it in seconds ('" +
                                                       (bare ? text : std::string("10")) + "s') or ms"));
  auto ms = parse_duration(text, TimeContext{1000.0, {}, 4});
  if (!ms) return unexpected(make_error(ErrorDomain::app, "--duration: " + ms.error().message));
  return static_cast<double>(*ms) / 1000.0;
}

}  // namespace

int run_ptp(const PtpArgs& args) {
  double duration = 0.0;
  if (!args.duration.empty()) {
    auto d = duration_seconds(args.duration);
    if (!d) {
      std::cerr << "error: " << d.error().message << "\n";
      return kExitBadInput;
    }
    duration = *d;
  }
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
    return kExitBadInput;
  }
  std::fprintf(stderr, "ptp: %s\n", (*ptp)->description().c_str());
  install_stop_signals();
  const VirtualClock& clock = (*ptp)->clock();
  const LocalNanos started = VirtualClock::local_now();
  LocalNanos next_report = started + 1000000000;
  while (!stop_requested()) {
    const LocalNanos now = VirtualClock::local_now();
    if (duration > 0 && now - started >= static_cast<int64_t>(duration * 1e9)) break;
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
  // Without --duration a signal is how it is meant to stop; with one, a
  // signal cut it short.
  return duration > 0 && stop_signal() ? kExitInterruptedBase + stop_signal() : kExitOk;
}

}  // namespace ac
