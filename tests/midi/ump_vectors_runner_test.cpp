// The UMP vectors as `audiocloud conformance` runs them (midi/ump_vectors.h):
// the project's file passes whole, and a changed word fails its vector.
#include <gtest/gtest.h>

#include <fstream>

#include "midi/ump_vectors.h"

namespace ac::ump {
namespace {

nlohmann::json vectors() {
  std::ifstream in(std::string(AUDIOCLOUD_SOURCE_DIR) + "/conformance/ump/vectors.json");
  return nlohmann::json::parse(in);
}

TEST(UmpVectorsRunner, TheProjectsVectorsPass) {
  const auto v = vectors();
  ASSERT_TRUE(is_ump_vector_file(v));
  const auto outcomes = run_ump_vectors(v);
  EXPECT_EQ(outcomes.size(),
            v["messages"].size() + v["scaling"].size() + v["midi1_to_midi2"].size() + v["midi2_to_midi1"].size());
  for (const auto& o : outcomes) EXPECT_TRUE(o.pass) << o.name << ": " << o.detail;
}

TEST(UmpVectorsRunner, AChangedWordFailsItsVector) {
  const auto v = vectors();
  for (const char* kind : {"messages", "scaling", "midi1_to_midi2", "midi2_to_midi1"}) {
    nlohmann::json one = v[kind][0];
    if (one.contains("words")) one["words"][0] = "00000001";  // a NOOP with a reserved bit
    if (one.contains("result")) one["result"] = "1";
    if (one.contains("midi2") && std::string(kind) == "midi1_to_midi2") one["midi2"][0] = "40903D00";
    if (one.contains("midi1") && std::string(kind) == "midi2_to_midi1") one["midi1"][0] = "20903D01";
    const auto outcomes = run_ump_vectors({{"spec", v["spec"]}, {kind, {one}}});
    ASSERT_EQ(outcomes.size(), 1u) << kind;
    EXPECT_FALSE(outcomes[0].pass) << kind;
  }
  EXPECT_FALSE(is_ump_vector_file(nlohmann::json{{"spec", "docs/spec/wire.md, draft v0"}}));
}

}  // namespace
}  // namespace ac::ump
