// `audiocloud conformance [DIR]`: runs every vector under DIR. A vector is a
// folder with vector.json ({"description", "graph", "expected",
// "tolerance", "frames"}), a graph file and the expected output as a float
// WAV computed independently of the engine (conformance/generate.py). The
// graph's `output` node is compared sample by sample. A vectors.json of
// the wire spec (conformance/wire) or of UMP (conformance/ump) is run by
// its layer's codec: each of its vectors counts as one.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/commands.h"
#include "app/registry.h"
#include "core/audio_buffer.h"
#include "core/denormals.h"
#include "dsp/sound_file.h"
#include "graph/compiler.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"
#include "midi/ump_vectors.h"
#include "net/wire_vectors.h"

namespace ac {
namespace {

namespace fs = std::filesystem;

struct VectorResult {
  bool pass = false;
  std::string detail;
};

VectorResult run_vector(const fs::path& dir, const NodeRegistry& registry) {
  std::ifstream in(dir / "vector.json");
  nlohmann::json v;
  try {
    in >> v;
  } catch (const std::exception& e) {
    return {false, "vector.json: " + std::string(e.what())};
  }
  const std::string graph_file = (dir / v.value("graph", "graph.yaml")).string();
  const std::string expected_file = (dir / v.value("expected", "expected.wav")).string();
  const double tolerance = v.value("tolerance", 0.0);
  auto graph = load_graph_file(graph_file, registry);
  if (!graph) return {false, graph.error().to_string()};
  SoundFileInfo info;
  auto expected = read_sound_file(expected_file, &info);
  if (!expected) return {false, expected.error().message};
  const int64_t frames = v.value("frames", info.frames);
  auto plan = compile(*graph, CompileOptions{false});
  if (!plan) return {false, plan.error().to_string()};
  Plan& p = **plan;
  if (p.host_output_channels != info.channels) {
    return {false, "output has " + std::to_string(p.host_output_channels) + " channels, expected " +
                       std::to_string(info.channels)};
  }
  for (auto& n : p.nodes) {
    if (auto ok = n->activate(); !ok) return {false, ok.error().message};
  }
  enable_flush_denormals();
  AudioBuffer out(info.channels, p.config.max_block);
  HostIo host;
  host.output = out.view();
  double worst = 0.0;
  int64_t worst_at = -1;
  uint32_t worst_ch = 0;
  for (int64_t done = 0; done < frames;) {
    const auto n = static_cast<FrameCount>(std::min<int64_t>(p.config.max_block, frames - done));
    out.clear();
    run_block(p, SampleTime{done}, n, &host);
    for (uint32_t c = 0; c < info.channels; ++c) {
      for (FrameCount i = 0; i < n; ++i) {
        const auto at = static_cast<size_t>(done + i);
        const double want = at < (*expected)[c].size() ? (*expected)[c][at] : 0.0;
        const double err = std::fabs(static_cast<double>(out.channel(c)[i]) - want);
        if (err > worst || std::isnan(err)) {
          worst = std::isnan(err) ? INFINITY : err;
          worst_at = done + i;
          worst_ch = c;
        }
      }
    }
    done += n;
  }
  for (auto& n : p.nodes) n->deactivate();
  char buf[160];
  std::snprintf(buf, sizeof buf, "max error %.3g (tolerance %.3g)", worst, tolerance);
  std::string detail = buf;
  if (worst > tolerance) {
    detail += " at frame " + std::to_string(worst_at) + " channel " + std::to_string(worst_ch);
    return {false, detail};
  }
  return {true, detail};
}

// A vectors.json of the wire spec or of UMP, read once: its JSON (or why it
// did not parse: then it is reported as failing) and the layer that runs it.
using JsonRunner = std::vector<VectorOutcome> (*)(const nlohmann::json&);
struct JsonVectors {
  fs::path file;
  nlohmann::json json;
  std::string parse_error;
  JsonRunner runner = nullptr;
};

// nullopt for a vectors.json of any other kind.
std::optional<JsonVectors> read_json_vectors(const fs::path& file) {
  JsonVectors v{file, {}, {}, wire::run_wire_vectors};
  std::ifstream in(file);
  try {
    in >> v.json;
  } catch (const std::exception& e) {
    v.parse_error = e.what();
    return v;
  }
  if (ump::is_ump_vector_file(v.json))
    v.runner = ump::run_ump_vectors;
  else if (!wire::is_wire_vector_file(v.json))
    return std::nullopt;
  return v;
}

// Its vectors, counted into `passed` / `failed`.
void run_json_vectors(const JsonVectors& v, const std::string& name, bool verbose, int& passed, int& failed) {
  if (!v.parse_error.empty()) {
    ++failed;
    std::printf("FAIL %s: %s\n", name.c_str(), v.parse_error.c_str());
    return;
  }
  for (const auto& o : v.runner(v.json)) {
    (o.pass ? passed : failed) += 1;
    if (!o.pass || verbose)
      std::printf("%s %s: %s%s\n", o.pass ? "PASS" : "FAIL", name.c_str(), o.name.c_str(),
                  o.pass ? "" : (": " + o.detail).c_str());
  }
}

}  // namespace

int run_conformance(const std::string& dir, bool verbose) {
  std::vector<fs::path> vectors;
  std::vector<JsonVectors> json_files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    std::cerr << dir << ": error: not a directory of conformance vectors\n";
    return 1;
  }
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename() == "vector.json") vectors.push_back(e.path().parent_path());
    if (e.is_regular_file() && e.path().filename() == "vectors.json")
      if (auto v = read_json_vectors(e.path())) json_files.push_back(std::move(*v));
  }
  std::sort(vectors.begin(), vectors.end());
  std::sort(json_files.begin(), json_files.end(),
            [](const JsonVectors& x, const JsonVectors& y) { return x.file < y.file; });
  const NodeRegistry registry = default_registry();
  int passed = 0, failed = 0;
  for (const auto& v : vectors) {
    const VectorResult r = run_vector(v, registry);
    const std::string name = fs::relative(v, dir).string();
    if (r.pass) {
      ++passed;
      if (verbose) std::printf("PASS %s: %s\n", name.c_str(), r.detail.c_str());
    } else {
      ++failed;
      std::printf("FAIL %s: %s\n", name.c_str(), r.detail.c_str());
    }
  }
  for (const auto& v : json_files) run_json_vectors(v, fs::relative(v.file, dir).string(), verbose, passed, failed);
  if (vectors.empty() && json_files.empty()) {
    std::cerr << dir << ": error: no vectors (folders with vector.json, or a vectors.json) found\n";
    return 1;
  }
  std::printf("conformance: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

}  // namespace ac
