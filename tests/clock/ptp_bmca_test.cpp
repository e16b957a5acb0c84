// The best master clock algorithm on crafted data sets: each attribute in
// the order figure 27 gives, the topology tie-breaks of figure 28, and the
// state decision for an ordinary clock.
#include "clock/ptp_bmca.h"

#include <gtest/gtest.h>

namespace ac::ptp {
namespace {

DataSet gm(uint8_t last_byte) {
  DataSet d;
  d.grandmaster = {0, 0, 0, 0xFF, 0xFE, 0, 0, last_byte};
  d.sender = {d.grandmaster, 1};
  d.receiver = {{0, 0, 0, 0xFF, 0xFE, 0, 0, 0x99}, 1};
  return d;
}

TEST(PtpBmca, AttributesDecideInTheStandardsOrder) {
  DataSet a = gm(1), b = gm(2);
  EXPECT_EQ(compare(a, b), Comparison::a_better);  // last resort: identity
  b.priority2 = 1;
  EXPECT_EQ(compare(a, b), Comparison::b_better);  // priority2 before identity
  a.quality.variance = 0x4000;
  EXPECT_EQ(compare(a, b), Comparison::a_better);  // variance before priority2
  b.quality.accuracy = 0x21;
  EXPECT_EQ(compare(a, b), Comparison::b_better);  // accuracy before variance
  a.quality.clock_class = 6;
  EXPECT_EQ(compare(a, b), Comparison::a_better);  // class before accuracy
  b.priority1 = 100;
  EXPECT_EQ(compare(a, b), Comparison::b_better);  // priority1 first
  EXPECT_EQ(compare(b, a), Comparison::a_better);
}

TEST(PtpBmca, SameGrandmasterIsDecidedByTopology) {
  DataSet a = gm(1), b = gm(1);
  b.steps_removed = 2;
  EXPECT_EQ(compare(a, b), Comparison::a_better);  // more than one step closer
  b.steps_removed = 1;
  b.sender = {{0, 0, 0, 0xFF, 0xFE, 0, 0, 0x50}, 1};  // through a boundary clock
  b.receiver = {{0, 0, 0, 0xFF, 0xFE, 0, 0, 0x99}, 1};
  // One step further: b is worse unless its receiver is lower than its sender.
  EXPECT_EQ(compare(a, b), Comparison::a_better_by_topology);
  b.receiver.clock[7] = 0x10;
  EXPECT_EQ(compare(a, b), Comparison::a_better);
  DataSet c = gm(1), d = gm(1);
  d.sender.clock[6] = 1;  // same steps: the lower sender wins
  EXPECT_EQ(compare(c, d), Comparison::a_better_by_topology);
  DataSet e = gm(1);
  EXPECT_EQ(compare(c, e), Comparison::error);  // the same Announce twice
}

TEST(PtpBmca, OrdinaryClockStateDecision) {
  DataSet self = gm(5);
  self.quality.clock_class = 248;
  DataSet better_gm = gm(1);
  better_gm.priority1 = 1;
  EXPECT_EQ(recommended_state(self, std::nullopt, false), Recommendation::master);
  EXPECT_EQ(recommended_state(self, std::nullopt, true), Recommendation::listening);
  EXPECT_EQ(recommended_state(self, better_gm, false), Recommendation::slave);
  EXPECT_EQ(recommended_state(self, better_gm, true), Recommendation::slave);
  DataSet worse = gm(9);
  worse.priority1 = 200;
  EXPECT_EQ(recommended_state(self, worse, false), Recommendation::master);
  self.quality.clock_class = 6;  // a primary reference: never a slave
  EXPECT_EQ(recommended_state(self, better_gm, false), Recommendation::passive);
}

}  // namespace
}  // namespace ac::ptp
