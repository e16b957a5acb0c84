// What a patch from the network may do (graph/patch_policy.h): paths
// rewritten beneath the allowed directory, escapes refused with the patch's
// position, and the loaded result checked against the running graph however
// the patch was spelled.
#include "graph/patch_policy.h"

#include <gtest/gtest.h>

#include "graph/graph_loader.h"
#include "graph/graph_patch.h"
#include "render_helpers.h"

namespace ac {
namespace {

const std::string kNodes =
    "nodes:\n  s: {type: sine}\n  r: {type: file_recorder, channels: 1, params: {path: /data/r.wav}}\n";
const std::string kRunning = kNodes + "connections:\n  - s.out -> r.in\n";

struct Fixture {
  NodeRegistry registry = test::test_registry();
  Graph running = test::load_or_fail(kRunning, registry);
  PatchCapabilities osc = PatchCapabilities::network("osc", "/srv/allowed");
  Expected<std::string> confine(const std::string& patch, const PatchCapabilities& caps) {
    return confine_patch_paths(patch, caps, registry, running, "osc");
  }
};

TEST(PatchPolicy, TrustedPatchesAndPatchesWithoutFilesPassUnchanged) {
  Fixture f;
  const std::string p = "{add: {x: {type: file_recorder, params: {path: /anywhere.wav}}}}";
  EXPECT_EQ(*f.confine(p, PatchCapabilities::own("stdin")), p);
  const std::string gain = "{add: {g: {type: gain}}, connect: [\"s.out -> g.in\"], set: {s.frequency: 220}}";
  EXPECT_EQ(*f.confine(gain, f.osc), gain);
}

TEST(PatchPolicy, RelativePathsAreRewrittenBeneathTheAllowedDirectory) {
  Fixture f;
  auto p = f.confine("{add: {x: {type: file_recorder, params: {path: takes/x.wav}}}}", f.osc);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_NE(p->find("/srv/allowed/takes/x.wav"), std::string::npos) << *p;
  auto set = f.confine("{set: {r.path: y.wav}}", f.osc);
  ASSERT_TRUE(set) << set.error().to_string();
  EXPECT_NE(set->find("/srv/allowed/y.wav"), std::string::npos) << *set;
}

TEST(PatchPolicy, EscapesAndFilesWithoutPermissionAreRefusedWithThePatchsPosition) {
  Fixture f;
  auto abs = f.confine("{add: {x: {type: file_recorder, params: {path: /etc/x.wav}}}}", f.osc);
  ASSERT_FALSE(abs);
  EXPECT_EQ(abs.error().to_string(),
            "osc:1:48: error: 'x'.path: '/etc/x.wav' is an absolute path; over osc a path is relative to the "
            "--allow-files directory");
  auto up = f.confine("{replace: {r: {type: file_recorder, params: {path: a/../../x.wav}}}}", f.osc);
  ASSERT_FALSE(up);
  EXPECT_NE(up.error().message.find("leads out of the --allow-files directory"), std::string::npos);
  auto none =
      f.confine("{add: {x: {type: file_player, params: {path: x.wav}}}}", PatchCapabilities::network("osc", ""));
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("start the run with --allow-files DIR"), std::string::npos);
}

TEST(PatchPolicy, TheLoadedGraphIsCheckedWhateverThePatchLookedLike) {
  // Whatever spelling got a path past the patch-level rewrite, the loaded
  // graph shows where a new or changed file node would read or write.
  Fixture f;
  auto next = load_graph_text(kNodes + "  x: {type: file_recorder, channels: 1, params: {path: /etc/evil.wav}}\n",
                              "g.yaml", f.registry);
  ASSERT_TRUE(next) << next.error().to_string();
  auto checked = check_patch_capabilities(f.running, *next, f.osc);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().message,
            "'x' (file_recorder): path '/etc/evil.wav' is not beneath the --allow-files directory /srv/allowed");
  auto inside = load_graph_text(
      kNodes + "  x: {type: file_recorder, channels: 1, params: {path: /srv/allowed/a.wav}}\n", "g.yaml", f.registry);
  ASSERT_TRUE(inside);
  auto inside_ok = check_patch_capabilities(f.running, *inside, f.osc);
  EXPECT_TRUE(inside_ok) << inside_ok.error().message;
  EXPECT_FALSE(check_patch_capabilities(f.running, *inside, PatchCapabilities::network("osc", "")));
  // Unchanged file nodes (the graph file's own recorder) are not the patch's doing.
  auto same = load_graph_text(kRunning, "g.yaml", f.registry);
  ASSERT_TRUE(same);
  EXPECT_TRUE(check_patch_capabilities(f.running, *same, f.osc));
}

}  // namespace
}  // namespace ac
