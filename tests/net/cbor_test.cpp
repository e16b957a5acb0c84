// The CBOR codec against RFC 8949's own examples (Appendix A) and the
// refusals docs/spec/wire.md asks for.
#include "net/cbor.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

std::string hex_of(const cbor::Value& v) {
  return cbor::to_hex(cbor::encode(v));
}

cbor::Value decoded(const std::string& hex) {
  auto bytes = cbor::from_hex(hex);
  EXPECT_TRUE(bytes);
  auto v = cbor::decode(*bytes);
  EXPECT_TRUE(v) << hex << ": " << v.error().message;
  return v ? *v : cbor::Value{};
}

// RFC 8949 Appendix A, the items this codec has.
TEST(Cbor, EncodesAndDecodesTheRfcsExamples) {
  using V = cbor::Value;
  const std::pair<V, std::string> cases[] = {
      {V::uint(0), "00"},
      {V::uint(23), "17"},
      {V::uint(24), "1818"},
      {V::uint(100), "1864"},
      {V::uint(1000), "1903e8"},
      {V::uint(1000000), "1a000f4240"},
      {V::uint(1000000000000), "1b000000e8d4a51000"},
      {V::uint(18446744073709551615ull), "1bffffffffffffffff"},
      {V::boolean(false), "f4"},
      {V::boolean(true), "f5"},
      {V{}, "f6"},
      {V::bytes(""), "40"},
      {V::bytes("\x01\x02\x03\x04"), "4401020304"},
      {V::text(""), "60"},
      {V::text("a"), "6161"},
      {V::text("IETF"), "6449455446"},
      {V::text("\"\\"), "62225c"},
      {V::text("\xc3\xbc"), "62c3bc"},
      {V::text("\xe6\xb0\xb4"), "63e6b0b4"},
      {V::array({}), "80"},
      {V::array({V::uint(1), V::array({V::uint(2), V::uint(3)}), V::array({V::uint(4), V::uint(5)})}),
       "8301820203820405"},
      {V::map({}), "a0"},
      {V::map({{V::uint(1), V::uint(2)}, {V::uint(3), V::uint(4)}}), "a201020304"},
      {V::map({{V::text("a"), V::uint(1)}, {V::text("b"), V::array({V::uint(2), V::uint(3)})}}), "a26161016162820203"},
  };
  for (const auto& [value, hex] : cases) {
    EXPECT_EQ(hex_of(value), hex);
    EXPECT_EQ(decoded(hex), value) << hex;
  }
  cbor::Value minus;
  minus.kind = cbor::Value::Kind::negative_int;
  minus.number = 999;  // -1000
  EXPECT_EQ(hex_of(minus), "3903e7");
  EXPECT_EQ(decoded("3903e7"), minus);
}

TEST(Cbor, MapKeysAreWrittenInTheDeterministicOrder) {
  using V = cbor::Value;
  // RFC 8949 §4.2.1: keys sorted by their encoded bytes: 10 (0a) before 100
  // (1864) before -1 (20) before "z" (617a) before "aa" (626161).
  const V m = V::map(
      {{V::text("aa"), V::uint(0)}, {V::text("z"), V::uint(0)}, {V::uint(100), V::uint(0)}, {V::uint(10), V::uint(0)}});
  EXPECT_EQ(hex_of(m), "a40a00186400617a0062616100");
}

TEST(Cbor, RefusesWhatTheWireSpecRefusesNamingTheByte) {
  const std::pair<std::string, std::string> cases[] = {
      {"9f01ff", "byte 0: indefinite lengths are not allowed"},
      {"c100", "byte 0: tags are not used"},
      {"f93c00", "byte 0: floats are not used"},
      {"f0", "simple values other than false, true and null"},
      {"a2000100", "a map longer than what follows"},
      {"1901", "the item ends early"},
      {"a200010002", "byte 3: a map key twice"},
      {"62c328", "text that is not UTF-8"},
      {"63eda080", "text that is not UTF-8"},  // a surrogate
      {"62c0af", "text that is not UTF-8"},    // an overlong '/'
      {"0000", "1 bytes after the item"},
      {"5a00010000", "a string longer than what follows"},
      {"9bffffffffffffffff", "an array longer than what follows"},
      {"1c", "reserved additional information"},
      {"818181818181818100", "nested deeper than 8"},
  };
  for (const auto& [hex, error] : cases) {
    auto v = cbor::decode(*cbor::from_hex(hex));
    ASSERT_FALSE(v) << hex;
    EXPECT_NE(v.error().message.find(error), std::string::npos) << hex << ": " << v.error().message;
  }
  EXPECT_TRUE(cbor::decode(*cbor::from_hex("8181818181818100")));    // 8 deep is allowed
  EXPECT_TRUE(cbor::decode(*cbor::from_hex("1b0000000000000017")));  // a longer form than needed is read
  EXPECT_FALSE(cbor::from_hex("0"));
  EXPECT_FALSE(cbor::from_hex("zz"));
}

}  // namespace
}  // namespace ac
