// Any packet into the OSC control server: liblo decodes it (messages and
// bundles, nested), the server dispatches it to a running Engine. No crash,
// no sanitizer report, and the engine still runs blocks afterwards.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "core/clock_map.h"
#include "dsp/builtin_nodes.h"
#include "graph/engine.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"
#include "midi/midi_nodes.h"
#include "osc/osc_server.h"

namespace {

struct World {
  ac::NodeRegistry registry;
  std::unique_ptr<ac::Engine> engine;
  ac::ClockMap clock{48000.0};
  std::unique_ptr<ac::OscServer> server;
  int64_t time = 0;

  World() {
    ac::register_endpoint_nodes(registry);
    ac::register_dsp_nodes(registry);
    ac::register_midi_nodes(registry);
    auto g = ac::load_graph_text(
        "nodes:\n  k: {type: constant}\n  s: {type: sine}\n  m: {type: meter, channels: 1}\n"
        "connections:\n  - s.out -> m.in\n",
        "fuzz.yaml", registry);
    if (!g) std::abort();
    auto e = ac::Engine::create(*g, ac::EngineOptions{});
    if (!e) std::abort();
    engine = std::move(*e);
    clock.update(ac::SampleTime{0}, ac::RealtimeNanos{1});
    auto s = ac::OscServer::open("udp:0", *engine, clock, {});
    if (!s) std::abort();
    server = std::move(*s);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World w;
  w.server->dispatch_packet(std::span<const uint8_t>(data, size));
  ac::Plan* p = w.engine->begin_block(ac::SampleTime{w.time}, 64);
  ac::run_block(*p, ac::SampleTime{w.time}, 64, nullptr);
  w.time += 64;
  return 0;
}
