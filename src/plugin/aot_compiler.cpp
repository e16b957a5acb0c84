#include "plugin/aot_compiler.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wabt/c-writer.h>
#include <wabt/ir.h>
#include <wabt/stream.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "plugin/aot_glue.h"
#include "plugin/content_hash.h"

#ifndef AUDIOCLOUD_WASM_RT_HEADER
#define AUDIOCLOUD_WASM_RT_HEADER "/usr/include/wasm-rt.h"
#endif

namespace ac::wasm {
namespace fs = std::filesystem;
namespace {

Unexpected fail(const Module& m, const std::string& what) {
  return unexpected(make_error(ErrorDomain::plugin, m.name() + ": " + what));
}

std::string on_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Runs argv, its output into `log`; returns the exit status (-1: not run).
int run(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<std::string> compile_flags(const AotOptions& o) {
  std::vector<std::string> flags = {o.optimize, "-fPIC", "-shared", "-fvisibility=hidden", "-Wl,-Bsymbolic", "-w"};
  if (o.bounds == BoundsCheck::explicit_checks) flags.push_back("-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0");
  return flags;
}

}  // namespace

std::string default_cache_dir() {
  if (const char* d = std::getenv("AUDIOCLOUD_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/audiocloud/wasm";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/audiocloud/wasm";
  return "/tmp/audiocloud-wasm-cache";
}

std::string find_compiler(const AotOptions& options, std::string* why) {
  if (access(AUDIOCLOUD_WASM_RT_HEADER, R_OK) != 0) {
    if (why) *why = std::string("wasm-rt.h not found at ") + AUDIOCLOUD_WASM_RT_HEADER + " (install wabt)";
    return "";
  }
  std::string name = options.compiler;
  if (name.empty()) {
    const char* cc = std::getenv("CC");
    name = cc && *cc ? cc : "cc";
  }
  std::string found = on_path(name);
  if (found.empty() && why) *why = "no C compiler '" + name + "' on PATH (install gcc, or set CC)";
  return found;
}

Expected<AotArtifact> compile_to_cache(const Module& module, const AotOptions& options) {
  std::string why;
  const std::string cc = find_compiler(options, &why);
  if (cc.empty()) return fail(module, "cannot compile ahead of time: " + why);
  const std::string dir = options.cache_dir.empty() ? default_cache_dir() : options.cache_dir;

  Sha256 hash;
  hash.update(module.bytes());
  hash.update(std::string("\n") + kGlueVersion + "\n" + cc + "\n" + AUDIOCLOUD_WASM_RT_HEADER + "\n" +
              std::to_string(options.max_call_depth));
  for (const std::string& f : compile_flags(options)) hash.update(" " + f);
  AotArtifact out;
  out.key = hash.hex_digest();
  out.library = dir + "/" + out.key + ".so";
  std::error_code ec;
  if (fs::exists(out.library, ec)) {
    out.from_cache = true;
    return out;
  }

  if (options.announce)
    std::fprintf(stderr, "compiling plug-in %s ahead of time (cached for next time in %s)\n", module.name().c_str(),
                 dir.c_str());
  const auto start = std::chrono::steady_clock::now();
  fs::create_directories(dir, ec);
  if (ec) return fail(module, "cannot create the cache directory " + dir + ": " + ec.message());
  const std::string work = dir + "/tmp-" + out.key.substr(0, 16) + "-" + std::to_string(getpid());
  fs::create_directories(work, ec);
  if (ec) return fail(module, "cannot create " + work + ": " + ec.message());
  struct Cleanup {
    std::string path;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(path, e);
    }
  } cleanup{work};

  {
    wabt::FileStream c_stream(work + "/plugin.c");
    wabt::FileStream h_stream(work + "/plugin.h");
    wabt::WriteCOptions write_options;
    write_options.module_name = "plugin";
    if (wabt::Failed(wabt::WriteC(&c_stream, &h_stream, "plugin.h", &module.ir(), write_options))) {
      return fail(module, "wasm2c could not translate the module");
    }
  }
  {
    std::ofstream(work + "/wasm-rt.h") << glue_runtime_header(AUDIOCLOUD_WASM_RT_HEADER, options.max_call_depth);
    std::ofstream(work + "/glue.c") << glue_source(!module.imports().empty(), module.has_initialize());
  }
  const std::string tmp_lib = work + "/plugin.so";
  std::vector<std::string> argv = {cc};
  for (const std::string& f : compile_flags(options)) argv.push_back(f);
  for (const std::string& a :
       {std::string("-I") + work, std::string("-o"), tmp_lib, work + "/glue.c", std::string("-lm")}) {
    argv.push_back(a);
  }
  const std::string log = work + "/compile.log";
  if (const int status = run(argv, log); status != 0) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    std::string msg = text.str();
    if (msg.size() > 2000) msg = msg.substr(0, 2000) + "...";
    return fail(module, cc + " failed (exit " + std::to_string(status) + "): " + msg);
  }
  // Atomic publication: a concurrent loader sees the whole object or none.
  fs::rename(tmp_lib, out.library, ec);
  if (ec) return fail(module, "cannot store " + out.library + ": " + ec.message());
  out.compile_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace ac::wasm
