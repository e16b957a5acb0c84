#pragma once
// Paths of the plug-in fixtures and example plug-ins the build made, a
// private AOT cache for the test binary, and a renderer that keeps the
// Plan so tests can ask nodes how they fared.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "graph/plan.h"
#include "render_helpers.h"

namespace ac::test {

inline std::string fixture(const std::string& name) {
  return std::string(AUDIOCLOUD_FIXTURE_DIR) + "/" + name;
}
inline std::string example_plugin(const std::string& name) {
  return std::string(AUDIOCLOUD_PLUGIN_DIR) + "/" + name + ".wasm";
}

// Points the AOT cache at the build tree (once per process).
void use_test_cache();

// The node registry with the plug-in nodes.
NodeRegistry plugin_registry();

struct Rendered {
  Channels channels;
  std::unique_ptr<Plan> plan;  // after the run: nodes keep their state
  std::string fault(const std::string& node_id) const;
};

// Compiles `yaml` for `threads` threads and renders `frames` frames
// (a ParallelExecutor when threads > 1).
Rendered render_plugin_graph(const std::string& yaml, int64_t frames, uint32_t threads = 1);

}  // namespace ac::test
