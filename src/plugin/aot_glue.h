#pragma once
// The C source compiled together with wasm2c's output into each plug-in's
// shared object. It implements the wasm-rt functions the generated code
// calls by forwarding to the host's runtime (wasm_runtime.h) through a table
// handed over at load, so a shared object needs no symbol from the host
// executable; the ABI's imports (module "ac"); and a fixed set of entry
// points (acg_*) the host finds with dlsym, whatever the module exports.
#include <string>

namespace ac::wasm {

// Bumped whenever the glue or the runtime interface changes: part of the
// cache key, so stale shared objects are never loaded.
inline constexpr const char* kGlueVersion = "acg-4";

// The wasm-rt.h wrapper placed first on the include path: call-stack depth
// counted per thread, then the system's wasm-rt.h (`system_header`).
std::string glue_runtime_header(const std::string& system_header, unsigned max_call_depth);

// glue.c for a module with (or without) imports and an _initialize export;
// it #includes "plugin.c" so the whole plug-in is one translation unit.
std::string glue_source(bool has_imports, bool has_initialize);

}  // namespace ac::wasm
