#include "core/expected.h"

#include <gtest/gtest.h>

#include "core/sample_time.h"

namespace ac {
namespace {

Expected<int> half(int x) {
  if (x % 2) return unexpected(make_error(ErrorDomain::core, "odd", SourceLocation{"f.yaml", 3, 7}));
  return x / 2;
}

TEST(Expected, CarriesValueOrError) {
  auto a = half(8);
  ASSERT_TRUE(a);
  EXPECT_EQ(*a, 4);
  auto b = half(3);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().to_string(), "f.yaml:3:7: error: odd");
}

TEST(Error, WithoutLocationHasNoColons) {
  EXPECT_EQ(make_error(ErrorDomain::io, "boom").to_string(), "error: boom");
  EXPECT_EQ(make_error(ErrorDomain::io, "boom", SourceLocation{"x.wav", 0, 0}).to_string(), "x.wav: error: boom");
}

TEST(SampleTime, ArithmeticIsExplicit) {
  const SampleTime t{100};
  EXPECT_EQ((t + 28).value, 128);
  EXPECT_EQ(SampleTime{128} - t, 28);
  EXPECT_LT(t, SampleTime{101});
}

}  // namespace
}  // namespace ac
