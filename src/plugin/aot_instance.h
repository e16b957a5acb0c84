#pragma once
// The compiled engine: a plug-in's shared object from the AOT cache, loaded
// with dlopen, one Instance per node. Calls go straight into native code
// through guarded_call(): no allocation, no locks.
#include <memory>
#include <string>

#include "core/expected.h"
#include "plugin/wasm_instance.h"
#include "plugin/wasm_module.h"

namespace ac::wasm {

class AotLibrary;

// [control] Instantiates `module` from the shared object at `library`
// (compile_to_cache()). Memory is allocated and data segments copied here.
Expected<std::unique_ptr<Instance>> instantiate_compiled(const Module& module, const std::string& library);

}  // namespace ac::wasm
