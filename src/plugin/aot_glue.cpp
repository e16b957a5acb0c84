#include "plugin/aot_glue.h"

namespace ac::wasm {

std::string glue_runtime_header(const std::string& system_header, unsigned max_call_depth) {
  // The packaged runtime counts call depth in one global; here it is one
  // counter per thread (plug-ins run on several audio threads). The
  // header's `extern uint32_t wasm_rt_call_stack_depth;` becomes a harmless
  // redeclaration of the inline accessor.
  return "#ifndef ACG_WASM_RT_WRAPPER_H\n"
         "#define ACG_WASM_RT_WRAPPER_H\n"
         "#include <stdint.h>\n"
         "static __thread uint32_t acg_depth_tls __attribute__((tls_model(\"initial-exec\")));\n"
         "static inline uint32_t* acg_depth_ptr(void) { return &acg_depth_tls; }\n"
         "#define wasm_rt_call_stack_depth (*acg_depth_ptr())\n"
         "#define WASM_RT_USE_STACK_DEPTH_COUNT 1\n"
         "#define WASM_RT_MAX_CALL_STACK_DEPTH " +
         std::to_string(max_call_depth) +
         "\n"
         "#include \"" +
         system_header +
         "\"\n"
         "#endif\n";
}

namespace {

// The C around wasm2c's output (plugin.c), compiled into one shared object
// per plug-in: the wasm-rt runtime as the generated code uses it, calling
// back into the host through a table of functions.
constexpr const char* kGlueRuntime = R"(#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.c"

#define ACG_API __attribute__((visibility("default")))

struct acg_host {
  void (*trap)(int code);
  void (*allocate_memory)(wasm_rt_memory_t*, uint32_t, uint32_t);
  uint32_t (*grow_memory)(wasm_rt_memory_t*, uint32_t);
  void (*free_memory)(wasm_rt_memory_t*);
};
static const struct acg_host* acg_host_table;

struct Z_ac_instance_t {
  void* ctx;
  wasm_rt_memory_t* memory;
  void (*log)(void* ctx, const uint8_t* text, uint32_t length);
};

typedef struct {
  Z_plugin_instance_t w;
  struct Z_ac_instance_t imports;
} acg_instance;

/* wasm-rt, as the generated code uses it */
void wasm_rt_trap(wasm_rt_trap_t code) {
  acg_host_table->trap((int)code);
  abort();
}

bool wasm_rt_is_initialized(void) { return acg_host_table != NULL; }

/* Function types are compared within this module only. */
static struct acg_type { uint32_t params, results; wasm_rt_type_t* types; } *acg_types;
static uint32_t acg_type_count;

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  wasm_rt_type_t* types = (wasm_rt_type_t*)calloc(params + results + 1, sizeof(wasm_rt_type_t));
  va_list ap;
  va_start(ap, results);
  for (uint32_t i = 0; i < params + results; ++i) types[i] = (wasm_rt_type_t)va_arg(ap, int);
  va_end(ap);
  for (uint32_t i = 0; i < acg_type_count; ++i) {
    if (acg_types[i].params == params && acg_types[i].results == results &&
        memcmp(acg_types[i].types, types, (params + results) * sizeof(wasm_rt_type_t)) == 0) {
      free(types);
      return i;
    }
  }
  acg_types = (struct acg_type*)realloc(acg_types, (acg_type_count + 1) * sizeof *acg_types);
  acg_types[acg_type_count].params = params;
  acg_types[acg_type_count].results = results;
  acg_types[acg_type_count].types = types;
  return acg_type_count++;
}

void wasm_rt_allocate_memory(wasm_rt_memory_t* m, uint32_t initial, uint32_t max) {
  acg_host_table->allocate_memory(m, initial, max);
}
uint32_t wasm_rt_grow_memory(wasm_rt_memory_t* m, uint32_t delta) { return acg_host_table->grow_memory(m, delta); }
void wasm_rt_free_memory(wasm_rt_memory_t* m) { acg_host_table->free_memory(m); }

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t* t, uint32_t n, uint32_t max) {
  t->data = (wasm_rt_funcref_t*)calloc(n ? n : 1, sizeof(wasm_rt_funcref_t));
  t->size = n;
  t->max_size = max;
}
void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t* t) { free(t->data); }
uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t* t, uint32_t delta, wasm_rt_funcref_t init) {
  const uint32_t old = t->size;
  if ((uint64_t)old + delta > t->max_size) return (uint32_t)-1;
  wasm_rt_funcref_t* d = (wasm_rt_funcref_t*)realloc(t->data, ((size_t)old + delta + 1) * sizeof *d);
  if (!d) return (uint32_t)-1;
  for (uint32_t i = 0; i < delta; ++i) d[old + i] = init;
  t->data = d;
  t->size = old + delta;
  return old;
}
void wasm_rt_allocate_externref_table(wasm_rt_externref_table_t* t, uint32_t n, uint32_t max) {
  t->data = (wasm_rt_externref_t*)calloc(n ? n : 1, sizeof(wasm_rt_externref_t));
  t->size = n;
  t->max_size = max;
}
void wasm_rt_free_externref_table(wasm_rt_externref_table_t* t) { free(t->data); }
uint32_t wasm_rt_grow_externref_table(wasm_rt_externref_table_t* t, uint32_t delta, wasm_rt_externref_t init) {
  const uint32_t old = t->size;
  if ((uint64_t)old + delta > t->max_size) return (uint32_t)-1;
  wasm_rt_externref_t* d = (wasm_rt_externref_t*)realloc(t->data, ((size_t)old + delta + 1) * sizeof *d);
  if (!d) return (uint32_t)-1;
  for (uint32_t i = 0; i < delta; ++i) d[old + i] = init;
  t->data = d;
  t->size = old + delta;
  return old;
}

