// The intent messages and datagrams against conformance/wire/vectors.json,
// whose bytes conformance/wire/generate.py computes with a CBOR encoder of
// its own (independent of this codec).
#include "net/wire_vectors.h"

#include <gtest/gtest.h>

#include <fstream>

#include "net/wire_json.h"
#include "net/wire_message.h"

namespace ac {
namespace {

nlohmann::json vectors() {
  std::ifstream in(std::string(AUDIOCLOUD_SOURCE_DIR) + "/conformance/wire/vectors.json");
  return nlohmann::json::parse(in);
}

TEST(WireVectors, EveryVectorPasses) {
  const auto outcomes = wire::run_wire_vectors(vectors());
  EXPECT_GE(outcomes.size(), 30u);
  for (const auto& o : outcomes) EXPECT_TRUE(o.pass) << o.name << ": " << o.detail;
}

// The runner can fail: one changed byte in each kind of vector is caught.
TEST(WireVectors, AChangedByteFailsItsVector) {
  for (const char* kind : {"valid", "ignored", "datagrams"}) {
    nlohmann::json v = vectors();
    nlohmann::json only = {{kind, nlohmann::json::array({v[kind][0]})}};
    std::string hex = only[kind][0]["hex"];
    hex[3] = hex[3] == '0' ? '1' : '0';  // the second byte: a key or the flow id
    only[kind][0]["hex"] = hex;
    const auto outcomes = wire::run_wire_vectors(only);
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_FALSE(outcomes[0].pass) << kind;
  }
  nlohmann::json v = vectors();
  v["invalid"][0]["code"] = "internal";
  const auto outcomes = wire::run_wire_vectors({{"invalid", {v["invalid"][0]}}});
  EXPECT_FALSE(outcomes[0].pass);
}

// A message too long for one read is refused before any parsing; the
// frame on the stream is the varint length then the item.
TEST(WireMessages, FramesAndLimits) {
  const wire::Keepalive k{1733240000123456789ull};
  const auto framed = wire::frame(k);
  const auto item = wire::encode(k);
  ASSERT_EQ(framed.size(), item.size() + 1);
  EXPECT_EQ(framed[0], item.size());
  std::vector<uint8_t> huge(wire::kMaxMessageBytes + 1, 0);
  const auto d = wire::decode(huge);
  EXPECT_EQ(d.code, wire::ErrorCode::message_too_large);
}

}  // namespace
}  // namespace ac
