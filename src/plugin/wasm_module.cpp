#include "plugin/wasm_module.h"

#include <wabt/apply-names.h>
#include <wabt/binary-reader-ir.h>
#include <wabt/binary-reader.h>
#include <wabt/cast.h>
#include <wabt/error-formatter.h>
#include <wabt/feature.h>
#include <wabt/generate-names.h>
#include <wabt/ir.h>
#include <wabt/validator.h>

#include <fstream>
#include <iterator>

#include "core/file_access.h"

namespace ac::wasm {
namespace {

// No plug-in is this large; a bigger file is not read into memory.
constexpr uint64_t kMaxModuleBytes = 256ull << 20;

Unexpected refuse(const std::string& name, const std::string& what) {
  return unexpected(make_error(ErrorDomain::plugin, name + ": " + what));
}

std::string type_list(const wabt::TypeVector& types) {
  std::string s = "(";
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) s += ", ";
    s += types[i].GetName();
  }
  return s + ")";
}

std::string signature_of(const wabt::FuncSignature& sig) {
  return type_list(sig.param_types) + " -> " + type_list(sig.result_types);
}

const char* kind_name(wabt::ExternalKind k) {
  switch (k) {
    case wabt::ExternalKind::Func:
      return "func";
    case wabt::ExternalKind::Table:
      return "table";
    case wabt::ExternalKind::Memory:
      return "memory";
    case wabt::ExternalKind::Global:
      return "global";
    case wabt::ExternalKind::Tag:
      return "tag";
  }
  return "?";
}

// Imports: only the listed functions of module "ac", nothing else.
Expected<std::vector<ImportInfo>> read_imports(const wabt::Module& ir, const std::string& name) {
  std::vector<ImportInfo> out;
  for (const wabt::Import* imp : ir.imports) {
    ImportInfo info{imp->module_name, imp->field_name, ""};
    const std::string full = imp->module_name + "." + imp->field_name;
    if (imp->kind() != wabt::ExternalKind::Func) {
      return refuse(name, std::string("forbidden import ") + full + " (a " + kind_name(imp->kind()) +
                              "; a plug-in defines its own memory and tables and may import only functions of "
                              "module \"ac\")");
    }
    const auto* fi = wabt::cast<wabt::FuncImport>(imp);
    info.signature = signature_of(fi->func.decl.sig);
    bool allowed = false;
    for (const AllowedImport& a : allowed_imports()) {
      if (imp->module_name == "ac" && imp->field_name == a.field) {
        if (info.signature != a.signature) {
          return refuse(name,
                        "import " + full + " has signature " + info.signature + ", the ABI defines " + a.signature);
        }
        allowed = true;
      }
    }
    if (!allowed) {
      std::string list;
      for (const AllowedImport& a : allowed_imports()) list += std::string(list.empty() ? "" : ", ") + "ac." + a.field;
      return refuse(name, "forbidden import " + full + " " + info.signature + " (allowed: " + list + ")");
    }
    out.push_back(std::move(info));
  }
  return out;
}

// Exports: the ABI's required functions with their signatures, and an
// optional _initialize () -> () (set in `has_initialize`).
Expected<std::vector<ExportInfo>> read_exports(const wabt::Module& ir, const std::string& name, bool& has_initialize) {
  std::vector<ExportInfo> out;
  for (const wabt::Export* e : ir.exports) {
    ExportInfo info{e->name, kind_name(e->kind), ""};
    if (e->kind == wabt::ExternalKind::Func) {
      if (const wabt::Func* f = ir.GetFunc(e->var)) info.signature = signature_of(f->decl.sig);
    }
    out.push_back(std::move(info));
  }
  for (const RequiredExport& r : required_exports()) {
    const ExportInfo* found = nullptr;
    for (const ExportInfo& e : out) {
      if (e.name == r.name) found = &e;
    }
    if (!found) return refuse(name, std::string("missing export ") + r.name + " " + r.signature);
    if (found->kind != "func")
      return refuse(name, std::string("export ") + r.name + " is a " + found->kind + ", not a function");
    if (found->signature != r.signature) {
      return refuse(name, std::string("export ") + r.name + " has signature " + found->signature +
                              ", the ABI requires " + r.signature);
    }
  }
  for (const ExportInfo& e : out) {
    if (e.name != "_initialize") continue;
    if (e.kind != "func" || e.signature != "() -> ()") return refuse(name, "export _initialize must be () -> ()");
    has_initialize = true;
  }
  return out;
}

