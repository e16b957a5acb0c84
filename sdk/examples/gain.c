/* Gain: stereo in, stereo out, one parameter in dB, smoothed per sample so a
 * jump in the parameter does not click. The smallest complete plug-in. */
#include <math.h>

#include "audiocloud_plugin.h"

#define MAX_BLOCK 8192
#define CHANNELS 2

static const ac_port_info in_ports[] = {{"in", CHANNELS}};
static const ac_port_info out_ports[] = {{"out", CHANNELS}};
static const ac_param_info params[] = {{"gain", "Gain", "dB", -90.0f, 24.0f, 0.0f, AC_CURVE_LINEAR}};
static const ac_descriptor descriptor = {
    AC_PLUGIN_ABI_VERSION, "org.audiocloud.example.gain", "Gain", "audiocloud examples", "1.0.0", 1, in_ports, 1,
    out_ports, 0, 0, 1, params, 0, sizeof(float)};

static float in_buf[CHANNELS][MAX_BLOCK], out_buf[CHANNELS][MAX_BLOCK];
static float* in_ptrs[CHANNELS] = {in_buf[0], in_buf[1]};
static float* out_ptrs[CHANNELS] = {out_buf[0], out_buf[1]};
static ac_event events_in[256];
static uint8_t state[sizeof(float)];
static ac_io io = {in_ptrs, out_ptrs, events_in, 256, 0, 0, 0, 0, state};

static float target_gain = 1.0f, gain = 1.0f, step_coeff = 0.0f;

static float db_to_gain(float db) { return db <= -90.0f ? 0.0f : powf(10.0f, db / 20.0f); }

AC_EXPORT(ac_plugin_abi_version) uint32_t ac_plugin_abi_version(void) { return AC_PLUGIN_ABI_VERSION; }
AC_EXPORT(ac_plugin_descriptor) const ac_descriptor* ac_plugin_descriptor(void) { return &descriptor; }

AC_EXPORT(ac_plugin_instantiate) ac_io* ac_plugin_instantiate(double sample_rate, uint32_t max_block) {
  if (max_block > MAX_BLOCK || sample_rate <= 0.0) return 0;
  step_coeff = 1.0f - expf(-1.0f / (0.005f * (float)sample_rate)); /* 5 ms one-pole */
  return &io;
}

AC_EXPORT(ac_plugin_process) void ac_plugin_process(uint32_t frames) {
  uint32_t next = 0;
  for (uint32_t i = 0; i < frames; ++i) {
    while (next < io.events_in_count && events_in[next].frame <= i) {
      const ac_event* e = &events_in[next++];
      if (e->type == AC_EVENT_PARAM && e->data[0] == 0) {
        union { uint32_t u; float f; } v = {e->data[1]};
        target_gain = db_to_gain(v.f);
      }
    }
    gain += (target_gain - gain) * step_coeff;
    for (int c = 0; c < CHANNELS; ++c) out_buf[c][i] = in_buf[c][i] * gain;
  }
}

AC_EXPORT(ac_plugin_reset) void ac_plugin_reset(void) { gain = target_gain; }

AC_EXPORT(ac_plugin_save_state) uint32_t ac_plugin_save_state(void) {
  __builtin_memcpy(state, &gain, sizeof gain);
  return sizeof gain;
}

AC_EXPORT(ac_plugin_load_state) uint32_t ac_plugin_load_state(uint32_t size) {
  if (size != sizeof gain) return 1;
  __builtin_memcpy(&gain, state, sizeof gain);
  return 0;
}