/* Exceptions are not part of the ABI: a throw is an uncaught exception. */
static uint32_t acg_tags;
uint32_t wasm_rt_register_tag(uint32_t size) { (void)size; return acg_tags++; }
void wasm_rt_load_exception(uint32_t tag, uint32_t size, const void* values) { (void)tag; (void)size; (void)values; }
void wasm_rt_throw(void) { wasm_rt_trap(WASM_RT_TRAP_UNCAUGHT_EXCEPTION); }
WASM_RT_UNWIND_TARGET* wasm_rt_get_unwind_target(void) { return NULL; }
void wasm_rt_set_unwind_target(WASM_RT_UNWIND_TARGET* target) { (void)target; }
uint32_t wasm_rt_exception_tag(void) { return 0; }
uint32_t wasm_rt_exception_size(void) { return 0; }
void* wasm_rt_exception(void) { return NULL; }

)";

// The imports of module "ac" the generated code calls.
constexpr const char* kGlueImports = R"(/* The imports of module "ac" (docs/spec/plugin-abi.md "Imports"). */
void Z_acZ_log_message(struct Z_ac_instance_t* i, u32 text, u32 length) {
  if ((uint64_t)text + length > i->memory->size) wasm_rt_trap(WASM_RT_TRAP_OOB);
  i->log(i->ctx, i->memory->data + text, length);
}
f32 Z_acZ_sinf(struct Z_ac_instance_t* i, f32 x) { (void)i; return sinf(x); }
f32 Z_acZ_cosf(struct Z_ac_instance_t* i, f32 x) { (void)i; return cosf(x); }
f32 Z_acZ_tanf(struct Z_ac_instance_t* i, f32 x) { (void)i; return tanf(x); }
f32 Z_acZ_expf(struct Z_ac_instance_t* i, f32 x) { (void)i; return expf(x); }
f32 Z_acZ_logf(struct Z_ac_instance_t* i, f32 x) { (void)i; return logf(x); }
f32 Z_acZ_powf(struct Z_ac_instance_t* i, f32 x, f32 y) { (void)i; return powf(x, y); }
f64 Z_acZ_sin(struct Z_ac_instance_t* i, f64 x) { (void)i; return sin(x); }
f64 Z_acZ_cos(struct Z_ac_instance_t* i, f64 x) { (void)i; return cos(x); }
f64 Z_acZ_tan(struct Z_ac_instance_t* i, f64 x) { (void)i; return tan(x); }
f64 Z_acZ_exp(struct Z_ac_instance_t* i, f64 x) { (void)i; return exp(x); }
f64 Z_acZ_log(struct Z_ac_instance_t* i, f64 x) { (void)i; return log(x); }
f64 Z_acZ_pow(struct Z_ac_instance_t* i, f64 x, f64 y) { (void)i; return pow(x, y); }

)";

// The entry points the host looks up (aot_instance.cpp), up to
// acg_instantiate's body, which depends on the module.
constexpr const char* kGlueEntries = R"(/* Entry points for the host. */
ACG_API const char* acg_version(void) { return ACG_VERSION; }
ACG_API size_t acg_instance_size(void) { return sizeof(acg_instance); }
ACG_API void acg_set_host(const struct acg_host* h) { acg_host_table = h; }
ACG_API void acg_init_module(void) { Z_plugin_init_module(); }
ACG_API void acg_reset_depth(void) { *acg_depth_ptr() = 0; }
ACG_API void acg_instantiate(acg_instance* a, void* ctx, void (*log)(void*, const uint8_t*, uint32_t)) {
  a->imports.ctx = ctx;
  a->imports.log = log;
  a->imports.memory = NULL;
)";

}  // namespace

std::string glue_source(bool has_imports, bool has_initialize) {
  std::string s = std::string(kGlueRuntime) + kGlueImports + kGlueEntries;
  s += has_imports ? "  Z_plugin_instantiate(&a->w, &a->imports);\n" : "  Z_plugin_instantiate(&a->w);\n";
  s += R"(  a->imports.memory = Z_pluginZ_memory(&a->w);
}
ACG_API void acg_free(acg_instance* a) { Z_plugin_free(&a->w); }
ACG_API wasm_rt_memory_t* acg_memory(acg_instance* a) { return Z_pluginZ_memory(&a->w); }
)";
  s += has_initialize ? "ACG_API void acg_initialize(acg_instance* a) { Z_pluginZ__initialize(&a->w); }\n"
                      : "ACG_API void acg_initialize(acg_instance* a) { (void)a; }\n";
  s += R"(ACG_API u32 acg_abi_version(acg_instance* a) { return Z_pluginZ_ac_plugin_abi_version(&a->w); }
ACG_API u32 acg_descriptor(acg_instance* a) { return Z_pluginZ_ac_plugin_descriptor(&a->w); }
ACG_API u32 acg_plugin_instantiate(acg_instance* a, f64 rate, u32 block) {
  return Z_pluginZ_ac_plugin_instantiate(&a->w, rate, block);
}
ACG_API void acg_process(acg_instance* a, u32 frames) { Z_pluginZ_ac_plugin_process(&a->w, frames); }
ACG_API void acg_reset(acg_instance* a) { Z_pluginZ_ac_plugin_reset(&a->w); }
ACG_API u32 acg_save_state(acg_instance* a) { return Z_pluginZ_ac_plugin_save_state(&a->w); }
ACG_API u32 acg_load_state(acg_instance* a, u32 size) { return Z_pluginZ_ac_plugin_load_state(&a->w, size); }
)";
  s.replace(s.find("ACG_VERSION"), 11, std::string("\"") + kGlueVersion + "\"");
  return s;
}

}  // namespace ac::wasm
