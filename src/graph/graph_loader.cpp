#include "graph/graph_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include "graph/edit_distance.h"
#include "graph/graph_file_text.h"
#include "graph/port_ref.h"
#include "graph/time_spec.h"
#include "graph/yaml_location.h"

namespace ac {
namespace {

// Thrown inside this file only, to unwind from deep inside the YAML walk;
// load_graph_text turns it into an Expected. Never crosses the layer.
struct LoadError {
  Error error;
};

class Loader {
 public:
  Loader(std::string_view text, std::string file, const NodeRegistry& registry, const GraphOverrides& overrides)
      : text_(text), file_(std::move(file)), registry_(registry), overrides_(overrides) {
    const size_t slash = file_.rfind('/');
    if (slash != std::string::npos) base_dir_ = file_.substr(0, slash + 1);
  }

  Graph load();

 private:
  SourceLocation at(const YAML::Node& n, size_t extra_columns = 0) const;
  SourceLocation at_scalar_char(const YAML::Node& n, size_t offset) const;
  [[noreturn]] void fail(const SourceLocation& where, const std::string& message) const {
    throw LoadError{make_error(ErrorDomain::graph, message, where)};
  }
  std::string scalar(const YAML::Node& n, const std::string& what) const;
  double number(const YAML::Node& n, const std::string& what, double min, double max) const;
  void load_clock(const YAML::Node& v);
  int64_t time_point(const YAML::Node& n) const;
  int64_t duration(const YAML::Node& n) const;

  void load_header(const YAML::Node& root);
  void load_nodes(const YAML::Node& nodes);
  void load_node(const std::string& id, const YAML::Node& key, const YAML::Node& body);
  const NodeType* node_type(const std::string& id, const YAML::Node& key, const YAML::Node& body) const;
  std::set<std::string> load_options(GraphNode& node, const YAML::Node& key, const YAML::Node& body,
                                     const std::string& owner) const;
  void load_layout(GraphNode& node, const YAML::Node& body, const std::string& owner) const;
  void load_params(GraphNode& node, const YAML::Node& params, const std::set<std::string>& used,
                   const std::string& owner) const;
  NodeBudget load_budget(const YAML::Node& b, const std::string& id) const;
  void load_connections(const YAML::Node& list);
  void load_connection(const YAML::Node& item);
  struct ResolvedRef;
  void load_event_connection(const ResolvedRef& from, const ResolvedRef& to, const YAML::Node& item);
  void load_events(const YAML::Node& list);
  void load_event(const YAML::Node& item);

  // Parses a parameter value against its spec.
  double param_number(const YAML::Node& v, const ParamSpec& spec, const std::string& owner) const;
  std::string param_choice(const YAML::Node& v, const ParamSpec& spec, const std::string& owner) const;

  struct ResolvedRef {
    uint32_t node;
    uint32_t port;  // into the audio or the event ports
    std::vector<uint32_t> channels;
    bool events = false;  // an event port
  };
  ResolvedRef resolve(const PortRef& ref, bool input, const YAML::Node& item);
  // "node.param" → (node, param id)
  std::pair<uint32_t, ParamId> resolve_param(const YAML::Node& n, const std::string& who = "event");
  // Options naming another node's parameter ("node.param"), once all nodes exist.
  void resolve_param_targets(const YAML::Node& nodes);

  TimeContext time_context() const { return TimeContext{graph_.sample_rate, graph_.tempo_bpm, graph_.beats_per_bar}; }

