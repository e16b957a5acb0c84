/* A polyphonic synth driven by UMP notes: MIDI 1.0 channel voice (type 2)
 * and MIDI 2.0 (type 4) note on/off, 16 voices, a band-limited-enough sine
 * plus a soft second harmonic, linear attack/release. A note starts at the
 * frame its event carries. Pitch: 440 Hz * 2^((note - 69) / 12). */
#include <math.h>

#include "audiocloud_plugin.h"

#define MAX_BLOCK 8192
#define VOICES 16

enum { LEVEL, ATTACK, RELEASE, PARAMS };

static const ac_port_info out_ports[] = {{"out", 1}};
static const ac_param_info params[PARAMS] = {
    {"level", "Level", "dB", -60.0f, 0.0f, -12.0f, AC_CURVE_LINEAR},
    {"attack", "Attack", "ms", 0.0f, 2000.0f, 2.0f, AC_CURVE_LINEAR},
    {"release", "Release", "ms", 1.0f, 5000.0f, 50.0f, AC_CURVE_LINEAR},
};
static const ac_descriptor descriptor = {
    AC_PLUGIN_ABI_VERSION, "org.audiocloud.example.synth", "Poly synth", "audiocloud examples", "1.0.0", 0, 0, 1,
    out_ports, 1, 0, PARAMS, params, 0, 0};

static float out_buf[1][MAX_BLOCK];
static float* out_ptrs[1] = {out_buf[0]};
static ac_event events_in[1024];
static ac_io io = {0, out_ptrs, events_in, 1024, 0, 0, 0, 0, 0};

typedef struct {
  int note; /* -1: free */
  double phase, step;
  float env, velocity;
  int releasing;
} voice;
static voice voices[VOICES];
static float value[PARAMS];
static double rate = 48000.0;

AC_EXPORT(ac_plugin_abi_version) uint32_t ac_plugin_abi_version(void) { return AC_PLUGIN_ABI_VERSION; }
AC_EXPORT(ac_plugin_descriptor) const ac_descriptor* ac_plugin_descriptor(void) { return &descriptor; }
AC_EXPORT(ac_plugin_reset) void ac_plugin_reset(void) {
  for (int v = 0; v < VOICES; ++v) voices[v].note = -1;
}
AC_EXPORT(ac_plugin_instantiate) ac_io* ac_plugin_instantiate(double sample_rate, uint32_t max_block) {
  if (max_block > MAX_BLOCK || sample_rate <= 0.0) return 0;
  rate = sample_rate;
  for (int p = 0; p < PARAMS; ++p) value[p] = params[p].default_value;
  ac_plugin_reset();
  return &io;
}

static void note_on(int note, float velocity) {
  int pick = 0;
  for (int v = 0; v < VOICES; ++v) {
    if (voices[v].note < 0) { pick = v; break; }
    if (voices[v].releasing) pick = v;
  }
  voice* s = &voices[pick];
  s->note = note;
  s->phase = 0.0;
  s->step = 440.0 * pow(2.0, (note - 69) / 12.0) / rate;
  s->env = 0.0f;
  s->velocity = velocity;
  s->releasing = 0;
}

static void note_off(int note) {
  for (int v = 0; v < VOICES; ++v)
    if (voices[v].note == note && !voices[v].releasing) voices[v].releasing = 1;
}

static void handle(const ac_event* e) {
  if (e->type == AC_EVENT_PARAM) {
    if (e->data[0] < PARAMS) {
      union { uint32_t u; float f; } v = {e->data[1]};
      value[e->data[0]] = v.f;
    }
    return;
  }
  const uint32_t w = e->data[0], mt = w >> 28, status = (w >> 20) & 0xF, note = (w >> 8) & 0x7F;
  if (mt == 2) {
    const uint32_t vel = w & 0x7F;
    if (status == 0x9 && vel > 0) note_on((int)note, vel / 127.0f);
    else if (status == 0x8 || status == 0x9) note_off((int)note);
  } else if (mt == 4) {
    const uint32_t vel16 = e->data[1] >> 16;
    if (status == 0x9 && vel16 > 0) note_on((int)note, vel16 / 65535.0f);
    else if (status == 0x8 || status == 0x9) note_off((int)note);
  }
}

static void render(uint32_t from, uint32_t to) {
  const float level = powf(10.0f, value[LEVEL] / 20.0f);
  const float up = value[ATTACK] <= 0.0f ? 1.0f : (float)(1000.0 / (value[ATTACK] * rate));
  const float down = (float)(1000.0 / (value[RELEASE] * rate));
  for (uint32_t i = from; i < to; ++i) out_buf[0][i] = 0.0f;
  for (int v = 0; v < VOICES; ++v) {
    voice* s = &voices[v];
    if (s->note < 0) continue;
    for (uint32_t i = from; i < to; ++i) {
      if (s->releasing) {
        s->env -= down;
        if (s->env <= 0.0f) { s->note = -1; break; }
      } else if (s->env < 1.0f) {
        s->env = s->env + up > 1.0f ? 1.0f : s->env + up;
      }
      const double x = 2.0 * M_PI * s->phase;
      out_buf[0][i] += level * s->velocity * s->env * (float)(sin(x) + 0.2 * sin(2.0 * x)) / 1.2f;
      s->phase += s->step;
      if (s->phase >= 1.0) s->phase -= 1.0;
    }
  }
}

AC_EXPORT(ac_plugin_process) void ac_plugin_process(uint32_t frames) {
  uint32_t done = 0;
  for (uint32_t e = 0; e < io.events_in_count; ++e) {
    const uint32_t at = events_in[e].frame < frames ? events_in[e].frame : frames;
    render(done, at);
    done = at;
    handle(&events_in[e]);
  }
  render(done, frames);
}

AC_EXPORT(ac_plugin_save_state) uint32_t ac_plugin_save_state(void) { return 0; }
AC_EXPORT(ac_plugin_load_state) uint32_t ac_plugin_load_state(uint32_t size) { return size == 0 ? 0 : 1; }