// Memory: exactly one, exported as "memory", within the limit. Returns its
// initial and largest page counts.
Expected<std::pair<uint32_t, uint32_t>> check_memory(const wabt::Module& ir, const std::string& name,
                                                     const ModuleLimits& limits) {
  if (ir.memories.size() != 1) {
    return refuse(name, "a plug-in has exactly one linear memory (found " + std::to_string(ir.memories.size()) + ")");
  }
  const wabt::Export* mem_export = ir.GetExport("memory");
  if (!mem_export || mem_export->kind != wabt::ExternalKind::Memory) {
    return refuse(name, "missing export memory (the linear memory, exported as \"memory\")");
  }
  const wabt::Limits& lim = ir.memories[0]->page_limits;
  if (lim.is_64) return refuse(name, "64-bit memories are not supported (memory64)");
  if (lim.is_shared) return refuse(name, "shared memories are not supported (a plug-in runs on one thread at a time)");
  if (lim.initial > limits.max_memory_pages) {
    return refuse(name, "memory of " + std::to_string(lim.initial) + " pages is above the limit of " +
                            std::to_string(limits.max_memory_pages) + " pages (" +
                            std::to_string(uint64_t{limits.max_memory_pages} * 64 / 1024) + " MiB)");
  }
  const uint32_t most =
      lim.has_max && lim.max < limits.max_memory_pages ? static_cast<uint32_t>(lim.max) : limits.max_memory_pages;
  return std::pair<uint32_t, uint32_t>{static_cast<uint32_t>(lim.initial), most};
}

}  // namespace

const std::vector<AllowedImport>& allowed_imports() {
  static const std::vector<AllowedImport> list = {
      {"log_message", "(i32, i32) -> ()"}, {"sinf", "(f32) -> (f32)"}, {"cosf", "(f32) -> (f32)"},
      {"tanf", "(f32) -> (f32)"},          {"expf", "(f32) -> (f32)"}, {"logf", "(f32) -> (f32)"},
      {"powf", "(f32, f32) -> (f32)"},     {"sin", "(f64) -> (f64)"},  {"cos", "(f64) -> (f64)"},
      {"tan", "(f64) -> (f64)"},           {"exp", "(f64) -> (f64)"},  {"log", "(f64) -> (f64)"},
      {"pow", "(f64, f64) -> (f64)"},
  };
  return list;
}

const std::vector<RequiredExport>& required_exports() {
  static const std::vector<RequiredExport> list = {
      {"ac_plugin_abi_version", "() -> (i32)"},
      {"ac_plugin_descriptor", "() -> (i32)"},
      {"ac_plugin_instantiate", "(f64, i32) -> (i32)"},
      {"ac_plugin_process", "(i32) -> ()"},
      {"ac_plugin_reset", "() -> ()"},
      {"ac_plugin_save_state", "() -> (i32)"},
      {"ac_plugin_load_state", "(i32) -> (i32)"},
  };
  return list;
}

Module::~Module() = default;

Expected<std::shared_ptr<const Module>> Module::load_file(const std::string& path, const ModuleLimits& limits) {
  // Through core/file_access.h: a plug-in beneath a confined root stays there.
  auto bytes = read_whole_file(path, kMaxModuleBytes);
  if (!bytes)
    return unexpected(make_error(ErrorDomain::plugin, path + ": cannot open the file (" + bytes.error().message + ")"));
  return load(std::move(*bytes), path, limits);
}

Expected<std::shared_ptr<const Module>> Module::load(std::vector<uint8_t> bytes, const std::string& name,
                                                     const ModuleLimits& limits) {
  std::shared_ptr<Module> m(new Module());
  m->name_ = name;
  m->bytes_ = std::move(bytes);
  m->ir_ = std::make_unique<wabt::Module>();
  if (m->bytes_.size() < 8 || m->bytes_[0] != 0 || m->bytes_[1] != 'a' || m->bytes_[2] != 's' || m->bytes_[3] != 'm') {
    return refuse(name, "not a WebAssembly binary (no \\0asm magic number)");
  }

  wabt::Features features;  // the MVP plus what wabt 1.0.32 enables by default
  wabt::Errors errors;
  wabt::ReadBinaryOptions read_options(features, nullptr, false, true, false);
  if (wabt::Failed(
          wabt::ReadBinaryIr(name.c_str(), m->bytes_.data(), m->bytes_.size(), read_options, &errors, m->ir_.get()))) {
    return refuse(name, "malformed binary: " + wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary));
  }
  wabt::ValidateOptions validate_options(features);
  if (wabt::Failed(wabt::ValidateModule(m->ir_.get(), &errors, validate_options))) {
    return refuse(name, "invalid module: " + wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary));
  }
  // Names for everything (wasm2c's C needs them); cannot fail on a valid module.
  wabt::GenerateNames(m->ir_.get());
  wabt::ApplyNames(m->ir_.get());
  const wabt::Module& ir = *m->ir_;
  auto imports = read_imports(ir, name);
  if (!imports) return unexpected(imports.error());
  m->imports_ = std::move(*imports);
  auto exports = read_exports(ir, name, m->has_initialize_);
  if (!exports) return unexpected(exports.error());
  m->exports_ = std::move(*exports);
  auto memory = check_memory(ir, name, limits);
  if (!memory) return unexpected(memory.error());
  m->initial_pages_ = memory->first;
  m->max_pages_ = memory->second;
  if (ir.tables.size() > 1) return refuse(name, "more than one table");
  return std::shared_ptr<const Module>(std::move(m));
}

}  // namespace ac::wasm