  std::string_view text_;
  std::string file_;
  std::string base_dir_;  // relative paths in the graph resolve against it
  const NodeRegistry& registry_;
  GraphOverrides overrides_;
  // Lookups by id and duplicate checks in O(1)/O(log n): a graph of 100k
  // nodes must load in about a second, not scan the nodes per connection.
  std::unordered_map<std::string, uint32_t> node_index_;
  using ConnectionKey = std::tuple<uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t>;
  std::map<ConnectionKey, uint32_t> connection_lines_;
  std::optional<uint32_t> find_node(const std::string& id) const {
    const auto it = node_index_.find(id);
    return it == node_index_.end() ? std::nullopt : std::optional<uint32_t>(it->second);
  }
  Graph graph_;
};

SourceLocation Loader::at(const YAML::Node& n, size_t extra_columns) const {
  const YAML::Mark m = n.Mark();
  SourceLocation w;
  w.file = file_;
  if (m.line >= 0) {
    w.line = static_cast<uint32_t>(m.line + 1);
    w.column = static_cast<uint32_t>(m.column + 1) + static_cast<uint32_t>(extra_columns);
  }
  return w;
}

// Location of character `offset` of a scalar's value, skipping an opening
// quote when the scalar is quoted in the source.
SourceLocation Loader::at_scalar_char(const YAML::Node& n, size_t offset) const {
  const YAML::Mark m = n.Mark();
  size_t skip = 0;
  if (m.pos >= 0 && static_cast<size_t>(m.pos) < text_.size()) {
    const char c = text_[static_cast<size_t>(m.pos)];
    if (c == '"' || c == '\'') skip = 1;
  }
  return at(n, offset + skip);
}

std::string Loader::scalar(const YAML::Node& n, const std::string& what) const {
  if (!n.IsScalar()) fail(at(n), "expected " + what);
  return n.Scalar();
}

double Loader::number(const YAML::Node& n, const std::string& what, double min, double max) const {
  const std::string s = scalar(n, what);
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || !std::isfinite(v)) {
    fail(at(n), "expected " + what + ", got '" + s + "'");
  }
  if (v < min || v > max) {
    std::ostringstream m;
    m << what << " must be in " << min << " .. " << max << ", got " << s;
    fail(at(n), m.str());
  }
  return v;
}

int64_t Loader::time_point(const YAML::Node& n) const {
  auto t = parse_time_point(scalar(n, "a time"), time_context());
  if (!t) fail(at(n), t.error().message);
  return *t;
}

int64_t Loader::duration(const YAML::Node& n) const {
  auto t = parse_duration(scalar(n, "a duration"), time_context());
  if (!t) fail(at(n), t.error().message);
  return *t;
}

Graph Loader::load() {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text_));
  } catch (const YAML::ParserException& e) {
    fail(location_of(e.mark, file_), "invalid YAML: " + e.msg);
  }
  graph_.file = file_;
  if (!root.IsMap()) {
    SourceLocation w = at(root);
    if (!w.known()) {
      w.line = 1;
      w.column = 1;
    }
    fail(w, "a graph file is a YAML map with 'sample_rate', 'nodes', 'connections' ...");
  }
  load_header(root);
  if (root["nodes"]) load_nodes(root["nodes"]);
  if (graph_.nodes.empty()) fail(at(root), "the graph has no nodes: add a 'nodes:' map");
  resolve_param_targets(root["nodes"]);
  if (root["connections"]) load_connections(root["connections"]);
  if (root["events"]) load_events(root["events"]);
  std::stable_sort(graph_.events.begin(), graph_.events.end(),
                   [](const TimedEvent& a, const TimedEvent& b) { return a.at < b.at; });
  return std::move(graph_);
}

