#include "app/graph_ptp.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include "clock/media_clock.h"

namespace ac {

Expected<GraphPtp> start_ptp_for_graph(const RunArgs& args, const Graph& graph) {
  const SourceLocation& where = graph.clock.where;
  if (args.ptp_iface.empty())
    return unexpected(
        make_error(ErrorDomain::app, "clock: ptp needs the PTP network interface: --ptp-iface IF", where));
  PtpClockOptions options;
  options.iface = args.ptp_iface;
  options.role = args.ptp_role;
  options.domain = graph.clock.domain;
  options.profile = graph.clock.profile;
  auto clock = PtpClock::start(options);
  if (!clock) return unexpected(clock.error());
  std::fprintf(stderr, "ptp: %s\n", (*clock)->description().c_str());
  const auto start = std::chrono::steady_clock::now();
  auto waited = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  double next_report = 1.0;
  while (!(*clock)->confidence().usable()) {
    if (waited() >= args.ptp_timeout) {
      const ClockConfidence c = (*clock)->confidence();
      return unexpected(make_error(ErrorDomain::app,
                                   "no PTP lock on " + args.ptp_iface + " within " + std::to_string(args.ptp_timeout) +
                                       " s (state " + ptp::to_string(c.state) + ", " + std::to_string(c.syncs) +
                                       " syncs received)",
                                   where));
    }
    if (waited() >= next_report) {
      const ClockConfidence c = (*clock)->confidence();
      std::fprintf(stderr, "ptp: waiting for lock: %s, %llu syncs (%.0f s)\n", ptp::to_string(c.state),
                   static_cast<unsigned long long>(c.syncs), waited());
      next_report += 1.0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const ClockConfidence c = (*clock)->confidence();
  std::fprintf(stderr, "ptp: %s after %.1f s, grandmaster %s\n", ptp::to_string(c.state), waited(),
               ptp::to_string(c.grandmaster).c_str());
  // One second ahead covers building the engine (plug-ins compile before
  // the driver starts); the driver starts later if it has passed.
  const PtpNanos now = (*clock)->clock().to_ptp(VirtualClock::local_now()).value_or(PtpNanos{});
  const auto rate = static_cast<uint32_t>(graph.sample_rate);
  const int64_t ahead = media_samples(now, rate) + rate;
  GraphPtp out;
  out.origin = (ahead / graph.block_size + 1) * graph.block_size;
  out.clock = std::move(*clock);
  return out;
}

}  // namespace ac
