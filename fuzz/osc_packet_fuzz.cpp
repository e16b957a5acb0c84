// Any packet into the OSC control server: decoded (messages and bundles,
// nested), routed and carried out on a running Engine, /graph/patch
// included, with a network surface's capabilities and an --allow-files
// directory. No crash, no sanitizer report, the engine still runs blocks
// afterwards, and no node the packets added or changed reads or writes a
// file outside the allowed directory (checked after every input; abort()
// otherwise).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <span>

#include "app/live_graph.h"
#include "app/registry.h"
#include "core/clock_map.h"
#include "core/file_access.h"
#include "graph/engine.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"
#include "graph/patch_policy.h"
#include "io/dummy_driver.h"
#include "osc/osc_server.h"

namespace {

const char* kGraph =
    "nodes:\n  k: {type: constant}\n  s: {type: sine}\n  m: {type: meter, channels: 1}\n"
    "  ev: {type: osc_events}\n  r: {type: file_recorder, channels: 1, params: {path: own.wav}}\n"
    "connections:\n  - s.out -> m.in\n  - s.out -> r.in\n";

struct World {
  ac::NodeRegistry registry = ac::default_registry();
  std::string dir, root;
  std::unique_ptr<ac::Engine> engine;
  std::unique_ptr<ac::DummyDriver> driver;  // never started: edits only
  std::unique_ptr<ac::LiveGraph> live;
  ac::ClockMap clock{48000.0};
  std::unique_ptr<ac::OscServer> server;
  int64_t time = 0;
  int patches = 0;

  World() {
    char t[] = "/tmp/ac-osc-fuzz-XXXXXX";
    dir = mkdtemp(t);
    std::filesystem::create_directories(dir + "/allowed");
    auto confined = ac::confine_files_beneath(dir + "/allowed");
    if (!confined) std::abort();
    root = *confined;
    auto g = ac::load_graph_text(kGraph, dir + "/g.yaml", registry);
    if (!g) std::abort();
    auto e = ac::Engine::create(*g, ac::EngineOptions{});
    if (!e) std::abort();
    engine = std::move(*e);
    driver = std::make_unique<ac::DummyDriver>(ac::DummyDriverOptions{});
    live = std::make_unique<ac::LiveGraph>(dir + "/g.yaml", kGraph, 0, registry, *engine, *driver);
    clock.update(ac::SampleTime{0}, ac::RealtimeNanos{1});
    ac::OscServer::Hooks hooks;
    const auto caps = ac::PatchCapabilities::network("osc", root);
    hooks.patch = [this, caps](const std::string& patch) { return live->apply(patch, caps, ++patches); };
    auto s = ac::OscServer::open("udp:0", *engine, clock, hooks);
    if (!s) std::abort();
    server = std::move(*s);
  }

  // Every file node that is not the graph file's own recorder lies
  // beneath the allowed directory.
  void check_confinement() const {
    for (const ac::GraphNode& n : engine->graph().nodes) {
      if (!ac::touches_files(*n.type) || (n.id == "r" && n.options.text("path") == dir + "/own.wav")) continue;
      for (const ac::ParamSpec& o : n.type->options) {
        if (o.is_path && n.options.text(o.name).rfind(root + "/", 0) != 0) std::abort();
      }
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World w;
  w.server->dispatch_packet(std::span<const uint8_t>(data, size));
  w.check_confinement();
  ac::Plan* p = w.engine->begin_block(ac::SampleTime{w.time}, 64);
  ac::run_block(*p, ac::SampleTime{w.time}, 64, nullptr);
  w.engine->maintain();
  w.time += 64;
  return 0;
}
