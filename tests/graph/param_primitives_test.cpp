// The audio-side parameter primitives: SmoothedParam's ramps (the value at
// each frame does not depend on how the ramp is cut into blocks) and
// ParamInbox's ordering and overflow.
#include <gtest/gtest.h>

#include <vector>

#include "graph/param_inbox.h"
#include "graph/smoothed_param.h"

namespace ac {
namespace {

TEST(SmoothedParam, ARampReachesItsTargetOnItsLastFrame) {
  SmoothedParam p;
  p.set(0.0f);
  p.ramp_to(1.0f, 4);
  EXPECT_TRUE(p.ramping());
  // Frame k of 4 reads k/4.
  EXPECT_EQ(p.next(), 0.25f);
  EXPECT_EQ(p.next(), 0.5f);
  EXPECT_EQ(p.next(), 0.75f);
  EXPECT_EQ(p.next(), 1.0f);
  EXPECT_FALSE(p.ramping());
  EXPECT_EQ(p.next(), 1.0f);
  // A ramp of one frame (or none) is a jump.
  p.ramp_to(3.0f, 1);
  EXPECT_FALSE(p.ramping());
  EXPECT_EQ(p.next(), 3.0f);
}

TEST(SmoothedParam, AdvancingByAnyCutGivesTheSameValuesAsFrameByFrame) {
  SmoothedParam frame_by_frame;
  frame_by_frame.set(-2.0f);
  frame_by_frame.ramp_to(5.0f, 1000);
  std::vector<float> want;
  for (int i = 0; i < 1000; ++i) want.push_back(frame_by_frame.next());
  for (FrameCount cut : {1u, 3u, 64u, 999u, 1000u, 4096u}) {
    SmoothedParam p;
    p.set(-2.0f);
    p.ramp_to(5.0f, 1000);
    FrameCount done = 0;
    while (done < 1000) {
      const FrameCount n = std::min<FrameCount>(cut, 1000 - done);
      p.advance(n);
      done += n;
      ASSERT_EQ(p.value(), want[done - 1]) << "cut " << cut << " at " << done;
    }
  }
}

TEST(SmoothedParam, DirtyOnceAfterEachChange) {
  SmoothedParam p;
  EXPECT_TRUE(p.take_dirty());  // new: derived state must be computed once
  EXPECT_FALSE(p.take_dirty());
  p.set(1.0f);
  EXPECT_TRUE(p.take_dirty());
  EXPECT_FALSE(p.take_dirty());
  p.ramp_to(2.0f, 10);
  EXPECT_TRUE(p.take_dirty());
  p.next();
  EXPECT_FALSE(p.take_dirty());
}

TEST(ParamInbox, ChangesComeOutInFrameOrderAndTiesKeepTheirArrival) {
  ParamInbox inbox;
  inbox.push({30, 0, 1.0f, 0});
  inbox.push({10, 1, 2.0f, 0});
  inbox.push({30, 2, 3.0f, 0});
  inbox.push({0, 3, 4.0f, 0});
  ASSERT_EQ(inbox.size(), 4u);
  const ParamId want[] = {3, 1, 0, 2};
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(inbox[i].param, want[i]);
  inbox.clear();
  EXPECT_EQ(inbox.size(), 0u);
}

TEST(ParamInbox, AFullInboxDropsAndCounts) {
  ParamInbox inbox;
  for (uint32_t i = 0; i < ParamInbox::kCapacity; ++i) ASSERT_TRUE(inbox.push({i, 0, 0.0f, 0}));
  EXPECT_FALSE(inbox.push({0, 0, 0.0f, 0}));
  EXPECT_FALSE(inbox.push({1, 0, 0.0f, 0}));
  EXPECT_EQ(inbox.dropped(), 2u);
  EXPECT_EQ(inbox.size(), ParamInbox::kCapacity);
  EXPECT_EQ(inbox[0].at, 0u);  // what was there stays, in order
}

}  // namespace
}  // namespace ac