void Loader::load_header(const YAML::Node& root) {
  static const std::vector<std::string> kKeys = {"audiocloud",  "description",    "sample_rate", "block_size",
                                                 "tempo",       "time_signature", "duration",    "nodes",
                                                 "connections", "events",         "clock"};
  std::set<std::string> seen;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string key = scalar(it->first, "a key");
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      fail(at(it->first), "unknown key '" + key + "'" + did_you_mean(key, kKeys) +
                              " (top-level keys: audiocloud, description, sample_rate, block_size, "
                              "tempo, time_signature, duration, clock, nodes, connections, events)");
    }
    if (!seen.insert(key).second) fail(at(it->first), "duplicate key '" + key + "'");
  }
  if (auto v = root["audiocloud"]) {
    if (scalar(v, "a format version") != "1") {
      fail(at(v), "unsupported graph format version '" + v.Scalar() + "' (this build reads 1)");
    }
  }
  if (auto v = root["sample_rate"]) graph_.sample_rate = number(v, "sample_rate (Hz)", 8000, 768000);
  if (auto v = root["block_size"]) {
    const double b = number(v, "block_size (frames)", 1, 4096);
    if (b != std::floor(b)) fail(at(v), "block_size must be a whole number of frames");
    graph_.block_size = static_cast<FrameCount>(b);
  }
  if (overrides_.sample_rate) graph_.sample_rate = *overrides_.sample_rate;
  if (overrides_.block_size) graph_.block_size = *overrides_.block_size;
  if (auto v = root["tempo"]) graph_.tempo_bpm = number(v, "tempo (beats per minute)", 1, 999);
  if (auto v = root["time_signature"]) {
    const std::string s = scalar(v, "a time signature like 4/4");
    unsigned num = 0, den = 0;
    char slash = 0;
    std::istringstream in(s);
    if (!(in >> num >> slash >> den) || slash != '/' || num < 1 || num > 64 ||
        (den != 1 && den != 2 && den != 4 && den != 8 && den != 16)) {
      fail(at(v), "expected a time signature like 4/4, got '" + s + "'");
    }
    graph_.beats_per_bar = num;
  }
  if (auto v = root["duration"]) graph_.duration_frames = duration(v);
  if (auto v = root["clock"]) load_clock(v);
}

// `clock: internal` (the driver's own sample count, the default),
// `clock: ptp`, or `clock: {source: ptp, domain: 0..127, profile: aes67|default}`.
void Loader::load_clock(const YAML::Node& v) {
  graph_.clock.where = at(v);
  auto source = [&](const YAML::Node& n) {
    const std::string s = scalar(n, "a clock source (internal or ptp)");
    if (s == "internal") return GraphClock::Source::internal;
    if (s == "ptp") return GraphClock::Source::ptp;
    fail(at(n), "unknown clock source '" + s + "' (expected internal or ptp)");
  };
  if (!v.IsMap()) {
    graph_.clock.source = source(v);
    return;
  }
  static const std::vector<std::string> kKeys = {"source", "domain", "profile"};
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string key = scalar(it->first, "a key");
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end())
      fail(at(it->first),
           "unknown clock key '" + key + "'" + did_you_mean(key, kKeys) + " (keys: source, domain, profile)");
  }
  if (!v["source"]) fail(at(v), "'clock' needs a 'source' (internal or ptp)");
  graph_.clock.source = source(v["source"]);
  if (auto d = v["domain"]) {
    const double x = number(d, "a PTP domain", 0, 127);
    if (x != std::floor(x)) fail(at(d), "a PTP domain is a whole number 0..127");
    graph_.clock.domain = static_cast<uint8_t>(x);
  }
  if (auto p = v["profile"]) {
    const std::string s = scalar(p, "a PTP profile (aes67 or default)");
    if (s != "aes67" && s != "default") fail(at(p), "unknown PTP profile '" + s + "' (expected aes67 or default)");
    graph_.clock.profile = s;
  }
}

void Loader::load_nodes(const YAML::Node& nodes) {
  if (!nodes.IsMap()) fail(at(nodes), "'nodes' is a map of node id to {type: ..., params: ...}");
  for (auto it = nodes.begin(); it != nodes.end(); ++it) {
    const std::string id = scalar(it->first, "a node id");
    for (char c : id) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
        fail(at(it->first), "node id '" + id + "' may use only letters, digits, '_' and '-'");
      }
    }
    if (auto prev = find_node(id)) {
      fail(at(it->first), "duplicate node id '" + id + "' (first defined at line " +
                              std::to_string(graph_.nodes[*prev].where.line) + ")");
    }
    load_node(id, it->first, it->second);
    node_index_.emplace(id, static_cast<uint32_t>(graph_.nodes.size() - 1));
  }
}

