// libFuzzer target: any byte string as a graph file. The loader and the
// compiler must return a value or an error, never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dsp/builtin_nodes.h"
#include "graph/compiler.h"
#include "graph/graph_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ac::NodeRegistry registry = [] {
    ac::NodeRegistry r;
    ac::register_endpoint_nodes(r);
    ac::register_dsp_nodes(r);
    return r;
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto graph = ac::load_graph_text(text, "fuzz.yaml", registry);
  if (!graph) return 0;
  // Compiling is where cycles, latency and buffers are worked out; keep the
  // allocation per input bounded.
  if (graph->nodes.size() > 64) return 0;
  auto plan = ac::compile(*graph, ac::CompileOptions{false});
  (void)plan;
  return 0;
}
