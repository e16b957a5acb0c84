/* Wraps a Faust DSP compiled with `faust -lang c -cn FAUST_CLASS` as an
 * audiocloud plug-in: its sliders and number entries become parameters (in
 * the order Faust declares them), its inputs and outputs one port each.
 * Build: clang --target=wasm32-wasi -DFAUST_CLASS=name
 *        -DFAUST_SOURCE='"name.c"' -DFAUST_ID='"org.example.name"' ... */
#include <stdlib.h>
#include <string.h>

#include "audiocloud_plugin.h"

#define FAUSTFLOAT float
#include FAUST_CINTERFACE
/* Helpers Faust's C output expects from its architecture file. */
static inline int max(int a, int b) { return a > b ? a : b; }
static inline int min(int a, int b) { return a < b ? a : b; }
#include FAUST_SOURCE

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define F(fn) CAT(fn, FAUST_CLASS)

#define MAX_BLOCK 8192
#define MAX_CHANNELS 16
#define MAX_PARAMS 64

static FAUST_CLASS* dsp;
static ac_param_info params[MAX_PARAMS];
static FAUSTFLOAT* zones[MAX_PARAMS];
static uint32_t param_count;
static ac_port_info in_port = {"in", 1}, out_port = {"out", 1};
static ac_descriptor descriptor = {AC_PLUGIN_ABI_VERSION, FAUST_ID, FAUST_NAME, "audiocloud examples (Faust)", "1.0.0"};

static float buffers[2 * MAX_CHANNELS][MAX_BLOCK];
static float* in_ptrs[MAX_CHANNELS];
static float* out_ptrs[MAX_CHANNELS];
static ac_event events_in[256];
static ac_io io = {in_ptrs, out_ptrs, events_in, 256, 0, 0, 0, 0, 0};

static void add_param(void* ui, const char* label, FAUSTFLOAT* zone, FAUSTFLOAT init, FAUSTFLOAT min, FAUSTFLOAT max,
                      FAUSTFLOAT step) {
  (void)ui;
  (void)step;
  if (param_count >= MAX_PARAMS) return;
  ac_param_info* p = &params[param_count];
  p->id = label;
  p->name = label;
  p->unit = "";
  p->min = min;
  p->max = max;
  p->default_value = init;
  p->curve = AC_CURVE_LINEAR;
  zones[param_count++] = zone;
}
static void add_unit(void* ui, FAUSTFLOAT* zone, const char* key, const char* value) {
  (void)ui;
  if (strcmp(key, "unit") != 0) return;
  for (uint32_t i = 0; i < param_count; ++i)
    if (zones[i] == zone) params[i].unit = value;
  /* Faust declares metadata before the widget: remember it for the next one. */
  if (param_count < MAX_PARAMS) params[param_count].unit = value;
}
static void open_box(void* ui, const char* label) { (void)ui; (void)label; }
static void close_box(void* ui) { (void)ui; }
static void add_button(void* ui, const char* label, FAUSTFLOAT* zone) { add_param(ui, label, zone, 0, 0, 1, 1); }
static void add_bargraph(void* ui, const char* label, FAUSTFLOAT* zone, FAUSTFLOAT min, FAUSTFLOAT max) {
  (void)ui; (void)label; (void)zone; (void)min; (void)max;
}

static void describe(void) {
  if (dsp) return;
  dsp = F(new)();
  for (uint32_t i = 0; i < MAX_PARAMS; ++i) params[i].unit = "";
  UIGlue ui = {0,        open_box,   open_box,     open_box,     close_box,     add_button, add_button,
               add_param, add_param, add_param,    add_bargraph, add_bargraph, 0,          add_unit};
  F(buildUserInterface)(dsp, &ui);
  for (uint32_t i = 0; i < param_count; ++i)
    if (!params[i].unit) params[i].unit = "";
  in_port.channels = (uint32_t)F(getNumInputs)(dsp);
  out_port.channels = (uint32_t)F(getNumOutputs)(dsp);
  descriptor.audio_input_count = in_port.channels ? 1 : 0;
  descriptor.audio_inputs = &in_port;
  descriptor.audio_output_count = 1;
  descriptor.audio_outputs = &out_port;
  descriptor.param_count = param_count;
  descriptor.params = params;
}

AC_EXPORT(ac_plugin_abi_version) uint32_t ac_plugin_abi_version(void) { return AC_PLUGIN_ABI_VERSION; }
AC_EXPORT(ac_plugin_descriptor) const ac_descriptor* ac_plugin_descriptor(void) {
  describe();
  return &descriptor;
}

AC_EXPORT(ac_plugin_instantiate) ac_io* ac_plugin_instantiate(double sample_rate, uint32_t max_block) {
  describe();
  if (max_block > MAX_BLOCK || in_port.channels > MAX_CHANNELS || out_port.channels > MAX_CHANNELS) return 0;
  for (int c = 0; c < MAX_CHANNELS; ++c) {
    in_ptrs[c] = buffers[c];
    out_ptrs[c] = buffers[MAX_CHANNELS + c];
  }
  F(init)(dsp, (int)sample_rate);
  return &io;
}

AC_EXPORT(ac_plugin_process) void ac_plugin_process(uint32_t frames) {
  float* ins[MAX_CHANNELS];
  float* outs[MAX_CHANNELS];
  uint32_t done = 0;
  for (uint32_t e = 0; e <= io.events_in_count; ++e) {
    const uint32_t at = e < io.events_in_count ? (events_in[e].frame < frames ? events_in[e].frame : frames) : frames;
    if (at > done) {
      for (uint32_t c = 0; c < MAX_CHANNELS; ++c) {
        ins[c] = in_ptrs[c] + done;
        outs[c] = out_ptrs[c] + done;
      }
      F(compute)(dsp, (int)(at - done), ins, outs);
      done = at;
    }
    if (e < io.events_in_count && events_in[e].type == AC_EVENT_PARAM && events_in[e].data[0] < param_count) {
      union { uint32_t u; float f; } v = {events_in[e].data[1]};
      *zones[events_in[e].data[0]] = v.f;
    }
  }
}

AC_EXPORT(ac_plugin_reset) void ac_plugin_reset(void) { F(instanceClear)(dsp); }
AC_EXPORT(ac_plugin_save_state) uint32_t ac_plugin_save_state(void) { return 0; }
AC_EXPORT(ac_plugin_load_state) uint32_t ac_plugin_load_state(uint32_t size) { return size == 0 ? 0 : 1; }