double Loader::param_number(const YAML::Node& v, const ParamSpec& spec, const std::string& owner) const {
  const std::string s = scalar(v, "a number for '" + spec.name + "'");
  double x = 0;
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, x);
  std::string unit;
  if (r.ec == std::errc{}) {
    for (const char* p = r.ptr; p < end; ++p) {
      if (*p != ' ') unit += static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
    }
  }
  std::string spec_unit = spec.unit;
  std::transform(spec_unit.begin(), spec_unit.end(), spec_unit.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (r.ec != std::errc{} || !std::isfinite(x) || (!unit.empty() && unit != spec_unit)) {
    fail(at(v), "parameter '" + spec.name + "' of " + owner + " expects a number" +
                    (spec.unit.empty() ? "" : " in " + spec.unit) + " (" + spec.describe_range() + "), got '" + s +
                    "'");
  }
  if (spec.kind == ParamKind::integer && x != std::floor(x)) {
    fail(at(v), "parameter '" + spec.name + "' of " + owner + " must be a whole number (" + spec.describe_range() +
                    "), got '" + s + "'");
  }
  if (x < spec.min || x > spec.max) {
    fail(at(v),
         "parameter '" + spec.name + "' of " + owner + " is " + s + ", outside its range " + spec.describe_range());
  }
  return x;
}

std::string Loader::param_choice(const YAML::Node& v, const ParamSpec& spec, const std::string& owner) const {
  const std::string s = scalar(v, "a value for '" + spec.name + "'");
  if (std::find(spec.choices.begin(), spec.choices.end(), s) == spec.choices.end()) {
    fail(at(v), "parameter '" + spec.name + "' of " + owner + " is '" + s + "'" + did_you_mean(s, spec.choices) +
                    "; expected " + spec.describe_range());
  }
  return s;
}

const NodeType* Loader::node_type(const std::string& id, const YAML::Node& key, const YAML::Node& body) const {
  if (!body.IsMap()) fail(at(body.IsNull() ? key : body), "node '" + id + "' needs a map with 'type:'");
  static const std::vector<std::string> kNodeKeys = {"type", "channels", "params", "budget"};
  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string k = scalar(it->first, "a key");
    if (std::find(kNodeKeys.begin(), kNodeKeys.end(), k) == kNodeKeys.end()) {
      fail(at(it->first), "unknown key '" + k + "' in node '" + id + "'" + did_you_mean(k, kNodeKeys) +
                              " (a node has type, channels, params)");
    }
  }
  const YAML::Node type_node = body["type"];
  if (!type_node) fail(at(key), "node '" + id + "' has no 'type:'");
  const std::string type_name = scalar(type_node, "a node type name");
  const NodeType* type = registry_.find(type_name);
  if (!type) {
    const std::string near = registry_.closest(type_name);
    fail(at(type_node), "unknown node type '" + type_name + "'" +
                            (near.empty() ? "" : ", did you mean '" + near + "'?") +
                            " (`audiocloud nodes` lists them)");
  }
  return type;
}

// Options first: they decide the layout and with it the automatable
// params. Returns the names given in the file.
std::set<std::string> Loader::load_options(GraphNode& node, const YAML::Node& key, const YAML::Node& body,
                                           const std::string& owner) const {
  const YAML::Node params = body["params"];
  std::set<std::string> used;
  for (const ParamSpec& opt : node.type->options) {
    // A YAML::Node assigned to another copies content; optional rebinds.
    std::optional<YAML::Node> v;
    if (opt.name == "channels" && body["channels"]) v.emplace(body["channels"]);
    if (params && params[opt.name]) {
      if (v) fail(at(params[opt.name]), "'channels' of '" + node.id + "' is given twice");
      v.emplace(params[opt.name]);
    }
    if (v) used.insert(opt.name);
    switch (opt.kind) {
      case ParamKind::number:
      case ParamKind::integer:
        node.options.set_number(opt.name, v ? param_number(*v, opt, owner) : opt.default_value);
        break;
      case ParamKind::choice:
        node.options.set_text(opt.name, v ? param_choice(*v, opt, owner) : opt.default_text);
        break;
      case ParamKind::text: {
        if (!v && opt.required)
          fail(at(key), "node " + owner + " needs parameter '" + opt.name + "' (" + opt.help + ")");
        std::string t = v ? scalar(*v, "text for '" + opt.name + "'") : opt.default_text;
        if (opt.is_path && !t.empty() && t[0] != '/') t = base_dir_ + t;
        node.options.set_text(opt.name, std::move(t));
        break;
      }
    }
  }
  if (body["channels"] && !used.count("channels")) {
    fail(at(body["channels"]), "node type '" + node.type->name + "' has a fixed channel layout");
  }
  return used;
}

