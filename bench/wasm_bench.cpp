// WASM plug-in host: each example plug-in compiled ahead of time (wasm2c +
// cc -O2) against the same C source compiled natively with the same
// compiler and flags (a shared object built by this project), and against
// wabt's interpreter; compile time into the cache, first and cached load.
// Prints ratios measured in this process.
//   build/release/bench/wasm_bench [seconds of audio per measurement]
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "../sdk/include/audiocloud_plugin.h"
#include "plugin/wasm_plugin.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr uint32_t kBlock = 64;
constexpr double kRate = 48000.0;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A note every 250 ms for the synth, a steady sine into the effects.
void fill_input(std::vector<float>& buf, int64_t at) {
  for (uint32_t i = 0; i < kBlock; ++i) buf[i] = 0.5f * std::sin(0.0654f * static_cast<float>(at + i));
}
bool note_due(int64_t at) {
  return at % 12000 < kBlock;
}

// Native: the plug-in's own functions, called directly.
double run_native(const std::string& so, double audio_seconds) {
  void* h = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    std::fprintf(stderr, "%s\n", dlerror());
    std::exit(2);
  }
  auto descriptor = reinterpret_cast<const ac_descriptor* (*)()>(dlsym(h, "ac_plugin_descriptor"));
  auto instantiate = reinterpret_cast<ac_io* (*)(double, uint32_t)>(dlsym(h, "ac_plugin_instantiate"));
  auto process = reinterpret_cast<void (*)(uint32_t)>(dlsym(h, "ac_plugin_process"));
  const ac_descriptor* d = descriptor();
  uint32_t ins = 0, outs = 0;
  for (uint32_t p = 0; p < d->audio_input_count; ++p) ins += d->audio_inputs[p].channels;
  for (uint32_t p = 0; p < d->audio_output_count; ++p) outs += d->audio_outputs[p].channels;
  ac_io* io = instantiate(kRate, kBlock);
  std::vector<float> in(kBlock), sink(kBlock);
  const auto blocks = static_cast<int64_t>(audio_seconds * kRate / kBlock);
  const auto start = Clock::now();
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t at = b * kBlock;
    fill_input(in, at);
    for (uint32_t c = 0; c < ins; ++c) std::memcpy(io->audio_in[c], in.data(), kBlock * sizeof(float));
    io->events_in_count = 0;
    if (d->event_input_count && note_due(at)) {
      io->events_in[0] = {0, AC_EVENT_UMP, {0x20903C64u + (static_cast<uint32_t>(b % 12) << 8), 0, 0, 0}};
      io->events_in_count = 1;
    }
    process(kBlock);
    for (uint32_t c = 0; c < outs; ++c) std::memcpy(sink.data(), io->audio_out[c], kBlock * sizeof(float));
  }
  return seconds_since(start);
}

// Through the host: a PluginRunner, as the wasm node drives it.
double run_hosted(const std::shared_ptr<const ac::wasm::LoadedPlugin>& plugin, double audio_seconds) {
  auto r = ac::wasm::PluginRunner::create(plugin, kRate, kBlock, 0);
  if (!r) {
    std::fprintf(stderr, "%s\n", r.error().message.c_str());
    std::exit(2);
  }
  ac::wasm::PluginRunner& run = **r;
  const uint32_t ins = run.descriptor().input_channels(), outs = run.descriptor().output_channels();
  std::vector<float> in(kBlock), sink(kBlock);
  const auto blocks = static_cast<int64_t>(audio_seconds * kRate / kBlock);
  const auto start = Clock::now();
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t at = b * kBlock;
    fill_input(in, at);
    run.begin(kBlock);
    for (uint32_t c = 0; c < ins; ++c) std::memcpy(run.input(c), in.data(), kBlock * sizeof(float));
    if (run.descriptor().event_inputs && note_due(at)) {
      const uint32_t words[4] = {0x20903C64u + (static_cast<uint32_t>(b % 12) << 8), 0, 0, 0};
      run.push_event(0, ac::wasm::kEventUmp, words);
    }
    if (run.run() != ac::wasm::TrapCode::none) std::exit(3);
    for (uint32_t c = 0; c < outs; ++c) std::memcpy(sink.data(), run.output(c), kBlock * sizeof(float));
  }
  return seconds_since(start);
}

