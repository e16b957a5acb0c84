#include "graph/graph_patch.h"

#include <gtest/gtest.h>

#include "graph/graph_loader.h"
#include "render_helpers.h"

namespace ac {
namespace {

const char* kGraph = R"(sample_rate: 48000
nodes:
  s: {type: sine, params: {frequency: 440}}
  o: {type: output, channels: 1}
connections:
  - s.out -> o.in
)";

Graph load_patched(const std::string& patch) {
  auto text = apply_graph_patch(kGraph, patch, "patch");
  EXPECT_TRUE(text) << (text ? "" : text.error().to_string());
  if (!text) return {};
  // A Graph points into the registry that loaded it: keep that alive.
  static const NodeRegistry r = test::test_registry();
  auto g = load_graph_text(*text, "patched", r);
  EXPECT_TRUE(g) << (g ? "" : g.error().to_string()) << "\n" << *text;
  return g ? std::move(*g) : Graph{};
}

TEST(GraphPatch, InsertsANodeIntoAPath) {
  const Graph g = load_patched(
      R"({add: {g: {type: gain, params: {gain: -6}}}, disconnect: ["s.out -> o.in"], connect: ["s.out -> g.in", "g.out -> o.in"]})");
  ASSERT_EQ(g.nodes.size(), 3u);
  ASSERT_EQ(g.connections.size(), 2u);
  EXPECT_EQ(g.nodes[g.connections[0].dst_node].id, "g");
  EXPECT_EQ(g.nodes[g.connections[1].dst_node].id, "o");
  EXPECT_FLOAT_EQ(g.nodes[*g.find_node("g")].params[0], -6.0f);
}

TEST(GraphPatch, RemovingANodeRemovesItsConnectionsAndJsonWorks) {
  const Graph g = load_patched(R"({"remove": ["s"]})");
  EXPECT_EQ(g.nodes.size(), 1u);
  EXPECT_TRUE(g.connections.empty());
}

TEST(GraphPatch, ReplaceAndSet) {
  const Graph g = load_patched("replace: {s: {type: saw}}\nset: {s.frequency: 110}\n");
  const GraphNode& s = g.nodes[*g.find_node("s")];
  EXPECT_EQ(s.type->name, "saw");
  EXPECT_FLOAT_EQ(s.params[0], 110.0f);
}

TEST(GraphPatch, ErrorsPointIntoThePatch) {
  auto bad = apply_graph_patch(kGraph, "remove: [s]\ndisconect: [\"s.out -> o.in\"]\n", "stdin");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().to_string().rfind(
                "stdin:2:1: error: unknown patch operation 'disconect', did you mean 'disconnect'?", 0),
            0u)
      << bad.error().to_string();
  auto missing = apply_graph_patch(kGraph, "disconnect: [\"s.out -> x.in\"]\n", "stdin");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().where.line, 1u);
  EXPECT_EQ(missing.error().where.column, 14u);
  EXPECT_FALSE(apply_graph_patch(kGraph, "add: {s: {type: sine}}", "stdin"));
  EXPECT_FALSE(apply_graph_patch(kGraph, "remove: [q]", "stdin"));
  EXPECT_FALSE(apply_graph_patch(kGraph, "{add: [", "stdin"));
}

// `restore` changes no graph: it is a patch of its own, read apart.
TEST(GraphPatch, RestoreIsAPatchOfItsOwn) {
  auto two = restore_request("{restore: [a, b]}", "patch");
  ASSERT_TRUE(two) << two.error().to_string();
  EXPECT_EQ(*two, (std::vector<std::string>{"a", "b"}));
  auto one = restore_request("{restore: a}", "patch");
  ASSERT_TRUE(one);
  EXPECT_EQ(*one, std::vector<std::string>{"a"});
  auto other = restore_request("{set: {s.frequency: 220}}", "patch");
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->empty());
  auto mixed = restore_request("{remove: [s],\n restore: [s]}", "patch");
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.error().where.line, 2u);
  EXPECT_NE(mixed.error().message.find("a patch of its own"), std::string::npos);
  auto empty = restore_request("{restore: []}", "patch");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("a list of node ids"), std::string::npos);
  auto applied = apply_graph_patch(kGraph, "{restore: [s]}", "patch");
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().message.find("a patch of its own"), std::string::npos);
}

}  // namespace
}  // namespace ac