void Loader::load_layout(GraphNode& node, const YAML::Node& body, const std::string& owner) const {
  const YAML::Node params = body["params"];
  auto layout = node.type->layout(node.options);
  if (!layout) {
    // Layout errors come from files the options name: point at the path.
    YAML::Node where = body["type"];
    for (const ParamSpec& opt : node.type->options) {
      if (opt.is_path && params && params[opt.name]) where = params[opt.name];
    }
    fail(at(where), "node " + owner + ": " + layout.error().message);
  }
  node.layout = std::move(*layout);
  node.params.reserve(node.layout.params.size());
  for (const ParamSpec& p : node.layout.params) node.params.push_back(static_cast<float>(p.default_value));
}

void Loader::load_params(GraphNode& node, const YAML::Node& params, const std::set<std::string>& used,
                         const std::string& owner) const {
  if (!params) return;
  for (auto it = params.begin(); it != params.end(); ++it) {
    const std::string name = scalar(it->first, "a parameter name");
    if (used.count(name)) continue;
    auto found = std::find_if(node.layout.params.begin(), node.layout.params.end(),
                              [&](const ParamSpec& p) { return p.name == name; });
    if (found == node.layout.params.end()) {
      std::vector<std::string> names;
      for (const auto& o : node.type->options) names.push_back(o.name);
      for (const auto& p : node.layout.params) names.push_back(p.name);
      std::string list;
      for (size_t i = 0; i < names.size(); ++i) list += (i ? ", " : "") + names[i];
      fail(at(it->first), "node " + owner + " has no parameter '" + name + "'" + did_you_mean(name, names) +
                              (names.empty() ? " (it takes none)" : " (it has: " + list + ")"));
    }
    const auto pid = static_cast<size_t>(found - node.layout.params.begin());
    node.params[pid] = static_cast<float>(param_number(it->second, *found, owner));
  }
}

void Loader::load_node(const std::string& id, const YAML::Node& key, const YAML::Node& body) {
  GraphNode node;
  node.id = id;
  node.type = node_type(id, key, body);
  node.where = at(key);
  const std::string owner = "'" + id + "' (" + node.type->name + ")";
  const YAML::Node params = body["params"];
  if (params && !params.IsMap()) fail(at(params), "'params' of node '" + id + "' is a map of name: value");
  const std::set<std::string> used = load_options(node, key, body, owner);
  load_layout(node, body, owner);
  load_params(node, params, used, owner);
  if (const YAML::Node b = body["budget"]) node.budget = load_budget(b, id);
  graph_.nodes.push_back(std::move(node));
}

// budget: {share: 25%, after: 8, bypass: pass|silence}
NodeBudget Loader::load_budget(const YAML::Node& b, const std::string& id) const {
  if (!b.IsMap()) fail(at(b), "'budget' of '" + id + "' is a map: {share: 25%, after: 8, bypass: pass}");
  static const std::vector<std::string> kKeys = {"share", "after", "bypass"};
  for (auto it = b.begin(); it != b.end(); ++it) {
    const std::string k = scalar(it->first, "a key");
    if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end()) {
      fail(at(it->first), "unknown key '" + k + "' in a budget" + did_you_mean(k, kKeys) + " (share, after, bypass)");
    }
  }
  NodeBudget out;
  if (const YAML::Node v = b["share"]) {
    std::string text = scalar(v, "a share of the block period, e.g. 25% or 0.25");
    double scale = 1.0;
    if (!text.empty() && text.back() == '%') {
      text.pop_back();
      scale = 0.01;
    }
    double x = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), x);
    if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || x * scale <= 0.0 || x * scale > 1.0) {
      fail(at(v), "a budget share is a part of the block period in (0, 1] or (0%, 100%], got '" + v.Scalar() + "'");
    }
    out.share = x * scale;
  }
  if (const YAML::Node v = b["after"])
    out.after = static_cast<uint32_t>(number(v, "'after' (blocks in a row)", 1, 100000));
  if (const YAML::Node v = b["bypass"]) {
    const std::string mode = scalar(v, "pass or silence");
    if (mode != "pass" && mode != "silence") fail(at(v), "'bypass' is pass or silence, got '" + mode + "'");
    out.pass_through = mode == "pass";
  }
  return out;
}

