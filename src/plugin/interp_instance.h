#pragma once
// The interpreted engine: wabt's interpreter runs the module. Two to three
// orders of magnitude slower than the compiled engine and it allocates while
// it runs: a correctness fallback when no C compiler is present and the
// oracle the compiled engine is tested against, not a real-time path.
#include <memory>

#include "core/expected.h"
#include "plugin/wasm_instance.h"
#include "plugin/wasm_module.h"

namespace ac::wasm {

// [control]
Expected<std::unique_ptr<Instance>> instantiate_interpreted(const Module& module);

}  // namespace ac::wasm
