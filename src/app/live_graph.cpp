#include "app/live_graph.h"

#include <cstdio>

#include "graph/graph_loader.h"
#include "graph/graph_patch.h"

namespace ac {

LiveGraph::LiveGraph(std::string path, std::string source, int64_t origin, const NodeRegistry& registry, Engine& engine,
                     Driver& driver)
    : path_(std::move(path)),
      source_(std::move(source)),
      origin_(origin),
      registry_(registry),
      engine_(engine),
      driver_(driver) {}

std::string LiveGraph::restore(const std::vector<std::string>& ids) {
  std::vector<std::string> done;
  for (const std::string& id : ids) {
    auto did = engine_.restore(id);
    if (!did) return did.error().to_string();
    done.push_back(*did);
    if (on_restore_) on_restore_(id);
  }
  for (const std::string& d : done) std::printf("%s\n", d.c_str());
  std::fflush(stdout);
  return "";
}

std::string LiveGraph::apply(const std::string& patch_text, const PatchCapabilities& caps, int number) {
  const std::string& from = caps.surface;
  auto restores = restore_request(patch_text, from);
  if (!restores) {
    Error err = restores.error();
    err.where.line = static_cast<uint32_t>(number);
    return err.to_string();
  }
  if (!restores->empty()) return restore(*restores);
  // What a surface may not do is refused before anything is built.
  auto patch = confine_patch_paths(patch_text, caps, registry_, engine_.graph(), from);
  if (!patch) {
    Error err = patch.error();
    err.where.line = static_cast<uint32_t>(number);
    return err.to_string();
  }
  auto patched = apply_graph_patch(source_, *patch, from);
  if (!patched) {
    Error err = patched.error();
    err.where.line = static_cast<uint32_t>(number);  // a patch is one line: its line on its input
    return err.to_string();
  }
  // Named after the graph file so relative paths in it resolve the same (a
  // recorder whose path changed would be a new recorder).
  auto next = load_graph_text(*patched, path_ + " (after patch " + std::to_string(++applied_) + ")", registry_);
  if (!next) return next.error().to_string();
  for (TimedEvent& ev : next->events) ev.at.value += origin_;  // the graph's timeline, as at the start
  if (auto allowed = check_patch_capabilities(engine_.graph(), *next, caps); !allowed) {
    Error err = allowed.error();
    err.where = SourceLocation{from, static_cast<uint32_t>(number), 0};
    return err.to_string();
  }
  // What the driver must do for the new graph is checked first, and done
  // once the engine took it; until then (a period at most) new endpoints
  // have no stream and stay silent.
  auto edit = driver_.prepare_edit(*next);
  if (!edit) return edit.error().to_string();
  if (auto ok = engine_.replace(*next); !ok) return ok.error().to_string();
  if (*edit) {
    for (const std::string& line : (*edit)->commit()) std::printf("%s\n", line.c_str());
  }
  for (const std::string& note : engine_.swap_notes()) std::printf("%s\n", note.c_str());
  std::fflush(stdout);
  source_ = std::move(*patched);
  return "";
}

void LiveGraph::note_set(const std::string& node_id, const std::string& param, double value) {
  char patch[512];
  std::snprintf(patch, sizeof patch, "{set: {%s.%s: %.9g}}", node_id.c_str(), param.c_str(), value);
  if (auto patched = apply_graph_patch(source_, patch, "osc")) source_ = std::move(*patched);
}

}  // namespace ac
