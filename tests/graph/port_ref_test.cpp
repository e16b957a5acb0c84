#include "graph/port_ref.h"

#include <gtest/gtest.h>

namespace ac {
namespace {

TEST(PortRef, ParsesNodesPortsAndChannelLists) {
  auto c = parse_connection("synth.out[0] -> mix.in[1]");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->from.node, "synth");
  EXPECT_EQ(c->from.port, "out");
  EXPECT_EQ(*c->from.channels, std::vector<uint32_t>{0});
  EXPECT_EQ(c->to.node, "mix");
  EXPECT_EQ(*c->to.channels, std::vector<uint32_t>{1});

  auto d = parse_connection("a -> b.in[0-2, 5,0]");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_TRUE(d->from.port.empty());
  EXPECT_FALSE(d->from.channels.has_value());
  EXPECT_EQ(*d->to.channels, (std::vector<uint32_t>{0, 1, 2, 5, 0}));
  EXPECT_EQ(d->to.column, 5u);
}

TEST(PortRef, ErrorsPointAtTheBadCharacter) {
  auto e = parse_connection("a.out -> b.in[x]");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().where.column, 14u);
  EXPECT_FALSE(parse_connection("a.out b.in"));
  EXPECT_FALSE(parse_connection("a.out -> b.in -> c.in"));
  EXPECT_FALSE(parse_connection("a.out -> "));
  EXPECT_FALSE(parse_connection("a.out[1 -> b.in"));
  EXPECT_FALSE(parse_connection("a.out[3-1] -> b.in"));
}

}  // namespace
}  // namespace ac
