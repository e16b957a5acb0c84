#include "graph/graph_patch.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>

#include "graph/edit_distance.h"
#include "graph/yaml_location.h"

namespace ac {
namespace {

struct PatchError {
  Error error;
};

class Patcher {
 public:
  Patcher(std::string name) : name_(std::move(name)) {}

  std::string apply(std::string_view graph_text, std::string_view patch_text) {
    YAML::Node doc = YAML::Load(std::string(graph_text));
    YAML::Node patch;
    try {
      patch = YAML::Load(std::string(patch_text));
    } catch (const YAML::ParserException& e) {
      fail(e.mark, "invalid YAML in the patch: " + e.msg);
    }
    if (!patch.IsMap()) fail(patch.Mark(), "a patch is a map: {add: ..., remove: [...], connect: [...], ...}");
    static const std::vector<std::string> kOps = {"add", "replace", "remove", "connect", "disconnect", "set"};
    for (auto it = patch.begin(); it != patch.end(); ++it) {
      const std::string op = it->first.Scalar();
      if (op == "restore") fail(it->first.Mark(), "'restore' goes in a patch of its own: it changes no graph");
      if (std::find(kOps.begin(), kOps.end(), op) == kOps.end()) {
        fail(it->first.Mark(), "unknown patch operation '" + op + "'" + did_you_mean(op, kOps) +
                                   " (add, replace, remove, connect, disconnect, set; or restore alone)");
      }
    }
    YAML::Node nodes = doc["nodes"];
    if (!nodes) nodes = doc["nodes"] = YAML::Node(YAML::NodeType::Map);
    YAML::Node conns = doc["connections"];
    if (!conns) conns = doc["connections"] = YAML::Node(YAML::NodeType::Sequence);
    // Removals first, so a patch can remove and re-add an id.
    if (auto r = patch["remove"]) {
      if (!r.IsSequence()) fail(r.Mark(), "'remove' is a list of node ids");
      for (const auto& id : r) remove_node(nodes, conns, id);
    }
    if (auto d = patch["disconnect"]) {
      if (!d.IsSequence()) fail(d.Mark(), "'disconnect' is a list of connections");
      for (const auto& c : d) disconnect(conns, c);
    }
    if (auto a = patch["add"]) define(nodes, a, false);
    if (auto a = patch["replace"]) define(nodes, a, true);
    if (auto c = patch["connect"]) {
      if (!c.IsSequence()) fail(c.Mark(), "'connect' is a list of connections like \"a.out -> b.in\"");
      for (const auto& line : c) conns.push_back(line.Scalar());
    }
    if (auto s = patch["set"]) set_values(nodes, s);
    YAML::Emitter out;
    out << doc;
    return out.c_str();
  }

 private:
  [[noreturn]] void fail(const YAML::Mark& m, const std::string& message) const {
    throw PatchError{make_error(ErrorDomain::graph, message, location_of(m, name_))};
  }

  static std::string squeeze(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c != ' ' && c != '\t') out += c;
    }
    return out;
  }

  std::vector<std::string> ids(const YAML::Node& nodes) const {
    std::vector<std::string> out;
    for (auto it = nodes.begin(); it != nodes.end(); ++it) out.push_back(it->first.Scalar());
    return out;
  }

  void remove_node(YAML::Node& nodes, YAML::Node& conns, const YAML::Node& id_node) {
    const std::string id = id_node.Scalar();
    if (!nodes[id]) fail(id_node.Mark(), "cannot remove '" + id + "': no such node" + did_you_mean(id, ids(nodes)));
    nodes.remove(id);
    YAML::Node kept(YAML::NodeType::Sequence);
    for (const auto& c : conns) {
      const std::string line = squeeze(c.Scalar());
      const size_t arrow = line.find("->");
      auto node_of = [](const std::string& ref) { return ref.substr(0, ref.find_first_of(".[")); };
      if (arrow != std::string::npos &&
          (node_of(line.substr(0, arrow)) == id || node_of(line.substr(arrow + 2)) == id)) {
        continue;
      }
      kept.push_back(c);
    }
    conns = kept;
  }

