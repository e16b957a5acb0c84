#pragma once
// What a patch may do to a running graph, by where it came from
// (docs/security.md). The user's own terminal and the local control socket
// are trusted as the graph file is. A network surface (OSC, and later HTTP
// and the fabric's intent stream) may set parameters, add nodes and connect
// them, but a node that reads or writes files or loads code (any node type
// with a path option: file_player, file_recorder, event_log, wasm) only
// where the run allows it, and then only beneath the allowed directory:
// its paths are written relative to that directory, never absolute, never
// through `..`; core/file_access.h keeps symlinks from leading out when the
// node opens them.
//
// Two checks, both needed: confine_patch_paths() rewrites the patch's own
// paths before it is applied (so the graph's text keeps where the files
// really are), and check_patch_capabilities() checks the loaded result
// against the running graph, however the patch was spelled.
#include <string>
#include <string_view>

#include "core/expected.h"
#include "graph/graph.h"
#include "graph/node_registry.h"

namespace ac {

struct PatchCapabilities {
  std::string surface = "stdin";  // where patches come from, for messages ("osc" ...)
  bool trusted = true;            // the user's own: anything the graph file could do
  // Untrusted: nodes that touch files are allowed beneath this directory
  // (canonical, from confine_files_beneath()); "" forbids them.
  std::string files_root;

  static PatchCapabilities own(std::string surface) { return {std::move(surface), true, {}}; }
  static PatchCapabilities network(std::string surface, std::string files_root) {
    return {std::move(surface), false, std::move(files_root)};
  }
};

// [any] Whether nodes of `type` read or write files or load code.
bool touches_files(const NodeType& type);

// [control] `patch` with the path options it gives (nodes it adds or
// replaces, `set` of a path option of a node in `running`) resolved beneath
// caps.files_root; trusted patches, and patches with no paths, come back
// unchanged. Errors, naming the patch's line and column: a file-touching
// node with no files root, an absolute path, a `..`.
Expected<std::string> confine_patch_paths(std::string_view patch, const PatchCapabilities& caps,
                                          const NodeRegistry& registry, const Graph& running,
                                          const std::string& patch_name);

// [control] An error when `next` (the running graph after the patch) adds
// or changes a file-touching node that `caps` does not allow, or gives one
// a path outside caps.files_root.
Expected<void> check_patch_capabilities(const Graph& running, const Graph& next, const PatchCapabilities& caps);

}  // namespace ac
