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

namespace {

// An error in the patched graph's text points at the patch instead, which
// is what the user wrote: the word at the error's place in the patched
// text, found in the patch, gives the column (the patch is one line).
SourceLocation in_patch(const Error& err, const std::string& patched, const std::string& patch, const std::string& from,
                        int number) {
  SourceLocation at{from, static_cast<uint32_t>(number), 1};
  if (!err.where.known()) return at;
  size_t pos = 0;
  for (uint32_t line = 1; line < err.where.line && pos != std::string::npos; ++line) {
    pos = patched.find('\n', pos);
    if (pos != std::string::npos) ++pos;
  }
  if (pos == std::string::npos) return at;
  pos += err.where.column > 0 ? err.where.column - 1 : 0;
  const size_t end = patched.find_first_of(" ,:{}[]\n", pos);
  const std::string word = patched.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  if (const size_t found = word.empty() ? std::string::npos : patch.find(word); found != std::string::npos)
    at.column = static_cast<uint32_t>(found + 1);
  return at;
}

// `{}`, or nothing at all: a patch that changes nothing builds nothing.
bool is_empty_patch(const std::string& patch) {
  const size_t first = patch.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return true;
  const size_t last = patch.find_last_not_of(" \t\r\n");
  const std::string body = patch.substr(first, last - first + 1);
  return body == "{}" || body.find_first_not_of("{} \t") == std::string::npos;
}

}  // namespace

std::string LiveGraph::apply(const std::string& patch_text, const PatchCapabilities& caps, int number) {
  const std::string& from = caps.surface;
  if (is_empty_patch(patch_text)) return "";
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
  auto next = load_graph_text(*patched, path_, registry_);
  if (!next) {
    Error err = next.error();
    err.where = in_patch(err, *patched, patch_text, from, number);
    return err.to_string();
  }
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