Loader::ResolvedRef Loader::resolve(const PortRef& ref, bool input, const YAML::Node& item) {
  const SourceLocation where = at_scalar_char(item, ref.column);
  auto idx = find_node(ref.node);
  if (!idx) {
    std::vector<std::string> ids;
    for (const auto& n : graph_.nodes) ids.push_back(n.id);
    fail(where, "connection names unknown node '" + ref.node + "'" + did_you_mean(ref.node, ids));
  }
  const GraphNode& n = graph_.nodes[*idx];
  // Audio ports first, then event ports: one namespace of port names.
  const auto& audio = input ? n.layout.inputs : n.layout.outputs;
  const auto& event = input ? n.layout.event_inputs : n.layout.event_outputs;
  const char* kind = input ? "input" : "output";
  std::vector<std::string> names;
  for (const auto& p : audio) names.push_back(p.name);
  for (const auto& p : event) names.push_back(p.name);
  std::string list;
  for (size_t i = 0; i < names.size(); ++i) list += (i ? ", " : "") + names[i];
  if (names.empty()) fail(where, "node '" + n.id + "' (" + n.type->name + ") has no " + kind + " ports");
  uint32_t index = 0;
  if (ref.port.empty()) {
    if (names.size() != 1) {
      fail(where, "node '" + n.id + "' has several " + kind + " ports (" + list + "); name one, e.g. '" + n.id + "." +
                      names[0] + "'");
    }
  } else {
    auto it = std::find(names.begin(), names.end(), ref.port);
    if (it == names.end()) {
      fail(where, "node '" + n.id + "' (" + n.type->name + ") has no " + kind + " port '" + ref.port + "'" +
                      did_you_mean(ref.port, names) + " (its " + kind + "s: " + list + ")");
    }
    index = static_cast<uint32_t>(it - names.begin());
  }
  if (index >= audio.size()) {
    const auto port = static_cast<uint32_t>(index - audio.size());
    if (ref.channels) {
      fail(where, "'" + n.id + "." + event[port].name + "' is an event port: it has no channels to select");
    }
    return ResolvedRef{*idx, port, {}, true};
  }
  const uint32_t port = index;
  const auto& ports = audio;
  ResolvedRef r{*idx, port, {}};
  const uint32_t count = ports[port].channels;
  if (ref.channels) {
    for (uint32_t c : *ref.channels) {
      if (c >= count) {
        fail(where, "'" + n.id + "." + ports[port].name + "' has " + std::to_string(count) + " channel" +
                        (count == 1 ? "" : "s") + " (0.." + std::to_string(count - 1) + "), there is no channel " +
                        std::to_string(c));
      }
    }
    r.channels = *ref.channels;
  } else {
    for (uint32_t c = 0; c < count; ++c) r.channels.push_back(c);
  }
  return r;
}

void Loader::load_connections(const YAML::Node& list) {
  if (!list.IsSequence()) fail(at(list), "'connections' is a list of 'source.port -> dest.port' lines");
  for (const auto& item : list) load_connection(item);
}

