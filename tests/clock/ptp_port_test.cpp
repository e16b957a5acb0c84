// PTP ports talking to each other in a simulated network: each node has its
// own local clock (one 80 ppm fast and 3.7 s off), messages take a path
// delay with jitter, time stamps are taken on the local clocks at send and
// receive. Because the simulation knows true time, the slave's error is
// measured exactly — what the real test against ptp4l measures through
// namespaces sharing one system clock.
#include "clock/ptp_port.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <deque>
#include <random>

#include "clock/master_reference.h"

namespace ac::ptp {
namespace {

struct Node {
  double rate = 1.0;      // local seconds per true second
  int64_t offset_ns = 0;  // local time at true time 0
  VirtualClock clock;
  std::unique_ptr<Port> port;
  bool alive = true;
  LocalNanos local(int64_t true_ns) const {
    return LocalNanos{offset_ns + static_cast<int64_t>(std::llround(static_cast<double>(true_ns) * rate))};
  }
};

struct InFlight {
  int64_t arrive;  // true ns
  size_t to;
  Message m;
};

class Network {
 public:
  explicit Network(double delay_us, double jitter_us) : delay_(delay_us * 1e3), jitter_(jitter_us * 1e3) {}

  size_t add(uint8_t id, uint8_t priority1, bool slave_only, double ppm, int64_t offset_ns,
             const TimeProperties& time = {}) {
    auto n = std::make_unique<Node>();
    n->rate = 1.0 + ppm * 1e-6;
    n->offset_ns = offset_ns;
    PortConfig c;
    c.identity = {{0, 0, 0, 0xFF, 0xFE, 0, 0, id}, 1};
    c.self.priority1 = priority1;
    c.self.quality.clock_class = slave_only ? 255 : 248;
    c.slave_only = slave_only;
    c.time = time;
    // True PTP time for masters: their clocks read true time (+ TAI offset).
    n->clock.set(n->local(0), PtpNanos{slave_only ? 0 : int64_t{1700000000} * 1000000000});
    if (ppm != 0.0 && !slave_only) n->clock.set_frequency(n->local(0), -ppm * 1e3);
    n->port = std::make_unique<Port>(c, n->clock);
    n->port->start(n->local(0));
    nodes_.push_back(std::move(n));
    return nodes_.size() - 1;
  }
  Node& node(size_t i) { return *nodes_[i]; }

  // Runs until true time `until_ns`, 1 ms steps.
  void run(int64_t until_ns) {
    for (; now_ < until_ns; now_ += 1000000) {
      for (size_t i = 0; i < nodes_.size(); ++i) {
        Node& n = *nodes_[i];
        if (!n.alive) continue;
        n.port->tick(n.local(now_));
        for (Outgoing& o : n.port->take_outgoing()) {
          if (o.wants_tx_stamp) n.port->on_tx_stamp(o.message.header.type, o.message.header.sequence, n.local(now_));
          for (size_t j = 0; j < nodes_.size(); ++j) {
            if (j == i) continue;
            const double d = delay_ + (o.event ? std::fabs(noise_(rng_)) * jitter_ : 0.0);
            flight_.push_back({now_ + static_cast<int64_t>(d), j, o.message});
          }
          // A follow-up produced by the stamp goes out in the same step.
          for (Outgoing& f : n.port->take_outgoing()) {
            for (size_t j = 0; j < nodes_.size(); ++j) {
              if (j != i) flight_.push_back({now_ + static_cast<int64_t>(delay_), j, f.message});
            }
          }
        }
      }
      for (auto it = flight_.begin(); it != flight_.end();) {
        if (it->arrive > now_ + 1000000) {
          ++it;
          continue;
        }
        Node& to = *nodes_[it->to];
        if (to.alive) {
          to.port->on_message(it->m, to.local(it->arrive));
          // Replies (Delay_Resp) leave at once.
          for (Outgoing& r : to.port->take_outgoing()) {
            for (size_t j = 0; j < nodes_.size(); ++j) {
              if (j != it->to) pending_.push_back({it->arrive + static_cast<int64_t>(delay_), j, r.message});
            }
          }
        }
        it = flight_.erase(it);
      }
      for (auto& p : pending_) flight_.push_back(std::move(p));
      pending_.clear();
    }
  }

  // The slave's PTP time minus the master's, at true time now.
  int64_t error(size_t slave, size_t master) {
    const PtpNanos s = nodes_[slave]->clock.to_ptp(nodes_[slave]->local(now_)).value_or(PtpNanos{});
    const PtpNanos m = nodes_[master]->clock.to_ptp(nodes_[master]->local(now_)).value_or(PtpNanos{});
    return s - m;
  }
  int64_t now() const { return now_; }
  void seed(uint32_t s) { rng_.seed(s); }

