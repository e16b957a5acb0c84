#include "clock/ptp_clock.h"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "clock/master_reference.h"
#include "clock/pi_servo.h"
#include "clock/ptp_port.h"
#include "clock/ptp_socket.h"

namespace ac {
namespace {

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

bool ClockConfidence::usable() const noexcept {
  return (state == ptp::PortState::slave && locked_seconds >= 0.0) || state == ptp::PortState::master;
}

struct PtpClock::State {
  State(ptp::Socket s, const ptp::PortConfig& c, VirtualClock& clock)
      : socket(std::move(s)), config(c), port(c, clock), reference(reference_options()) {}
  static PiServoOptions reference_options() {
    PiServoOptions o;
    o.sync_interval = 0.25;
    o.first_step_threshold_ns = 1000;
    return o;
  }
  ptp::Socket socket;
  ptp::PortConfig config;
  ptp::Port port;
  // As master: the servo that keeps the clock on the system clock, and
  // the offset it keeps it at.
  PiServo reference;
  MasterReference target;
  LocalNanos next_reference;
  std::optional<LocalNanos> master_since;
  // For the confidence snapshot.
  uint64_t malformed = 0, seen_offsets = 0;
  std::array<uint64_t, ptp::kRejectionKinds> malformed_by_kind{};
  double window[ClockConfidence::kWindow] = {};
  size_t window_count = 0, window_next = 0;
};

Expected<std::unique_ptr<PtpClock>> PtpClock::start(const PtpClockOptions& options) {
  if (options.role != "auto" && options.role != "master" && options.role != "slave")
    return unexpected(
        make_error(ErrorDomain::clock, "ptp: role '" + options.role + "': expected auto, master or slave"));
  if (options.profile != "aes67" && options.profile != "default")
    return unexpected(
        make_error(ErrorDomain::clock, "ptp: profile '" + options.profile + "': expected aes67 or default"));
  if (options.domain > 127) return unexpected(make_error(ErrorDomain::clock, "ptp: domain must be 0..127"));
  auto socket = ptp::Socket::open(options.iface);
  if (!socket) return unexpected(socket.error());
  ptp::PortConfig config;
  config.identity = {identity_of(options.iface), 1};
  config.profile = options.profile == "default" ? ptp::Profile::default_profile() : ptp::Profile::aes67();
  config.profile.domain = options.domain;
  config.self.priority1 = options.priority1;
  config.slave_only = options.role == "slave";
  // An honest class (not 6 unless a primary reference says so): at equal
  // priority1 the BMCA then decides by identity, as between ptp4l clocks.
  config.self.quality.clock_class = options.clock_class;
  config.master_only = options.role == "master";
  if (config.slave_only) config.self.quality.clock_class = 255;  // slave-only (9.2.2)
  config.servo.sync_interval = std::ldexp(1.0, config.profile.log_sync);

  auto clock = std::unique_ptr<PtpClock>(new PtpClock());
  // PTP time is TAI: the system clock (UTC) plus the UTC offset, until a
  // master says otherwise.
  clock->clock_.set(VirtualClock::local_now(),
                    PtpNanos{VirtualClock::realtime_now().ns + int64_t{config.time.utc_offset} * 1000000000});
  clock->description_ = options.iface + " (" + socket->address() + "), clock " + ptp::to_string(config.identity.clock) +
                        ", domain " + std::to_string(options.domain) + ", profile " + options.profile + ", " +
                        options.role + "; time stamps " + socket->timestamping() + "; hardware: " + socket->hardware();
  clock->state_ = std::make_unique<State>(std::move(*socket), config, clock->clock_);
  clock->running_.store(true);
  clock->thread_ = std::thread([c = clock.get()] { c->loop(); });
  return clock;
}

PtpClock::~PtpClock() {
  running_.store(false);
  if (thread_.joinable()) thread_.join();
}

ClockConfidence PtpClock::confidence() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return confidence_;
}

void PtpClock::send_outgoing() {
  ptp::Port& port = state_->port;
  for (int round = 0; round < 4; ++round) {
    auto out = port.take_outgoing();
    if (out.empty()) return;
    for (ptp::Outgoing& o : out) {
      const auto bytes = ptp::encode(o.message);
      auto sent = state_->socket.send(bytes, o.event, o.wants_tx_stamp);
      if (!sent) {
        std::fprintf(stderr, "ptp: %s\n", sent.error().message.c_str());
        continue;
      }
      if (o.wants_tx_stamp && *sent) port.on_tx_stamp(o.message.header.type, o.message.header.sequence, **sent);
    }
  }
}

// As grandmaster the reference is the system clock, four times a second:
// the served time against the system clock plus the offset the role change
// chose (clock/master_reference.h).
void PtpClock::follow_reference() {
  State& s = *state_;
  const ptp::PortStatus& st = s.port.status();
  if (st.state != ptp::PortState::master) {
    s.master_since.reset();
    s.reference.reset();
    s.next_reference = VirtualClock::local_now();
    return;
  }
  if (!s.master_since) {
    s.master_since = VirtualClock::local_now();
    const VirtualClock::Pair pair = VirtualClock::local_and_realtime();
    s.target.start(clock_.to_ptp(pair.local).value_or(PtpNanos{}), pair.realtime, st.followed_grandmaster,
                   st.time.ptp_timescale(), st.time.utc_offset);
  }
  if (VirtualClock::local_now() < s.next_reference) return;
  s.next_reference += 250000000;
  const VirtualClock::Pair pair = VirtualClock::local_and_realtime();
  const int64_t error = s.target.error(clock_.to_ptp(pair.local).value_or(PtpNanos{}), pair.realtime);
  const double ppb = s.reference.sample(error, pair.local);
  if (s.reference.state() == ServoState::jump) clock_.step(pair.local, -s.reference.step_ns());
  if (s.reference.state() != ServoState::unlocked) clock_.set_frequency(pair.local, -ppb);
}

void PtpClock::publish_confidence() {
  State& s = *state_;
  const ptp::PortStatus& st = s.port.status();
  if (st.offsets != s.seen_offsets) {  // a new offset, outliers left out
    s.seen_offsets = st.offsets;
    s.window[s.window_next] = static_cast<double>(st.offset_ns);
    s.window_next = (s.window_next + 1) % ClockConfidence::kWindow;
    s.window_count = std::min(s.window_count + 1, ClockConfidence::kWindow);
  }
  ClockConfidence c;
  c.state = st.state;
  c.grandmaster = st.grandmaster;
  c.grandmaster_class = st.grandmaster_class;
  c.offset_ns = st.offset_ns;
  double sum = 0, sum2 = 0;
  for (size_t i = 0; i < s.window_count; ++i) {
    sum += s.window[i];
    sum2 += s.window[i] * s.window[i];
  }
  if (s.window_count > 0) {
    c.offset_mean_ns = sum / static_cast<double>(s.window_count);
    c.offset_rms_ns = std::sqrt(sum2 / static_cast<double>(s.window_count));
  }
  c.path_delay_ns = st.path_delay_ns;
  c.frequency_ppb = clock_.frequency_ppb();
  const LocalNanos now = VirtualClock::local_now();
  const std::optional<LocalNanos> since = st.state == ptp::PortState::master ? s.master_since : st.locked_since;
  c.locked_seconds = since ? static_cast<double>(now - *since) / 1e9 : -1.0;
  c.syncs = st.syncs;
  c.malformed = s.malformed;
  for (size_t k = 0; k < ptp::kRejectionKinds; ++k) c.rejections[k] = s.malformed_by_kind[k] + st.rejections[k];
  c.outliers = st.outliers;
  c.missing_tx_stamps = s.socket.missing_tx_stamps();
  std::lock_guard<std::mutex> lock(mutex_);
  confidence_ = c;
}

void PtpClock::loop() {
  State& s = *state_;
  s.port.start(VirtualClock::local_now());
  s.next_reference = VirtualClock::local_now();
  while (running_.load()) {
    if (auto r = s.socket.receive(5)) {
      ptp::Rejection why{};
      auto m = ptp::decode(r->bytes, &why);
      if (m) {
        s.port.on_message(*m, r->stamp);
      } else {
        ++s.malformed;
        ++s.malformed_by_kind[static_cast<size_t>(why)];
      }
    }
    s.port.tick(VirtualClock::local_now());
    send_outgoing();
    follow_reference();
    publish_confidence();
  }
}

}  // namespace ac
