#include "graph/patch_policy.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "core/file_access.h"
#include "graph/yaml_location.h"

namespace ac {
namespace {

struct PolicyError {
  Error error;
};

const ParamSpec* path_option(const NodeType& type, const std::string& name) {
  for (const ParamSpec& o : type.options) {
    if (o.is_path && o.name == name) return &o;
  }
  return nullptr;
}

// Checks and rewrites the path options of one patch; throws PolicyError.
class Confiner {
 public:
  Confiner(const PatchCapabilities& caps, const NodeRegistry& registry, const Graph& running, std::string name)
      : caps_(caps), registry_(registry), running_(running), name_(std::move(name)) {}

  // Returns whether anything was rewritten.
  bool run(YAML::Node& patch) {
    if (!patch.IsMap()) return false;
    for (const char* op : {"add", "replace"}) {
      YAML::Node defs = patch[op];
      if (!defs || !defs.IsMap()) continue;
      for (auto it = defs.begin(); it != defs.end(); ++it) define(it->first, it->second);
    }
    if (YAML::Node sets = patch["set"]; sets && sets.IsMap()) {
      for (auto it = sets.begin(); it != sets.end(); ++it) set(patch, it->first, it->second);
    }
    return changed_;
  }

 private:
  [[noreturn]] void fail(const YAML::Mark& m, const std::string& message) const {
    throw PolicyError{make_error(ErrorDomain::graph, message, location_of(m, name_))};
  }

  void refuse_files(const YAML::Mark& m, const std::string& id, const std::string& type) const {
    fail(m, "a patch over " + caps_.surface + " may not add or change '" + id + "' (" + type +
                "): it reads or writes files or loads code; start the run with --allow-files DIR to allow that "
                "beneath DIR (docs/security.md)");
  }

  // A path as written in the patch, made absolute beneath the files root.
  void confine(YAML::Node value, const std::string& owner) {
    if (!value.IsScalar()) return;  // the loader says what is wrong with it
    const std::string written = value.Scalar();
    if (written.empty()) return;
    if (written[0] == '/')
      fail(value.Mark(), owner + ": '" + written + "' is an absolute path; over " + caps_.surface +
                             " a path is relative to the --allow-files directory");
    if (!is_plain_relative_path(written))
      fail(value.Mark(), owner + ": '" + written + "' leads out of the --allow-files directory ('..')");
    value = caps_.files_root + "/" + written;
    changed_ = true;
  }

  void define(const YAML::Node& id, YAML::Node body) {
    if (!body.IsMap() || !body["type"] || !body["type"].IsScalar()) return;
    const NodeType* type = registry_.find(body["type"].Scalar());
    if (!type || !touches_files(*type)) return;
    if (caps_.files_root.empty()) refuse_files(id.Mark(), id.Scalar(), type->name);
    YAML::Node params = body["params"];
    if (!params || !params.IsMap()) return;
    for (const ParamSpec& o : type->options) {
      if (o.is_path && params[o.name]) confine(params[o.name], "'" + id.Scalar() + "'." + o.name);
    }
  }

  // {set: {id.option: value}} can set an option too.
  void set(const YAML::Node& patch, const YAML::Node& key, YAML::Node value) {
    const std::string target = key.Scalar();
    const size_t dot = target.find('.');
    if (dot == std::string::npos) return;
    const std::string id = target.substr(0, dot), option = target.substr(dot + 1);
    const NodeType* type = type_of(patch, id);
    if (!type || !path_option(*type, option)) return;
    if (caps_.files_root.empty()) refuse_files(key.Mark(), id, type->name);
    confine(value, "'" + target + "'");
  }

  const NodeType* type_of(const YAML::Node& patch, const std::string& id) const {
    for (const char* op : {"add", "replace"}) {
      const YAML::Node defs = patch[op];
      if (defs && defs.IsMap() && defs[id] && defs[id].IsMap() && defs[id]["type"] && defs[id]["type"].IsScalar())
        return registry_.find(defs[id]["type"].Scalar());
    }
    for (const GraphNode& n : running_.nodes) {
      if (n.id == id) return n.type;
    }
    return nullptr;
  }

  const PatchCapabilities& caps_;
  const NodeRegistry& registry_;
  const Graph& running_;
  std::string name_;
  bool changed_ = false;
};

}  // namespace

bool touches_files(const NodeType& type) {
  return std::any_of(type.options.begin(), type.options.end(), [](const ParamSpec& o) { return o.is_path; });
}

Expected<std::string> confine_patch_paths(std::string_view patch, const PatchCapabilities& caps,
                                          const NodeRegistry& registry, const Graph& running,
                                          const std::string& patch_name) {
  if (caps.trusted) return std::string(patch);
  try {
    YAML::Node doc = YAML::Load(std::string(patch));
    if (!Confiner(caps, registry, running, patch_name).run(doc)) return std::string(patch);
    YAML::Emitter out;
    out << YAML::Flow << doc;
    return std::string(out.c_str());
  } catch (const PolicyError& e) {
    return unexpected(e.error);
  } catch (const YAML::Exception&) {
    return std::string(patch);  // the patcher reports the YAML error, with its position
  }
}

Expected<void> check_patch_capabilities(const Graph& running, const Graph& next, const PatchCapabilities& caps) {
  if (caps.trusted) return {};
  for (const GraphNode& n : next.nodes) {
    if (!touches_files(*n.type)) continue;
    const auto was =
        std::find_if(running.nodes.begin(), running.nodes.end(), [&](const GraphNode& r) { return r.id == n.id; });
    if (was != running.nodes.end() && was->type == n.type && was->options == n.options) continue;
    const std::string who = "'" + n.id + "' (" + n.type->name + ")";
    if (caps.files_root.empty())
      return unexpected(make_error(ErrorDomain::graph, "a patch over " + caps.surface + " may not add or change " +
                                                           who + ": it reads or writes files or loads code"));
    for (const ParamSpec& o : n.type->options) {
      if (!o.is_path) continue;
      const std::string path = n.options.text(o.name);
      const std::string prefix = caps.files_root + "/";
      if (path.rfind(prefix, 0) != 0 || !is_plain_relative_path(path.substr(prefix.size())))
        return unexpected(make_error(
            ErrorDomain::graph,
            who + ": " + o.name + " '" + path + "' is not beneath the --allow-files directory " + caps.files_root));
    }
  }
  return {};
}

}  // namespace ac
