#pragma once
// Test helpers: load a graph from text, compile it, and run it into memory.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/node_registry.h"
#include "graph/plan.h"

namespace ac::test {

using Channels = std::vector<std::vector<float>>;

// Endpoints + built-in DSP nodes, plus whatever `extra` adds.
NodeRegistry test_registry(const std::function<void(NodeRegistry&)>& extra = {});

// Loads `yaml` (file name "test.yaml" in messages); fails the test on error.
Graph load_or_fail(const std::string& yaml, const NodeRegistry& registry);

// Compiles `graph` (optionally with another block size) and runs `frames`
// frames in blocks of that size; returns the output node's channels.
Channels render_graph(const Graph& graph, int64_t frames, uint32_t block_size = 0, bool realtime = false);

// Same, from YAML.
Channels render_yaml(const std::string& yaml, int64_t frames, uint32_t block_size = 0);

// A graph whose nodes cost unevenly: sixteen chains from constant sources
// into a mixer (and the output, and a recorder writing rec.wav), the first
// two of 16 biquads each, the rest of 8 gains, and a gain ramp from 0.5 s
// to 1.5 s. By step count one thread gets both biquad chains; by cost
// (a biquad costs several gains) each biquad chain weighs about what seven
// gain chains do, so a rebalance always moves them apart. (Sine sources
// made every chain cost about the same, and whether the lists changed
// depended on the machine's load.)
std::string uneven_chains_graph();

// The whole contents of a text file ("" if it cannot be read).
std::string read_text(const std::string& path);

class TempDir;
// Writes `text` to `name` in `dir`; returns its path.
std::string write_text(const TempDir& dir, const std::string& name, const std::string& text);

// A temporary directory removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace ac::test
