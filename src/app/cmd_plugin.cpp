// `audiocloud plugin inspect|build|swap`: a WASM plug-in's descriptor and
// validation, compiling it into the cache, and swapping it into a running
// graph (through the running process's OSC /graph/patch).
#include <lo/lo.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "app/commands.h"
#include "app/control_socket.h"
#include "plugin/wasm_plugin.h"

namespace ac {
namespace {

const char* curve_name(uint32_t c) {
  switch (c) {
    case 1:
      return "log";
    case 2:
      return "integer";
    case 3:
      return "toggle";
    default:
      return "linear";
  }
}

wasm::PluginOptions plugin_options(const PluginArgs& args) {
  wasm::PluginOptions o;
  o.engine = args.engine == "interpreted" ? wasm::EngineChoice::interpreted
             : args.engine == "compiled"  ? wasm::EngineChoice::compiled
                                          : wasm::EngineChoice::automatic;
  o.aot.bounds = args.explicit_bounds ? wasm::BoundsCheck::explicit_checks : wasm::BoundsCheck::guard_pages;
  if (!args.cache_dir.empty()) o.aot.cache_dir = args.cache_dir;
  return o;
}

int inspect(const PluginArgs& args) {
  auto module = wasm::Module::load_file(args.file);
  if (!module) {
    std::fprintf(stderr, "invalid: %s\n", module.error().message.c_str());
    return 1;
  }
  const wasm::Module& m = **module;
  std::printf("%s: valid WebAssembly, accepted by ABI version 1\n", args.file.c_str());
  std::printf("  size %zu bytes, memory %u pages initial, %u maximum (64 KiB pages)%s\n", m.bytes().size(),
              m.initial_pages(), m.max_pages(), m.has_initialize() ? ", _initialize exported" : "");
  std::printf("  imports:%s\n", m.imports().empty() ? " none" : "");
  for (const wasm::ImportInfo& i : m.imports()) {
    std::printf("    %s.%s %s\n", i.module.c_str(), i.field.c_str(), i.signature.c_str());
  }
  std::printf("  exports:\n");
  for (const wasm::ExportInfo& e : m.exports()) {
    std::printf("    %-24s %s %s\n", e.name.c_str(), e.kind.c_str(), e.signature.c_str());
  }
  auto plugin = wasm::load_plugin(*module, plugin_options(args));
  if (!plugin) {
    std::fprintf(stderr, "refused: %s\n", plugin.error().message.c_str());
    return 1;
  }
  const wasm::PluginDescriptor& d = (*plugin)->descriptor;
  std::printf("descriptor:\n  id %s\n  name %s\n  vendor %s\n  version %s\n", d.id.c_str(), d.name.c_str(),
              d.vendor.c_str(), d.version.c_str());
  for (const wasm::PluginPort& p : d.audio_inputs) std::printf("  audio in  %-10s %u ch\n", p.name.c_str(), p.channels);
  for (const wasm::PluginPort& p : d.audio_outputs)
    std::printf("  audio out %-10s %u ch\n", p.name.c_str(), p.channels);
  if (d.event_inputs) std::printf("  event in  events (UMP)\n");
  if (d.event_outputs) std::printf("  event out events (UMP)\n");
  for (const wasm::PluginParam& p : d.params) {
    std::printf("  param %-12s %g .. %g %s, default %g, %s  (%s)\n", p.id.c_str(), static_cast<double>(p.min),
                static_cast<double>(p.max), p.unit.c_str(), static_cast<double>(p.default_value), curve_name(p.curve),
                p.name.c_str());
  }
  std::printf("  latency %u frames, state %u bytes\n", d.latency, d.state_size);
  std::printf("engine: %s%s\n", (*plugin)->compiled ? "compiled (" : "interpreted",
              (*plugin)->compiled ? ((*plugin)->artifact.library + ")").c_str() : "");
  if (!(*plugin)->warning.empty()) std::fprintf(stderr, "warning: %s\n", (*plugin)->warning.c_str());
  return 0;
}

int build(const PluginArgs& args) {
  auto module = wasm::Module::load_file(args.file);
  if (!module) {
    std::fprintf(stderr, "invalid: %s\n", module.error().message.c_str());
    return 1;
  }
  wasm::PluginOptions o = plugin_options(args);
  o.aot.announce = false;  // it says so itself, on stdout
  std::printf("compiling %s (%s bounds checks) ...\n", args.file.c_str(),
              args.explicit_bounds ? "explicit" : "guard-page");
  std::fflush(stdout);
  auto artifact = wasm::compile_to_cache(**module, o.aot);
  if (!artifact) {
    std::fprintf(stderr, "error: %s\n", artifact.error().message.c_str());
    return 1;
  }
  if (artifact->from_cache) {
    std::printf("already in the cache: %s\n", artifact->library.c_str());
  } else {
    std::printf("compiled in %.0f ms: %s\n", artifact->compile_seconds * 1000, artifact->library.c_str());
  }
  // What a graph load now costs: validate, find in the cache, load, instantiate.
  const auto start = std::chrono::steady_clock::now();
  o.engine = wasm::EngineChoice::compiled;
  auto plugin = wasm::load_plugin(args.file, o);
  if (!plugin) {
    std::fprintf(stderr, "error: %s\n", plugin.error().message.c_str());
    return 1;
  }
  auto runner = wasm::PluginRunner::create(*plugin, 48000, 1024, 0);
  if (!runner) {
    std::fprintf(stderr, "error: %s\n", runner.error().message.c_str());
    return 1;
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("cached load and instantiation: %.1f ms (%s, %s)\n", ms, (*plugin)->descriptor.id.c_str(),
              (*plugin)->descriptor.name.c_str());
  return 0;
}

struct Reply {
  std::string path, text;
};

// The patch goes over the local control socket (trusted: the file may be
// anywhere), or over OSC, where the running graph takes plug-ins only
// beneath its --allow-files directory: the file is then sent as given,
// relative to that directory.
std::string swap_over_osc(const PluginArgs& args, const std::string& patch, int& status) {
  const auto colon = args.osc.find(':');
  if (colon == std::string::npos || args.osc.substr(0, colon) != "udp") {
    status = 1;
    return "--osc takes udp:PORT (the running graph's `run --osc`)";
  }
  lo_server server = lo_server_new(nullptr, nullptr);
  lo_address target = lo_address_new(args.host.c_str(), args.osc.substr(colon + 1).c_str());
  Reply reply;
  std::string answer;
  status = 2;
  if (!server || !target) {
    answer = "cannot open an OSC socket";
  } else {
    const auto on_reply = [](const char* path, const char*, lo_arg** argv, int argc, lo_message, void* user) -> int {
      auto* r = static_cast<Reply*>(user);
      r->path = path;
      if (argc > 0) r->text = &argv[0]->s;
      return 0;
    };
    lo_server_add_method(server, "/graph/patch", "s", on_reply, &reply);
    lo_server_add_method(server, "/error", nullptr, on_reply, &reply);
    lo_message m = lo_message_new();
    lo_message_add_string(m, patch.c_str());
    const int sent = lo_send_message_from(target, server, "/graph/patch", m);
    lo_message_free(m);
    for (int i = 0; sent >= 0 && i < 100 && reply.path.empty(); ++i) lo_server_recv_noblock(server, 100);
    if (sent < 0) {
      answer = "cannot send to " + args.host + ":" + args.osc;
    } else if (reply.path == "/graph/patch") {
      status = 0;
    } else if (!reply.path.empty()) {
      status = 1;
      answer = "refused: " + reply.text;
    } else {
      answer = "no answer from " + args.host + ":" + args.osc + " within 10 s (is `audiocloud run --osc " + args.osc +
               "` running?)";
    }
  }
  if (target) lo_address_free(target);
  if (server) lo_server_free(server);
  return answer;
}

std::string swap_over_control(const PluginArgs& args, const std::string& patch, int& status) {
  auto answer = send_control_line(args.control, patch);
  if (!answer) {
    status = 2;
    return answer.error().message;
  }
  status = *answer == "applied" ? 0 : 1;
  return status == 0 ? "" : *answer;
}

int swap(const PluginArgs& args) {
  if (args.control.empty() == args.osc.empty()) {
    std::fprintf(stderr, "error: swap over --control PATH (the running graph's control socket) or --osc udp:PORT\n");
    return 1;
  }
  // Validate and compile here first: the running process then finds the
  // object in the cache and swaps within a few blocks.
  const std::string file = std::filesystem::absolute(args.file).lexically_normal().string();
  auto plugin = wasm::load_plugin(file, plugin_options(args));
  if (!plugin) {
    std::fprintf(stderr, "error: %s\n", plugin.error().message.c_str());
    return 1;
  }
  const std::string sent = args.osc.empty() ? file : args.file;
  const std::string patch = "{set: {" + args.node + ".file: \"" + sent + "\"}}";
  int status = 2;
  const std::string problem =
      args.osc.empty() ? swap_over_control(args, patch, status) : swap_over_osc(args, patch, status);
  if (status == 0) {
    std::printf("swapped %s to %s (%s %s)\n", args.node.c_str(), file.c_str(), (*plugin)->descriptor.id.c_str(),
                (*plugin)->descriptor.version.c_str());
  } else {
    std::fprintf(stderr, "%s%s\n",
                 status == 1 && problem.rfind("refused", 0) != 0 ? "refused: " : "error: ", problem.c_str());
  }
  return status;
}

}  // namespace

int run_plugin(const PluginArgs& args) {
  if (args.action == "inspect") return inspect(args);
  if (args.action == "build") return build(args);
  return swap(args);
}

}  // namespace ac
