#include "render_helpers.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/audio_buffer.h"
#include "dsp/builtin_nodes.h"
#include "graph/compiler.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"

namespace ac::test {

NodeRegistry test_registry(const std::function<void(NodeRegistry&)>& extra) {
  NodeRegistry r;
  register_endpoint_nodes(r);
  register_dsp_nodes(r);
  if (extra) extra(r);
  return r;
}

Graph load_or_fail(const std::string& yaml, const NodeRegistry& registry) {
  auto g = load_graph_text(yaml, "test.yaml", registry);
  if (!g) {
    ADD_FAILURE() << g.error().to_string();
    return Graph{};
  }
  return std::move(*g);
}

Channels render_graph(const Graph& graph_in, int64_t frames, uint32_t block_size, bool realtime) {
  Graph graph = graph_in;
  if (block_size) graph.block_size = block_size;
  auto plan = compile(graph, CompileOptions{realtime});
  if (!plan) {
    ADD_FAILURE() << plan.error().to_string();
    return {};
  }
  Plan& p = **plan;
  for (auto& n : p.nodes) {
    auto ok = n->activate();
    EXPECT_TRUE(ok.has_value());
  }
  AudioBuffer out(p.host_output_channels, p.config.max_block);
  HostIo host;
  host.output = out.view();
  Channels result(p.host_output_channels, std::vector<float>(static_cast<size_t>(frames)));
  for (int64_t done = 0; done < frames;) {
    const auto n = static_cast<FrameCount>(std::min<int64_t>(p.config.max_block, frames - done));
    out.clear();
    run_block(p, SampleTime{done}, n, &host);
    for (uint32_t c = 0; c < p.host_output_channels; ++c) {
      std::copy(out.channel(c), out.channel(c) + n, result[c].begin() + done);
    }
    done += n;
  }
  for (auto& n : p.nodes) n->deactivate();
  return result;
}

Channels render_yaml(const std::string& yaml, int64_t frames, uint32_t block_size) {
  const NodeRegistry r = test_registry();
  return render_graph(load_or_fail(yaml, r), frames, block_size);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string write_text(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.path(name);
  std::ofstream(path) << text;
  return path;
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/audiocloud-test-XXXXXX";
  const char* d = mkdtemp(tmpl);
  if (!d) ADD_FAILURE() << "mkdtemp failed";
  dir_ = d ? d : "/tmp";
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string uneven_chains_graph() {
  std::string nodes =
      "nodes:\n  mix: {type: mixer, params: {inputs: 16}}\n  out: {type: output, channels: 1}\n"
      "  r: {type: file_recorder, channels: 1, params: {path: rec.wav, encoding: float}}\n";
  std::string conns = "connections:\n  - mix.out -> out.in\n  - mix.out -> r.in\n";
  for (int c = 0; c < 16; ++c) {
    const std::string src = "s" + std::to_string(c);
    nodes += "  " + src + ": {type: constant, params: {value: 0." + std::to_string(c + 1) + "}}\n";
    std::string prev = src;
    for (int k = 0; k < (c < 2 ? 16 : 8); ++k) {
      const std::string id = "f" + std::to_string(c) + "_" + std::to_string(k);
      nodes += "  " + id +
               (c < 2 ? ": {type: biquad, params: {frequency: 5000}}\n"
                      : ": {type: gain, params: {gain: -0.1, smoothing: 0}}\n");
      conns += "  - " + prev + ".out -> " + id + ".in\n";
      prev = id;
    }
    conns += "  - " + prev + ".out -> mix.in" + std::to_string(c) + "\n";
  }
  // A ramp that starts before a rebalance (after a second) and ends after
  // it: replayed at the switch, it would start over.
  return nodes + conns + "events:\n  - {at: 0.5s, ramp: f5_0.gain, to: -12, over: 1s}\n";
}

}  // namespace ac::test