void Loader::load_connection(const YAML::Node& item) {
  const std::string text = scalar(item, "a connection 'source.port -> dest.port'");
  auto parsed = parse_connection(text);
  if (!parsed) fail(at_scalar_char(item, parsed.error().where.column), parsed.error().message);
  const ResolvedRef from = resolve(parsed->from, false, item);
  const ResolvedRef to = resolve(parsed->to, true, item);
  if (from.events || to.events) {
    load_event_connection(from, to, item);
    return;
  }
  if (from.channels.size() != to.channels.size()) {
    const auto& sp = graph_.nodes[from.node].layout.outputs[from.port];
    const auto& dp = graph_.nodes[to.node].layout.inputs[to.port];
    auto plural = [](size_t n) { return std::to_string(n) + (n == 1 ? " channel" : " channels"); };
    std::string hint = graph_.nodes[from.node].id + "." + sp.name + "[";
    for (size_t i = 0; i < to.channels.size(); ++i) {
      hint += (i ? "," : "") + std::to_string(from.channels[std::min(i, from.channels.size() - 1)]);
    }
    hint += "] -> " + graph_.nodes[to.node].id + "." + dp.name;
    fail(at(item), "channel-count mismatch: the source side has " + plural(from.channels.size()) +
                       ", the destination side " + plural(to.channels.size()) + "; select channels explicitly, e.g. '" +
                       hint + "'");
  }
  for (size_t i = 0; i < from.channels.size(); ++i) {
    Connection c;
    c.src_node = from.node;
    c.src_port = from.port;
    c.src_channel = from.channels[i];
    c.dst_node = to.node;
    c.dst_port = to.port;
    c.dst_channel = to.channels[i];
    c.where = at(item);
    const ConnectionKey key{c.src_node, c.src_port, c.src_channel, c.dst_node, c.dst_port, c.dst_channel};
    if (const auto [it, fresh] = connection_lines_.emplace(key, c.where.line); !fresh) {
      fail(c.where, "duplicate connection " + graph_.channel_name(c.src_node, c.src_port, c.src_channel, false) +
                        " -> " + graph_.channel_name(c.dst_node, c.dst_port, c.dst_channel, true) +
                        " (already made at line " + std::to_string(it->second) + ")");
    }
    graph_.connections.push_back(c);
  }
}

void Loader::load_event_connection(const ResolvedRef& from, const ResolvedRef& to, const YAML::Node& item) {
  if (!from.events || !to.events) {
    const std::string audio =
        from.events ? graph_.nodes[to.node].id + "." + graph_.nodes[to.node].layout.inputs[to.port].name
                    : graph_.nodes[from.node].id + "." + graph_.nodes[from.node].layout.outputs[from.port].name;
    const std::string event = from.events ? graph_.event_port_name(from.node, from.port, false)
                                          : graph_.event_port_name(to.node, to.port, true);
    fail(at(item),
         "'" + event + "' is an event port and '" + audio + "' an audio port; event ports connect only to event ports");
  }
  EventConnection c;
  c.src_node = from.node;
  c.src_port = from.port;
  c.dst_node = to.node;
  c.dst_port = to.port;
  c.where = at(item);
  for (const EventConnection& e : graph_.event_connections) {
    if (std::tie(e.src_node, e.src_port, e.dst_node, e.dst_port) ==
        std::tie(c.src_node, c.src_port, c.dst_node, c.dst_port)) {
      fail(c.where, "duplicate connection " + graph_.event_port_name(c.src_node, c.src_port, false) + " -> " +
                        graph_.event_port_name(c.dst_node, c.dst_port, true) + " (already made at line " +
                        std::to_string(e.where.line) + ")");
    }
  }
  graph_.event_connections.push_back(c);
}

std::pair<uint32_t, ParamId> Loader::resolve_param(const YAML::Node& n, const std::string& who) {
  const std::string s = scalar(n, "'node.parameter'");
  const size_t dot = s.find('.');
  if (dot == std::string::npos) fail(at(n), "expected 'node.parameter', got '" + s + "'");
  const std::string id = s.substr(0, dot);
  const std::string name = s.substr(dot + 1);
  auto idx = find_node(id);
  if (!idx) {
    std::vector<std::string> ids;
    for (const auto& g : graph_.nodes) ids.push_back(g.id);
    fail(at(n), who + " names unknown node '" + id + "'" + did_you_mean(id, ids));
  }
  const GraphNode& node = graph_.nodes[*idx];
  for (ParamId p = 0; p < node.layout.params.size(); ++p) {
    if (node.layout.params[p].name == name) return {*idx, p};
  }
  for (const auto& o : node.type->options) {
    if (o.name == name) {
      fail(at_scalar_char(n, dot + 1),
           "parameter '" + name + "' of '" + id + "' is fixed when the node is created; " + who + "s cannot change it");
    }
  }
  std::vector<std::string> names;
  for (const auto& p : node.layout.params) names.push_back(p.name);
  fail(at_scalar_char(n, dot + 1),
       "node '" + id + "' (" + node.type->name + ") has no parameter '" + name + "'" + did_you_mean(name, names));
}

