#pragma once
// A WebAssembly plug-in module, read and validated (wabt) and checked against
// the plug-in ABI (docs/spec/plugin-abi.md "Module requirements") before any
// of its code runs: required exports with their exact signatures, only the
// listed imports, one exported memory within the limit. Every refusal names
// the problem.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/expected.h"

namespace wabt {
struct Module;
}

namespace ac::wasm {

struct ModuleLimits {
  uint32_t max_memory_pages = 4096;  // 256 MiB of linear memory
};

// One function import, as "module.field".
struct ImportInfo {
  std::string module, field;
  std::string signature;  // "(i32, i32) -> ()"
};

struct ExportInfo {
  std::string name;
  std::string kind;       // "func", "memory", "global", "table"
  std::string signature;  // functions only
};

class Module {
 public:
  // [control] Reads, validates and checks `bytes`; `name` is used in messages.
  static Expected<std::shared_ptr<const Module>> load(std::vector<uint8_t> bytes, const std::string& name,
                                                      const ModuleLimits& limits = {});
  static Expected<std::shared_ptr<const Module>> load_file(const std::string& path, const ModuleLimits& limits = {});
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  const std::string& name() const { return name_; }
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  const std::vector<ImportInfo>& imports() const { return imports_; }
  const std::vector<ExportInfo>& exports() const { return exports_; }
  uint32_t initial_pages() const { return initial_pages_; }
  uint32_t max_pages() const { return max_pages_; }  // the declared maximum, or the limit
  bool has_initialize() const { return has_initialize_; }
  const wabt::Module& ir() const { return *ir_; }

 private:
  Module() = default;
  std::string name_;
  std::vector<uint8_t> bytes_;
  std::unique_ptr<wabt::Module> ir_;
  std::vector<ImportInfo> imports_;
  std::vector<ExportInfo> exports_;
  uint32_t initial_pages_ = 0;
  uint32_t max_pages_ = 0;
  bool has_initialize_ = false;
};

// The functions a plug-in may import (module "ac"), with their signatures.
struct AllowedImport {
  const char* field;
  const char* signature;
};
const std::vector<AllowedImport>& allowed_imports();

// The exports the ABI requires, with their signatures.
struct RequiredExport {
  const char* name;
  const char* signature;
};
const std::vector<RequiredExport>& required_exports();

}  // namespace ac::wasm
