#pragma once
// Ahead-of-time compilation of a plug-in module: wasm2c's C (written by
// libwabt in-process) plus the glue (aot_glue.h), compiled by the system C
// compiler into a shared object and kept in a cache named by the SHA-256 of
// everything that decides the result (module bytes, compiler, flags, glue
// version). The first load compiles (~0.2 s for a small plug-in); later loads
// find the object and take milliseconds. [control] only: never on the audio
// thread.
#include <string>

#include "core/expected.h"
#include "plugin/wasm_module.h"
#include "plugin/wasm_runtime.h"

namespace ac::wasm {

struct AotOptions {
  std::string cache_dir;  // "" = default_cache_dir()
  std::string compiler;   // "" = $CC, else "cc"
  std::string optimize = "-O2";
  BoundsCheck bounds = BoundsCheck::guard_pages;
  unsigned max_call_depth = 1000;  // wasm call depth before "call stack exhausted"
  // A first compile takes a second or two: say so on stderr (a user sees
  // why the graph is slow to start, and that it will not be next time).
  bool announce = true;
};

struct AotArtifact {
  std::string library;         // path of the shared object
  std::string key;             // its content hash
  bool from_cache = false;     // found, not compiled
  double compile_seconds = 0;  // 0 when from the cache
};

// $AUDIOCLOUD_CACHE_DIR, else $XDG_CACHE_HOME/audiocloud/wasm, else
// ~/.cache/audiocloud/wasm.
std::string default_cache_dir();

// The compiler that would be used, or "" with `why` set when there is none
// (no compiler on PATH, no wasm-rt.h): the host then interprets.
std::string find_compiler(const AotOptions& options, std::string* why);

// Compiles `module` into the cache unless it is there already.
Expected<AotArtifact> compile_to_cache(const Module& module, const AotOptions& options);

}  // namespace ac::wasm
