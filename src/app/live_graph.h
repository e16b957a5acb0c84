#pragma once
// The graph a session runs, as the user edits it: its text (so that every
// patch applies to what is running now, and relative paths resolve against
// the graph file's folder), the engine that runs it, and the driver whose
// ports or channels an edit may need. One place turns a patch line from any
// control input (stdin, the control socket, OSC) into a running graph or a
// refusal with the reason. Control thread only.
#include <cstdint>
#include <functional>
#include <string>

#include "graph/engine.h"
#include "graph/node_registry.h"
#include "graph/patch_policy.h"
#include "io/driver.h"

namespace ac {

class LiveGraph {
 public:
  // `source` is the text of graph file `path` that `engine` runs; the
  // graph's timeline starts at media sample `origin`.
  LiveGraph(std::string path, std::string source, int64_t origin, const NodeRegistry& registry, Engine& engine,
            Driver& driver);

  // [control] Applies one patch line (graph/graph_patch.h, or
  // {restore: [id ...]}), patch `number` from a surface with capabilities
  // `caps` (graph/patch_policy.h; caps.surface names it in messages).
  // Returns "" when applied, else why not (the patch's own line and
  // column); a refused patch changes nothing. What the engine and the
  // driver did is printed on stdout.
  std::string apply(const std::string& patch, const PatchCapabilities& caps, int number);
  // [control] A parameter set outside a patch (OSC): kept in the text, so
  // that a later patch does not undo it.
  void note_set(const std::string& node_id, const std::string& param, double value);
  // [control] Called with each node a restore brought back.
  void on_restore(std::function<void(const std::string& id)> hook) { on_restore_ = std::move(hook); }

  const std::string& source() const { return source_; }

 private:
  std::string restore(const std::vector<std::string>& ids);
  std::string path_;
  std::string source_;
  int64_t origin_ = 0;
  const NodeRegistry& registry_;
  Engine& engine_;
  Driver& driver_;
  std::function<void(const std::string&)> on_restore_;
};

}  // namespace ac