void Loader::resolve_param_targets(const YAML::Node& nodes) {
  for (GraphNode& gn : graph_.nodes) {
    for (const ParamSpec& opt : gn.type->options) {
      if (!opt.is_param_target) continue;
      const YAML::Node v = nodes[gn.id]["params"][opt.name];
      if (!v) continue;  // required options were checked with the node
      auto [node, param] = resolve_param(v, "'" + opt.name + "' of '" + gn.id + "'");
      if (node == static_cast<uint32_t>(&gn - graph_.nodes.data())) {
        fail(at(v), "'" + opt.name + "' of '" + gn.id + "' names the node's own parameter");
      }
      gn.param_targets.push_back({node, param});
    }
  }
}

void Loader::load_events(const YAML::Node& list) {
  if (!list.IsSequence()) fail(at(list), "'events' is a list of {at: ..., set: node.param, value: ...}");
  for (const auto& item : list) load_event(item);
}

void Loader::load_event(const YAML::Node& item) {
  if (!item.IsMap()) fail(at(item), "an event is a map: {at: 1s, set: node.param, value: 1}");
  static const std::vector<std::string> kKeys = {"at", "set", "value", "ramp", "to", "over"};
  for (auto it = item.begin(); it != item.end(); ++it) {
    const std::string k = scalar(it->first, "a key");
    if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end()) {
      fail(at(it->first), "unknown key '" + k + "' in an event" + did_you_mean(k, kKeys) +
                              " (an event has at, and set + value or ramp + to + over)");
    }
  }
  if (!item["at"]) fail(at(item), "event has no 'at:' time");
  TimedEvent e;
  e.where = at(item);
  e.at = SampleTime{time_point(item["at"])};
  const bool is_set = static_cast<bool>(item["set"]);
  const bool is_ramp = static_cast<bool>(item["ramp"]);
  if (is_set == is_ramp)
    fail(at(item), "an event has either 'set:' (with 'value:') or 'ramp:' (with 'to:' and 'over:')");
  const YAML::Node target = is_set ? item["set"] : item["ramp"];
  const YAML::Node value = is_set ? item["value"] : item["to"];
  if (!value) fail(at(target), is_set ? "'set:' needs 'value:'" : "'ramp:' needs 'to:'");
  if (is_set && (item["to"] || item["over"])) fail(at(item), "'to:' and 'over:' belong to 'ramp:' events");
  if (is_ramp && item["value"]) fail(at(item["value"]), "a ramp takes 'to:', not 'value:'");
  auto [node, pid] = resolve_param(target);
  e.node = node;
  e.param = pid;
  const GraphNode& gn = graph_.nodes[node];
  e.value = static_cast<float>(param_number(value, gn.layout.params[pid], "'" + gn.id + "'"));
  if (is_ramp) {
    if (!item["over"]) fail(at(target), "'ramp:' needs 'over:' (a duration such as 500ms)");
    const int64_t len = duration(item["over"]);
    if (len > UINT32_MAX) fail(at(item["over"]), "ramp is too long");
    e.ramp_frames = static_cast<FrameCount>(len);
  }
  graph_.events.push_back(e);
}

}  // namespace

Expected<Graph> load_graph_text(std::string_view text, const std::string& file_name, const NodeRegistry& registry,
                                const GraphOverrides& overrides) {
  if (auto plain = check_text(text, file_name); !plain) return unexpected(plain.error());
  try {
    return Loader(text, file_name, registry, overrides).load();
  } catch (const LoadError& e) {
    return unexpected(e.error);
  } catch (const YAML::Exception& e) {
    return unexpected(make_error(ErrorDomain::graph, "invalid YAML: " + e.msg, location_of(e.mark, file_name)));
  }
}

Expected<Graph> load_graph_file(const std::string& path, const NodeRegistry& registry,
                                const GraphOverrides& overrides) {
  auto text = read_graph_file(path);
  if (!text) return unexpected(text.error());
  return load_graph_text(*text, path, registry, overrides);
}

}  // namespace ac