 private:
  double delay_, jitter_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::deque<InFlight> flight_;
  std::vector<InFlight> pending_;
  int64_t now_ = 0;
  std::mt19937 rng_{11};
  std::normal_distribution<double> noise_{0.0, 1.0};
};

TEST(PtpPort, SlaveLocksToTheMasterAndKeepsTheTrueErrorSmall) {
  Network net(50.0, 1.0);
  const size_t master = net.add(1, 128, false, 0.0, 0);
  const size_t slave = net.add(2, 255, true, 80.0, 3700000000);
  net.run(int64_t{20} * 1000000000);
  EXPECT_EQ(net.node(master).port->status().state, PortState::master);
  ASSERT_EQ(net.node(slave).port->status().state, PortState::slave);
  EXPECT_EQ(net.node(slave).port->status().grandmaster, (ClockIdentity{0, 0, 0, 0xFF, 0xFE, 0, 0, 1}));
  EXPECT_NEAR(static_cast<double>(net.node(slave).port->status().path_delay_ns), 50000.0, 2000.0);
  double sum2 = 0, worst = 0;
  int n = 0;
  for (int i = 0; i < 600; ++i) {  // 60 s, sampled every 100 ms
    net.run(net.now() + 100000000);
    const auto e = static_cast<double>(net.error(slave, master));
    sum2 += e * e;
    worst = std::max(worst, std::fabs(e));
    ++n;
  }
  const double rms = std::sqrt(sum2 / n);
  EXPECT_LT(rms, 2000.0) << "true error RMS";
  std::printf("simulated slave: true error RMS %.0f ns, worst %.0f ns over 60 s\n", rms, worst);
  EXPECT_LT(worst, 10000.0);
  EXPECT_NEAR(net.node(slave).clock.frequency_ppb(), -80000.0 / 1.00008, 500.0);
}

TEST(PtpPort, BestMasterWinsAndTheNextTakesOverWhenItStops) {
  Network net(30.0, 0.5);
  const size_t a = net.add(1, 100, false, 0.0, 0);   // best: priority1 100
  const size_t b = net.add(2, 120, false, 0.0, 0);   // next
  const size_t c = net.add(3, 255, true, -20.0, 0);  // slave only
  net.run(int64_t{15} * 1000000000);
  EXPECT_EQ(net.node(a).port->status().state, PortState::master);
  EXPECT_EQ(net.node(b).port->status().state, PortState::slave);
  EXPECT_EQ(net.node(c).port->status().grandmaster, (ClockIdentity{0, 0, 0, 0xFF, 0xFE, 0, 0, 1}));
  EXPECT_EQ(net.node(b).port->status().grandmaster, (ClockIdentity{0, 0, 0, 0xFF, 0xFE, 0, 0, 1}));
  net.node(a).alive = false;  // the grandmaster stops
  const int64_t stopped = net.now();
  int64_t took_over = -1;
  for (int i = 0; i < 200 && took_over < 0; ++i) {
    net.run(net.now() + 100000000);
    if (net.node(b).port->status().state == PortState::master &&
        net.node(c).port->status().grandmaster == ClockIdentity{0, 0, 0, 0xFF, 0xFE, 0, 0, 2}) {
      took_over = net.now();
    }
  }
  ASSERT_GE(took_over, 0) << "b never took over";
  // Announce interval 2 s: within 4 intervals (receipt timeout 3 + qualification).
  EXPECT_LE(took_over - stopped, int64_t{8} * 1000000000 + 500000000);
}

// A slave that takes over keeps the timescale of the grandmaster it
// followed: ptp4l with software stamps serves an arbitrary timescale (UTC);
// serving TAI after it would step everyone's time by 37 s.
TEST(PtpPort, ASlaveThatTakesOverKeepsItsGrandmastersTimescale) {
  Network net(30.0, 0.5);
  TimeProperties arb;
  arb.flags = 0;  // arbitrary timescale, as ptp4l with software time stamps
  arb.utc_offset = 37;
  const size_t a = net.add(1, 100, false, 0.0, 0, arb);
  const size_t b = net.add(2, 120, false, 0.0, 0);  // would serve the PTP timescale on its own
  const size_t c = net.add(3, 255, true, 0.0, 0);
  net.run(int64_t{15} * 1000000000);
  ASSERT_EQ(net.node(b).port->status().state, PortState::slave);
  EXPECT_FALSE(net.node(b).port->status().time.ptp_timescale());
  EXPECT_TRUE(net.node(b).port->status().followed_grandmaster);
  net.node(a).alive = false;
  for (int i = 0; i < 200 && net.node(c).port->status().grandmaster != ClockIdentity{0, 0, 0, 0xFF, 0xFE, 0, 0, 2}; ++i)
    net.run(net.now() + 100000000);
  ASSERT_EQ(net.node(b).port->status().state, PortState::master);
  // b announces a's timescale, and c (following b now) learned it from b.
  EXPECT_FALSE(net.node(c).port->status().time.ptp_timescale());
  EXPECT_EQ(net.node(c).port->status().time.utc_offset, 37);
}

TEST(MasterReference, AHandOverKeepsTheTimeAFreshStartServesTheTimescale) {
  MasterReference r;
  const RealtimeNanos utc{int64_t{1700000000} * 1000000000};
  // Took over from a grandmaster that served UTC (arbitrary timescale):
  // no step, whatever the announced offset.
  r.start(PtpNanos{utc.ns + 1234}, utc, /*followed_grandmaster=*/true, /*ptp_timescale=*/true, 37);
  EXPECT_EQ(r.error(PtpNanos{utc.ns + 1234 + 500}, utc + 500), 0);
  // From the start on the PTP timescale: TAI, 37 s ahead of UTC.
  r.start(PtpNanos{utc.ns}, utc, false, true, 37);
  EXPECT_EQ(r.error(PtpNanos{utc.ns + int64_t{37} * 1000000000}, utc), 0);
  // On an arbitrary timescale: the system clock itself.
  r.start(PtpNanos{0}, utc, false, false, 37);
  EXPECT_EQ(r.error(PtpNanos{utc.ns}, utc), 0);
}

// An Announce 255 or more steps from its grandmaster never qualifies its
// sender (IEEE 1588 9.3.2.5): however good it claims to be and however
// often it comes, a locked slave keeps its grandmaster and its lock.
TEST(PtpPort, AnAnnounceTooManyStepsAwayChangesNothing) {
  Network net(30.0, 0.5);
  net.add(1, 128, false, 0.0, 0);
  const size_t slave = net.add(2, 255, true, 10.0, 0);
  net.run(int64_t{15} * 1000000000);
  ASSERT_EQ(net.node(slave).port->status().state, PortState::slave);
  Message bogus;
  bogus.header.type = MessageType::announce;
  bogus.header.source = {{9, 9, 9, 0xFF, 0xFE, 9, 9, 9}, 1};
  bogus.announce.priority1 = 0;
  bogus.announce.quality.clock_class = 6;
  bogus.announce.grandmaster = {9, 9, 9, 0xFF, 0xFE, 9, 9, 9};
  bogus.announce.steps_removed = 65535;
  for (int i = 0; i < 20; ++i) {
    bogus.header.sequence = static_cast<uint16_t>(i);
    net.node(slave).port->on_message(bogus, net.node(slave).local(net.now()));
    net.run(net.now() + 500000000);
  }
  EXPECT_EQ(net.node(slave).port->status().state, PortState::slave);
  EXPECT_EQ(net.node(slave).port->status().grandmaster, (ClockIdentity{0, 0, 0, 0xFF, 0xFE, 0, 0, 1}));
  EXPECT_EQ(net.node(slave).port->status().rejections[static_cast<size_t>(Rejection::steps_removed)], 20u);
}

// A slave whose grandmaster goes quiet holds the frequency it learnt, not
// its last correction (with 2 µs of time stamp jitter that carries a kick
// of hundreds of ppb, the learnt frequency a few tens), and from the moment
// the Syncs stop, not only once the master is given up.
TEST(PtpPort, HoldoverKeepsTheLearntFrequency) {
  double worst = 0;
  for (uint32_t seed = 1; seed <= 10; ++seed) {
    Network net(30.0, 2.0);
    net.seed(seed);
    const size_t a = net.add(1, 100, false, 0.0, 0);
    const size_t s = net.add(2, 255, true, 40.0, 0);
    net.run(int64_t{40} * 1000000000);
    ASSERT_EQ(net.node(s).port->status().state, PortState::slave);
    net.node(a).alive = false;
    // From half a second after the last Sync (before the receipt timeout
    // of 3 announce intervals gives up on the master) over the next 10 s.
    net.run(net.now() + int64_t{1} * 1000000000);
    const double before = static_cast<double>(net.error(s, a));
    net.run(net.now() + int64_t{10} * 1000000000);
    const double drift = std::fabs(static_cast<double>(net.error(s, a)) - before) / 10.0;  // ns per s
    worst = std::max(worst, drift);
  }
  std::printf("holdover drift: worst %.0f ns/s over 10 seeds\n", worst);
  EXPECT_LT(worst, 150.0);
}

TEST(PtpPort, OtherDomainsAreIgnoredAndCounted) {
  VirtualClock clock;
  clock.set(LocalNanos{0}, PtpNanos{0});
  PortConfig c;
  c.identity = {{1, 2, 3, 4, 5, 6, 7, 8}, 1};
  Port p(c, clock);
  p.start(LocalNanos{0});
  Message m;
  m.header.type = MessageType::announce;
  m.header.domain = 5;
  m.header.source = {{9, 9, 9, 9, 9, 9, 9, 9}, 1};
  p.on_message(m, LocalNanos{1000});
  EXPECT_EQ(p.status().rejected, 1u);
  EXPECT_EQ(p.status().announces, 0u);
}

}  // namespace
}  // namespace ac::ptp
