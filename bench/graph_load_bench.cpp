// Loading and compiling large graphs: a chain of N gain nodes (one long
// dependency path) and N sines summed by a tree of 8-input mixers (wide),
// for N = 1k, 10k, 100k. The baseline is yaml-cpp parsing the same text in
// the same process (the floor any YAML graph loader pays); the ratios say
// what our validation and compilation add, and the per-node times at 1k
// and 100k say whether both scale linearly.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "app/registry.h"
#include "graph/compiler.h"
#include "graph/graph_loader.h"

namespace {

std::string chain(int n) {
  std::string t = "nodes:\n  src: {type: sine, params: {frequency: 440}}\n";
  for (int i = 0; i < n; ++i) t += "  g" + std::to_string(i) + ": {type: gain, params: {gain: -0.001}}\n";
  t += "  out: {type: output, channels: 1}\nconnections:\n  - src.out -> g0.in\n";
  for (int i = 1; i < n; ++i) t += "  - g" + std::to_string(i - 1) + ".out -> g" + std::to_string(i) + ".in\n";
  return t + "  - g" + std::to_string(n - 1) + ".out -> out.in\n";
}

// N sines, then mixers of 8 inputs level by level down to one.
std::string wide(int n) {
  std::string nodes = "nodes:\n", links = "connections:\n";
  std::vector<std::string> level;
  for (int i = 0; i < n; ++i) {
    level.push_back("s" + std::to_string(i));
    nodes += "  " + level.back() + ": {type: sine, params: {frequency: " + std::to_string(100 + i % 900) + "}}\n";
  }
  for (int depth = 0; level.size() > 1; ++depth) {
    std::vector<std::string> next;
    for (size_t i = 0; i < level.size(); i += 8) {
      const std::string m = "m" + std::to_string(depth) + "_" + std::to_string(i / 8);
      nodes += "  " + m + ": {type: mixer, params: {inputs: 8}}\n";
      for (size_t k = i; k < i + 8 && k < level.size(); ++k)
        links += "  - " + level[k] + ".out -> " + m + ".in" + std::to_string(k - i) + "\n";
      next.push_back(m);
    }
    level = next;
  }
  nodes += "  out: {type: output, channels: 1}\n";
  links += "  - " + level[0] + ".out -> out.in\n";
  return nodes + links;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool measure(const char* shape, int n, const std::string& text, const ac::NodeRegistry& registry) {
  auto t0 = std::chrono::steady_clock::now();
  const YAML::Node parsed = YAML::Load(text);
  const double yaml = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  auto graph = ac::load_graph_text(text, "bench.yaml", registry);
  const double load = seconds_since(t0);
  if (!graph) {
    std::fprintf(stderr, "%s\n", graph.error().to_string().c_str());
    return false;
  }
  t0 = std::chrono::steady_clock::now();
  auto plan = ac::compile(*graph);
  const double compile = seconds_since(t0);
  if (!plan) {
    std::fprintf(stderr, "%s\n", plan.error().to_string().c_str());
    return false;
  }
  const double nodes = static_cast<double>(graph->nodes.size());
  std::printf(
      "%-6s %7.0f nodes  yaml-cpp %7.3f s | load %7.3f s (%.2fx yaml-cpp, %5.2f us/node) | compile %7.3f s "
      "(%5.2f us/node)\n",
      shape, nodes, yaml, load, load / yaml, 1e6 * load / nodes, compile, 1e6 * compile / nodes);
  (void)parsed;
  (void)n;
  return true;
}

}  // namespace

int main() {
  const ac::NodeRegistry registry = ac::default_registry();
  for (const int n : {1000, 10000, 100000}) {
    if (!measure("chain", n, chain(n), registry)) return 1;
    if (!measure("wide", n, wide(n), registry)) return 1;
  }
  return 0;
}
