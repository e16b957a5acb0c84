#include "clock/ptp_port.h"

#include <algorithm>
#include <cmath>

namespace ac::ptp {

Port::Port(const PortConfig& config, VirtualClock& clock) : config_(config), clock_(clock), servo_(config.servo) {
  // The Delay_Req schedule's randomness, seeded by the identity: distinct
  // per clock, the same on every run of a simulation.
  for (uint8_t b : config.identity.clock) random_ = random_ * 131 + b + 1;
  status_.time = config.time;
  config_.self.sender = config.identity;
  config_.self.receiver = config.identity;
  config_.self.grandmaster = config.identity.clock;
  config_.self.steps_removed = 0;
}

int64_t Port::interval_ns(int8_t log) const {
  return static_cast<int64_t>(std::ldexp(1e9, log));
}

// IEEE 1588 9.5.11.2: the gap before the next Delay_Req is uniform in
// [0, 2^(logMinDelayReqInterval + 1)] s, so that slaves do not all ask at
// once, nor always at the same moment after a Sync.
int64_t Port::delay_req_gap() {
  random_ ^= random_ << 13;
  random_ ^= random_ >> 7;
  random_ ^= random_ << 17;
  const auto span = static_cast<uint64_t>(2 * interval_ns(config_.profile.log_min_delay_req));
  return static_cast<int64_t>(random_ % (span + 1));
}

PtpNanos Port::ptp_at(LocalNanos local) const {
  return clock_.to_ptp(local).value_or(PtpNanos{});
}

void Port::start(LocalNanos now) {
  become(PortState::listening, now);
  announce_deadline_ = now + config_.profile.announce_receipt_timeout * interval_ns(config_.profile.log_announce);
}

void Port::become(PortState s, LocalNanos now) {
  if (status_.state == s) return;
  status_.state = s;
  if (s == PortState::master) {
    parent_.reset();
    status_.grandmaster = config_.identity.clock;
    status_.grandmaster_class = config_.self.quality.clock_class;
    status_.locked_since = now;
    next_announce_ = now;
    next_sync_ = now;
  } else if (s == PortState::uncalibrated || s == PortState::listening) {
    status_.locked_since.reset();
  } else if (s == PortState::slave) {
    status_.locked_since = now;
    status_.followed_grandmaster = true;
  }
}

Message Port::header_for(MessageType t, uint16_t seq, int8_t log_interval) const {
  Message m;
  m.header.type = t;
  m.header.domain = config_.profile.domain;
  m.header.source = config_.identity;
  m.header.sequence = seq;
  m.header.log_interval = log_interval;
  return m;
}

void Port::send(Message m, bool event, bool stamp) {
  out_.push_back({std::move(m), event, stamp});
}

std::vector<Outgoing> Port::take_outgoing() {
  std::vector<Outgoing> out;
  out.swap(out_);
  return out;
}

void Port::decide(LocalNanos now) {
  // Qualified foreign masters: two Announces within four intervals (9.3.2.5).
  const int64_t window = 4 * interval_ns(config_.profile.log_announce);
  std::optional<DataSet> best;
  PortIdentity best_port;
  for (Foreign& f : foreign_) {
    f.seen.erase(std::remove_if(f.seen.begin(), f.seen.end(), [&](LocalNanos t) { return now - t > window; }),
                 f.seen.end());
    if (f.seen.size() < 2) continue;
    if (!best || better(f.data, *best)) {
      best = f.data;
      best_port = f.port;
    }
  }
  const Recommendation r =
      config_.master_only ? Recommendation::master : recommended_state(config_.self, best, config_.slave_only);
  switch (r) {
    case Recommendation::master:
      become(PortState::master, now);
      break;
    case Recommendation::passive:
      parent_.reset();
      become(PortState::passive, now);
      break;
    case Recommendation::listening:
      parent_.reset();
      become(PortState::listening, now);
      break;
    case Recommendation::slave:
      if (!parent_ || !(*parent_ == best_port)) {
        hold_over(now);
        parent_ = best_port;
        status_.grandmaster = best->grandmaster;
        status_.grandmaster_class = best->quality.clock_class;
        servo_.reset();
        have_t1_ = false;
        have_delay_ = false;
        delay_count_ = 0;
        t3_local_.reset();
        next_delay_req_ = now;
        status_.state = PortState::initializing;  // force the transition below
        become(PortState::uncalibrated, now);
        // Only the parent's Announces extend this (on_message), so a
        // parent that stops is noticed after the receipt timeout even while
        // other masters keep announcing.
        announce_deadline_ = now + config_.profile.announce_receipt_timeout * interval_ns(config_.profile.log_announce);
      }
      break;
  }
}

void Port::tick(LocalNanos now) {
  const PortState s = status_.state;
  if (s != PortState::master && now > announce_deadline_) {
    // The parent (or anyone) went quiet: forget it and decide again.
    if (parent_) {
      hold_over(now);
      foreign_.erase(
          std::remove_if(foreign_.begin(), foreign_.end(), [&](const Foreign& f) { return f.port == *parent_; }),
          foreign_.end());
      parent_.reset();
    }
    decide(now);
    announce_deadline_ = now + config_.profile.announce_receipt_timeout * interval_ns(config_.profile.log_announce);
  }
  if (status_.state == PortState::master) {
    if (now >= next_announce_) {
      Message a = header_for(MessageType::announce, announce_seq_++, config_.profile.log_announce);
      // The grandmaster it followed is gone: its time goes on, no longer
      // traceable to that one's reference.
      a.header.flags =
          status_.time.flags & static_cast<uint16_t>(~(flags::time_traceable | flags::frequency_traceable));
      a.announce.origin = Timestamp::from_ptp(ptp_at(now));
      a.announce.utc_offset = status_.time.utc_offset;
      a.announce.time_source = status_.time.time_source;
      a.announce.priority1 = config_.self.priority1;
      a.announce.quality = config_.self.quality;
      a.announce.priority2 = config_.self.priority2;
      a.announce.grandmaster = config_.identity.clock;
      a.announce.steps_removed = 0;
      send(a, false, false);
      next_announce_ += interval_ns(config_.profile.log_announce);
      if (next_announce_ <= now) next_announce_ = now + interval_ns(config_.profile.log_announce);
    }
    if (now >= next_sync_) {
      Message sy = header_for(MessageType::sync, sync_seq_++, config_.profile.log_sync);
      sy.header.flags = flags::two_step | (status_.time.flags & flags::ptp_timescale);
      send(sy, true, true);
      next_sync_ += interval_ns(config_.profile.log_sync);
      if (next_sync_ <= now) next_sync_ = now + interval_ns(config_.profile.log_sync);
    }
  }
  // Syncs stopped (the master went away, or the path): hold over at once,
  // not only when the announce receipt timeout gives up on the master.
  if (status_.state == PortState::slave && !holding_ && t2_local_ &&
      now - *t2_local_ > 4 * interval_ns(config_.profile.log_sync)) {
    hold_over(now);
    holding_ = true;
  }
  if ((status_.state == PortState::slave || status_.state == PortState::uncalibrated) && parent_ && t2_local_ &&
      now >= next_delay_req_) {
    send(header_for(MessageType::delay_req, delay_seq_++, 0x7F), true, true);
    t3_local_.reset();
    next_delay_req_ = now + delay_req_gap();
  }
}

void Port::on_tx_stamp(MessageType type, uint16_t sequence, LocalNanos tx) {
  if (type == MessageType::sync && status_.state == PortState::master) {
    Message fu = header_for(MessageType::follow_up, sequence, config_.profile.log_sync);
    fu.header.flags = status_.time.flags & flags::ptp_timescale;
    fu.timestamp = Timestamp::from_ptp(ptp_at(tx));
    send(fu, false, false);
  } else if (type == MessageType::delay_req && static_cast<uint16_t>(delay_seq_ - 1) == sequence) {
    t3_local_ = tx;
  }
}

void Port::on_message(const Message& m, LocalNanos rx) {
  const Header& h = m.header;
  if (h.domain != config_.profile.domain) return reject(Rejection::domain);
  if (h.source.clock == config_.identity.clock) return;  // our own, looped back
  const bool from_parent = parent_ && h.source == *parent_;
  switch (h.type) {
    case MessageType::announce:
      return on_announce(m, rx, from_parent);
    case MessageType::sync:
      if (from_parent) on_sync(m, rx);
      return;
    case MessageType::follow_up:
      if (from_parent) on_follow_up(m, rx);
      return;
    case MessageType::delay_req:
      if (status_.state == PortState::master) on_delay_req(m, rx);
      return;
    case MessageType::delay_resp:
      if (from_parent) on_delay_resp(m);
      return;
    default:
      return;
  }
}

// Without a master the clock runs free at the frequency that kept it on
// the master (averaged over the last seconds of lock; the servo's integral
// before that), not at the last correction, which also holds the
// proportional kick of the last offset: that kick, microseconds per second
// at software time stamps' jitter, was most of the drift before a new
// master took over.
void Port::hold_over(LocalNanos now) {
  if (status_.state != PortState::slave || holding_) return;
  const double ppb = held_samples_ >= 16 ? held_ppb_ : -servo_.drift_ppb();
  clock_.set_frequency(now, ppb);
  status_.frequency_ppb = ppb;
}

void Port::reject(Rejection kind) {
  ++status_.rejected;
  ++status_.rejections[static_cast<size_t>(kind)];
}

void Port::on_announce(const Message& m, LocalNanos rx, bool from_parent) {
  const Header& h = m.header;
  // 255 or more steps from its grandmaster, an Announce never qualifies
  // its sender (IEEE 1588 9.3.2.5 d): it must not even count towards it.
  if (m.announce.steps_removed >= 255) return reject(Rejection::steps_removed);
  ++status_.announces;
  auto it = std::find_if(foreign_.begin(), foreign_.end(), [&](const Foreign& f) { return f.port == h.source; });
  if (it == foreign_.end()) {
    foreign_.push_back({});
    it = foreign_.end() - 1;
    it->port = h.source;
  }
  it->data = data_set_of(m, config_.identity);
  it->seen.push_back(rx);
  it->last = m;
  if (from_parent) {
    status_.time.utc_offset = m.announce.utc_offset;
    status_.time.flags = h.flags & TimeProperties::kKept;
    status_.time.time_source = m.announce.time_source;
    announce_deadline_ = rx + config_.profile.announce_receipt_timeout * interval_ns(config_.profile.log_announce);
  }
  decide(rx);
}

void Port::on_sync(const Message& m, LocalNanos rx) {
  const Header& h = m.header;
  ++status_.syncs;
  holding_ = false;
  t2_local_ = rx;
  sync_seq_seen_ = h.sequence;
  t1_ = PtpNanos{h.correction >> 16};
  have_t1_ = false;
  if (!(h.flags & flags::two_step)) {
    t1_ += m.timestamp.to_ptp().ns;
    have_t1_ = true;
    slave_sync_complete(rx);
  }
}

void Port::on_follow_up(const Message& m, LocalNanos rx) {
  const Header& h = m.header;
  if (h.sequence != sync_seq_seen_ || !t2_local_) return;
  t1_ += m.timestamp.to_ptp().ns + (h.correction >> 16);
  have_t1_ = true;
  slave_sync_complete(rx);
}

void Port::on_delay_req(const Message& m, LocalNanos rx) {
  const Header& h = m.header;
  Message r = header_for(MessageType::delay_resp, h.sequence, config_.profile.log_min_delay_req);
  r.header.correction = h.correction;
  r.timestamp = Timestamp::from_ptp(ptp_at(rx));
  r.requesting_port = h.source;
  send(r, false, false);
}

void Port::on_delay_resp(const Message& m) {
  const Header& h = m.header;
  if (!(m.requesting_port == config_.identity) || !t3_local_ || !t2_local_ || !have_t1_ ||
      h.sequence != static_cast<uint16_t>(delay_seq_ - 1)) {
    return;
  }
  ++status_.delay_resps;
  config_.profile.log_min_delay_req = h.log_interval == 0x7F ? config_.profile.log_min_delay_req : h.log_interval;
  const PtpNanos t4 = m.timestamp.to_ptp() - (h.correction >> 16);
  // [(t2 - t1) + (t4 - t3)] / 2, the slave's times read on the clock as it is now.
  const int64_t delay = ((ptp_at(*t2_local_) - t1_) + (t4 - ptp_at(*t3_local_))) / 2;
  if (delay >= 0) add_delay(delay);
  t3_local_.reset();
}

// The path delay used is the median of the last kDelayWindow measured.
void Port::add_delay(int64_t delay) {
  delays_[delay_next_] = delay;
  delay_next_ = (delay_next_ + 1) % kDelayWindow;
  delay_count_ = std::min(delay_count_ + 1, kDelayWindow);
  // Insertion sort of at most ten values (std::sort here trips GCC 12's
  // -Warray-bounds under ASan).
  int64_t sorted[kDelayWindow] = {};
  for (size_t i = 0; i < delay_count_; ++i) {
    size_t j = i;
    while (j > 0 && sorted[j - 1] > delays_[i]) {
      sorted[j] = sorted[j - 1];
      --j;
    }
    sorted[j] = delays_[i];
  }
  mean_delay_ =
      delay_count_ % 2 ? sorted[delay_count_ / 2] : (sorted[delay_count_ / 2 - 1] + sorted[delay_count_ / 2]) / 2;
  have_delay_ = true;
  status_.path_delay_ns = mean_delay_;
}

void Port::slave_sync_complete(LocalNanos now) {
  if (status_.state != PortState::slave && status_.state != PortState::uncalibrated) return;
  // Like linuxptp, the servo waits for a path delay: an offset without it
  // is off by the delay, and the jump when it arrives would wind up the
  // integral.
  if (!have_delay_) return;
  const int64_t offset = ptp_at(*t2_local_) - t1_ - mean_delay_;
  status_.offset_ns = offset;
  const double ppb = servo_.sample(offset, *t2_local_);
  status_.outliers = servo_.outliers();
  if (!servo_.last_was_outlier()) ++status_.offsets;
  switch (servo_.state()) {
    case ServoState::unlocked:
      break;
    case ServoState::jump:
      // The delay stays valid: it is computed from differences of the
      // slave's own time stamps, read on the clock as it is when used.
      clock_.step(now, -servo_.step_ns());
      clock_.set_frequency(now, -ppb);
      break;
    case ServoState::locked:
      clock_.set_frequency(now, -ppb);
      if (status_.state == PortState::uncalibrated) become(PortState::slave, now);
      // The frequency that kept the clock on the master, averaged over the
      // last few seconds (the servo's own integral moves with every late
      // time stamp): what a holdover runs at.
      held_ppb_ = held_samples_ == 0 ? -ppb : held_ppb_ + (-ppb - held_ppb_) / 32.0;
      ++held_samples_;
      break;
  }
  status_.frequency_ppb = -ppb;
}

}  // namespace ac::ptp