  void disconnect(YAML::Node& conns, const YAML::Node& c) {
    const std::string want = squeeze(c.Scalar());
    YAML::Node kept(YAML::NodeType::Sequence);
    bool found = false;
    for (const auto& existing : conns) {
      if (!found && squeeze(existing.Scalar()) == want) {
        found = true;
        continue;
      }
      kept.push_back(existing);
    }
    if (!found) fail(c.Mark(), "cannot disconnect '" + c.Scalar() + "': no such connection line in the graph");
    conns = kept;
  }

  void define(YAML::Node& nodes, const YAML::Node& defs, bool replace) {
    if (!defs.IsMap())
      fail(defs.Mark(), std::string("'") + (replace ? "replace" : "add") + "' is a map of node id to {type: ...}");
    for (auto it = defs.begin(); it != defs.end(); ++it) {
      const std::string id = it->first.Scalar();
      const bool exists = static_cast<bool>(nodes[id]);
      if (replace && !exists)
        fail(it->first.Mark(), "cannot replace '" + id + "': no such node" + did_you_mean(id, ids(nodes)));
      if (!replace && exists)
        fail(it->first.Mark(), "cannot add '" + id + "': a node with that id exists (use replace)");
      nodes[id] = it->second;
    }
  }

  void set_values(YAML::Node& nodes, const YAML::Node& sets) {
    if (!sets.IsMap()) fail(sets.Mark(), "'set' is a map of node.param: value");
    for (auto it = sets.begin(); it != sets.end(); ++it) {
      const std::string target = it->first.Scalar();
      const size_t dot = target.find('.');
      if (dot == std::string::npos) fail(it->first.Mark(), "expected 'node.param', got '" + target + "'");
      const std::string id = target.substr(0, dot);
      if (!nodes[id]) fail(it->first.Mark(), "no node '" + id + "'" + did_you_mean(id, ids(nodes)));
      YAML::Node node = nodes[id];
      if (!node["params"]) node["params"] = YAML::Node(YAML::NodeType::Map);
      node["params"][target.substr(dot + 1)] = it->second;
    }
  }

  std::string name_;
};

}  // namespace

Expected<std::vector<std::string>> restore_request(std::string_view patch_yaml, const std::string& patch_name) {
  try {
    const YAML::Node patch = YAML::Load(std::string(patch_yaml));
    if (!patch.IsMap() || !patch["restore"]) return std::vector<std::string>{};
    const YAML::Node r = patch["restore"];
    if (patch.size() != 1) {
      return unexpected(make_error(ErrorDomain::graph, "'restore' goes in a patch of its own: it changes no graph",
                                   location_of(r.Mark(), patch_name)));
    }
    std::vector<std::string> ids;
    if (r.IsScalar()) ids.push_back(r.Scalar());
    if (r.IsSequence())
      for (const auto& id : r) ids.push_back(id.Scalar());
    if (ids.empty() || std::any_of(ids.begin(), ids.end(), [](const std::string& id) { return id.empty(); })) {
      return unexpected(
          make_error(ErrorDomain::graph, "'restore' is a list of node ids", location_of(r.Mark(), patch_name)));
    }
    return ids;
  } catch (const YAML::Exception& e) {
    return unexpected(
        make_error(ErrorDomain::graph, "invalid YAML in the patch: " + e.msg, location_of(e.mark, patch_name)));
  }
}

Expected<std::string> apply_graph_patch(std::string_view graph_yaml, std::string_view patch_yaml,
                                        const std::string& patch_name) {
  try {
    return Patcher(patch_name).apply(graph_yaml, patch_yaml);
  } catch (const PatchError& e) {
    return unexpected(e.error);
  } catch (const YAML::Exception& e) {
    return unexpected(
        make_error(ErrorDomain::graph, "cannot apply the patch: " + e.msg, location_of(e.mark, patch_name)));
  }
}

}  // namespace ac