std::shared_ptr<const ac::wasm::LoadedPlugin> load(const std::string& wasm, ac::wasm::EngineChoice engine,
                                                   ac::wasm::BoundsCheck bounds, const std::string& cache) {
  ac::wasm::PluginOptions o;
  o.engine = engine;
  o.aot.bounds = bounds;
  o.aot.cache_dir = cache;
  o.aot.compiler = "gcc";
  auto p = ac::wasm::load_plugin(wasm, o);
  if (!p) {
    std::fprintf(stderr, "%s\n", p.error().message.c_str());
    std::exit(2);
  }
  return *p;
}

template <typename F>
double best_of(int n, F&& f) {
  double best = 1e9;
  for (int i = 0; i < n; ++i) best = std::min(best, f());
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 20.0;
  const std::string plugins = AUDIOCLOUD_PLUGIN_DIR, natives = AUDIOCLOUD_NATIVE_DIR;
  const std::string cache = (std::filesystem::temp_directory_path() / "audiocloud-wasm-bench-cache").string();
  std::filesystem::remove_all(cache);
  using ac::wasm::BoundsCheck;
  using ac::wasm::EngineChoice;

  std::printf("CPU ms per second of audio (48 kHz, %u-frame blocks, %.0f s each, best of 3)\n", kBlock, seconds);
  std::printf("%-8s %9s %9s %9s %10s | %9s %10s | %11s %10s %10s\n", "plug-in", "native", "aot", "aot/nat", "aot-check",
              "interp", "interp/aot", "compile ms", "first ms", "cached ms");
  for (const char* name : {"gain", "eq", "reverb", "synth", "tremolo"}) {
    const std::string wasm = plugins + "/" + name + ".wasm";
    const std::string so = natives + "/libnative_" + name + ".so";
    // Compile into an empty cache (first load), then load from it.
    auto t = Clock::now();
    auto aot = load(wasm, EngineChoice::compiled, BoundsCheck::guard_pages, cache);
    const double first_ms = seconds_since(t) * 1000;
    t = Clock::now();
    auto again = load(wasm, EngineChoice::compiled, BoundsCheck::guard_pages, cache);
    auto warm = ac::wasm::PluginRunner::create(again, kRate, kBlock, 0);
    const double cached_ms = seconds_since(t) * 1000;
    auto checked = load(wasm, EngineChoice::compiled, BoundsCheck::explicit_checks, cache);
    auto interp = load(wasm, EngineChoice::interpreted, BoundsCheck::guard_pages, cache);

    const double native = best_of(3, [&] { return run_native(so, seconds); });
    const double compiled = best_of(3, [&] { return run_hosted(aot, seconds); });
    const double explicit_checks = best_of(3, [&] { return run_hosted(checked, seconds); });
    const double interp_seconds = std::max(0.05, seconds / 200);  // the interpreter is slow: scale down
    const double interpreted = run_hosted(interp, interp_seconds) * seconds / interp_seconds;
    const auto per_s = [&](double s) { return 1000 * s / seconds; };
    std::printf("%-8s %9.3f %9.3f %8.2fx %9.2fx | %9.1f %9.0fx | %11.0f %10.0f %10.1f\n", name, per_s(native),
                per_s(compiled), compiled / native, explicit_checks / compiled, per_s(interpreted),
                interpreted / compiled, aot->artifact.compile_seconds * 1000, first_ms, cached_ms);
  }
  std::printf("aot-check: explicit bounds checks relative to guard pages (the default)\n");
  std::filesystem::remove_all(cache);
  return 0;
}
