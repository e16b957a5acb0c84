/* A Freeverb-style reverb (Schroeder–Moorer: eight damped feedback combs in
 * parallel, four allpasses in series, per channel; the right channel's delays
 * are 23 samples longer). Its state (the delay lines) is saved and loaded,
 * so a swapped-in build continues the tail. */
#include <string.h>

#include "audiocloud_plugin.h"

#define MAX_BLOCK 8192
#define CHANNELS 2
#define COMBS 8
#define ALLPASSES 4
#define MAX_DELAY 8192 /* samples, enough for 192 kHz */

enum { ROOM, DAMP, WET, DRY, PARAMS };

static const ac_port_info in_ports[] = {{"in", CHANNELS}};
static const ac_port_info out_ports[] = {{"out", CHANNELS}};
static const ac_param_info params[PARAMS] = {
    {"room_size", "Room size", "", 0.0f, 1.0f, 0.5f, AC_CURVE_LINEAR},
    {"damping", "Damping", "", 0.0f, 1.0f, 0.5f, AC_CURVE_LINEAR},
    {"wet", "Wet level", "", 0.0f, 1.0f, 0.33f, AC_CURVE_LINEAR},
    {"dry", "Dry level", "", 0.0f, 1.0f, 1.0f, AC_CURVE_LINEAR},
};

typedef struct {
  float comb[COMBS][CHANNELS][MAX_DELAY];
  float comb_filter[COMBS][CHANNELS];
  uint32_t comb_pos[COMBS][CHANNELS];
  float allpass[ALLPASSES][CHANNELS][MAX_DELAY];
  uint32_t allpass_pos[ALLPASSES][CHANNELS];
} lines;

static const ac_descriptor descriptor = {
    AC_PLUGIN_ABI_VERSION, "org.audiocloud.example.reverb", "Freeverb-style reverb", "audiocloud examples", "1.0.0",
    1, in_ports, 1, out_ports, 0, 0, PARAMS, params, 0, sizeof(lines)};

static float in_buf[CHANNELS][MAX_BLOCK], out_buf[CHANNELS][MAX_BLOCK];
static float* in_ptrs[CHANNELS] = {in_buf[0], in_buf[1]};
static float* out_ptrs[CHANNELS] = {out_buf[0], out_buf[1]};
static ac_event events_in[256];
static lines state_buf;
static ac_io io = {in_ptrs, out_ptrs, events_in, 256, 0, 0, 0, 0, (uint8_t*)&state_buf};

static lines d;
static uint32_t comb_len[COMBS][CHANNELS], allpass_len[ALLPASSES][CHANNELS];
static float value[PARAMS];
static float feedback, damp;

static const uint32_t comb_tuning[COMBS] = {1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617};
static const uint32_t allpass_tuning[ALLPASSES] = {556, 441, 341, 225};

static void update(void) {
  feedback = 0.7f + 0.28f * value[ROOM];
  damp = 0.4f * value[DAMP];
}

AC_EXPORT(ac_plugin_abi_version) uint32_t ac_plugin_abi_version(void) { return AC_PLUGIN_ABI_VERSION; }
AC_EXPORT(ac_plugin_descriptor) const ac_descriptor* ac_plugin_descriptor(void) { return &descriptor; }

AC_EXPORT(ac_plugin_reset) void ac_plugin_reset(void) { memset(&d, 0, sizeof d); }

AC_EXPORT(ac_plugin_instantiate) ac_io* ac_plugin_instantiate(double sample_rate, uint32_t max_block) {
  if (max_block > MAX_BLOCK || sample_rate < 8000.0 || sample_rate > 192000.0) return 0;
  const double scale = sample_rate / 44100.0;
  for (int c = 0; c < CHANNELS; ++c) {
    for (int k = 0; k < COMBS; ++k) comb_len[k][c] = (uint32_t)((comb_tuning[k] + 23 * c) * scale);
    for (int k = 0; k < ALLPASSES; ++k) allpass_len[k][c] = (uint32_t)((allpass_tuning[k] + 23 * c) * scale);
  }
  for (int p = 0; p < PARAMS; ++p) value[p] = params[p].default_value;
  update();
  ac_plugin_reset();
  return &io;
}

static float tick(int c, float x) {
  const float input = x * 0.015f; /* Freeverb's fixed input gain */
  float sum = 0.0f;
  for (int k = 0; k < COMBS; ++k) {
    float* line = d.comb[k][c];
    uint32_t* pos = &d.comb_pos[k][c];
    const float y = line[*pos];
    d.comb_filter[k][c] = y * (1.0f - damp) + d.comb_filter[k][c] * damp;
    line[*pos] = input + d.comb_filter[k][c] * feedback;
    if (++*pos >= comb_len[k][c]) *pos = 0;
    sum += y;
  }
  for (int k = 0; k < ALLPASSES; ++k) {
    float* line = d.allpass[k][c];
    uint32_t* pos = &d.allpass_pos[k][c];
    const float b = line[*pos];
    line[*pos] = sum + b * 0.5f;
    sum = b - sum;
    if (++*pos >= allpass_len[k][c]) *pos = 0;
  }
  return sum;
}

static void run(uint32_t from, uint32_t to) {
  const float wet = value[WET] * 3.0f, dry = value[DRY];
  for (int c = 0; c < CHANNELS; ++c)
    for (uint32_t i = from; i < to; ++i) out_buf[c][i] = tick(c, in_buf[c][i]) * wet + in_buf[c][i] * dry;
}

AC_EXPORT(ac_plugin_process) void ac_plugin_process(uint32_t frames) {
  uint32_t done = 0;
  for (uint32_t e = 0; e < io.events_in_count; ++e) {
    const ac_event* ev = &events_in[e];
    if (ev->type != AC_EVENT_PARAM || ev->data[0] >= PARAMS) continue;
    const uint32_t at = ev->frame < frames ? ev->frame : frames;
    run(done, at);
    done = at;
    union { uint32_t u; float f; } v = {ev->data[1]};
    value[ev->data[0]] = v.f;
    update();
  }
  run(done, frames);
}

AC_EXPORT(ac_plugin_save_state) uint32_t ac_plugin_save_state(void) {
  memcpy(&state_buf, &d, sizeof d);
  return sizeof d;
}
AC_EXPORT(ac_plugin_load_state) uint32_t ac_plugin_load_state(uint32_t size) {
  if (size != sizeof d) return 1;
  memcpy(&d, &state_buf, sizeof d);
  return 0;
}
