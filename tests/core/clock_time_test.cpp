// Instants of different clocks do not mix: these are compile-time checks
// (a change that lets PTP and local time be added or compared fails to
// build), and the arithmetic that is allowed.
#include "core/clock_time.h"

#include <gtest/gtest.h>

#include <concepts>

namespace ac {
namespace {

template <class A, class B>
concept Subtractable = requires(A a, B b) {
  a - b;
};
template <class A, class B>
concept Comparable = requires(A a, B b) {
  a < b;
};
template <class A, class B>
concept Assignable = requires(A a, B b) {
  a = b;
};

static_assert(Subtractable<PtpNanos, PtpNanos>);
static_assert(!Subtractable<PtpNanos, LocalNanos>);
static_assert(!Subtractable<LocalNanos, RealtimeNanos>);
static_assert(!Comparable<PtpNanos, LocalNanos>);
static_assert(!Assignable<PtpNanos&, LocalNanos>);
static_assert(!Assignable<LocalNanos&, int64_t>);  // a bare number is not an instant
static_assert(!std::convertible_to<PtpNanos, int64_t>);

TEST(ClockTime, InstantsAndDurations) {
  const LocalNanos a{1000}, b{250};
  EXPECT_EQ(a - b, 750);  // a duration
  EXPECT_EQ(b + 750, a);
  EXPECT_EQ(a - 750, b);
  LocalNanos c = b;
  c += 10;
  EXPECT_EQ(c, LocalNanos{260});
  EXPECT_LT(b, a);
}

}  // namespace
}  // namespace ac
