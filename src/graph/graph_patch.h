#pragma once
// Graph edits as small YAML (or JSON) patches, applied to a graph file's
// document: the one control API for changing a running graph (the Engine
// then swaps it in). A patch is a map with any of:
//   add:        {id: {type: ..., params: ...}, ...}   new nodes
//   replace:    {id: {type: ..., params: ...}, ...}   redefine nodes (type, options, values)
//   remove:     [id, ...]                             nodes, with their connections
//   connect:    ["a.out -> b.in", ...]
//   disconnect: ["a.out -> b.in", ...]                as written when connected
//   set:        {node.param: value, ...}              initial values (kept nodes take them at the swap)
// or, alone (it changes no graph):
//   restore:    [id, ...]                             bring back bypassed or failed nodes (Engine::restore)
// e.g.  {add: {g: {type: gain, params: {gain: -6}}}, disconnect: ["s.out -> o.in"], connect: ["s.out -> g.in", "g.out
// -> o.in"]}
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.h"

namespace ac {

// [control] The graph document after `patch`. Errors in the patch name
// `patch_name`:line:column; the result is validated when it is loaded.
// [control] The node ids of a `{restore: [id, ...]}` patch; empty for any
// other patch. `restore` with other operations is an error.
Expected<std::vector<std::string>> restore_request(std::string_view patch_yaml, const std::string& patch_name);

Expected<std::string> apply_graph_patch(std::string_view graph_yaml, std::string_view patch_yaml,
                                        const std::string& patch_name);

}  // namespace ac
