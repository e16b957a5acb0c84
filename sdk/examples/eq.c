/* Parametric EQ: low shelf, one peaking band, high shelf (the RBJ "Audio EQ
 * Cookbook" biquads), stereo. Coefficients are recomputed when a parameter
 * event arrives, at its frame. */
#include <math.h>

#include "audiocloud_plugin.h"

#define MAX_BLOCK 8192
#define CHANNELS 2
#define BANDS 3

enum { LOW_FREQ, LOW_GAIN, MID_FREQ, MID_GAIN, MID_Q, HIGH_FREQ, HIGH_GAIN, PARAMS };

static const ac_port_info in_ports[] = {{"in", CHANNELS}};
static const ac_port_info out_ports[] = {{"out", CHANNELS}};
static const ac_param_info params[PARAMS] = {
    {"low_freq", "Low shelf frequency", "Hz", 20.0f, 2000.0f, 100.0f, AC_CURVE_LOG},
    {"low_gain", "Low shelf gain", "dB", -24.0f, 24.0f, 0.0f, AC_CURVE_LINEAR},
    {"mid_freq", "Peak frequency", "Hz", 20.0f, 20000.0f, 1000.0f, AC_CURVE_LOG},
    {"mid_gain", "Peak gain", "dB", -24.0f, 24.0f, 0.0f, AC_CURVE_LINEAR},
    {"mid_q", "Peak Q", "", 0.1f, 20.0f, 0.7071f, AC_CURVE_LOG},
    {"high_freq", "High shelf frequency", "Hz", 1000.0f, 20000.0f, 8000.0f, AC_CURVE_LOG},
    {"high_gain", "High shelf gain", "dB", -24.0f, 24.0f, 0.0f, AC_CURVE_LINEAR},
};
static const ac_descriptor descriptor = {
    AC_PLUGIN_ABI_VERSION, "org.audiocloud.example.eq", "Parametric EQ", "audiocloud examples", "1.0.0", 1, in_ports,
    1, out_ports, 0, 0, PARAMS, params, 0, 0};

static float in_buf[CHANNELS][MAX_BLOCK], out_buf[CHANNELS][MAX_BLOCK];
static float* in_ptrs[CHANNELS] = {in_buf[0], in_buf[1]};
static float* out_ptrs[CHANNELS] = {out_buf[0], out_buf[1]};
static ac_event events_in[256];
static ac_io io = {in_ptrs, out_ptrs, events_in, 256, 0, 0, 0, 0, 0};

typedef struct { double b0, b1, b2, a1, a2; } coeffs;
static coeffs band[BANDS];
static double z1[BANDS][CHANNELS], z2[BANDS][CHANNELS];
static float value[PARAMS];
static double rate = 48000.0;

enum { SHELF_LOW, PEAK, SHELF_HIGH };

static coeffs design(int kind, double f0, double gain_db, double q) {
  const double A = pow(10.0, gain_db / 40.0), w0 = 2.0 * M_PI * f0 / rate;
  const double c = cos(w0), s = sin(w0);
  double b0, b1, b2, a0, a1, a2;
  if (kind == PEAK) {
    const double alpha = s / (2.0 * q);
    b0 = 1 + alpha * A; b1 = -2 * c; b2 = 1 - alpha * A;
    a0 = 1 + alpha / A; a1 = -2 * c; a2 = 1 - alpha / A;
  } else {
    const double alpha = s / 2.0 * sqrt(2.0); /* shelf slope S = 1 */
    const double sq = 2.0 * sqrt(A) * alpha;
    if (kind == SHELF_LOW) {
      b0 = A * ((A + 1) - (A - 1) * c + sq); b1 = 2 * A * ((A - 1) - (A + 1) * c); b2 = A * ((A + 1) - (A - 1) * c - sq);
      a0 = (A + 1) + (A - 1) * c + sq; a1 = -2 * ((A - 1) + (A + 1) * c); a2 = (A + 1) + (A - 1) * c - sq;
    } else {
      b0 = A * ((A + 1) + (A - 1) * c + sq); b1 = -2 * A * ((A - 1) + (A + 1) * c); b2 = A * ((A + 1) + (A - 1) * c - sq);
      a0 = (A + 1) - (A - 1) * c + sq; a1 = 2 * ((A - 1) - (A + 1) * c); a2 = (A + 1) - (A - 1) * c - sq;
    }
  }
  coeffs k = {b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
  return k;
}

static void update(void) {
  band[0] = design(SHELF_LOW, value[LOW_FREQ], value[LOW_GAIN], 0.7071);
  band[1] = design(PEAK, value[MID_FREQ], value[MID_GAIN], value[MID_Q]);
  band[2] = design(SHELF_HIGH, value[HIGH_FREQ], value[HIGH_GAIN], 0.7071);
}

AC_EXPORT(ac_plugin_abi_version) uint32_t ac_plugin_abi_version(void) { return AC_PLUGIN_ABI_VERSION; }
AC_EXPORT(ac_plugin_descriptor) const ac_descriptor* ac_plugin_descriptor(void) { return &descriptor; }

AC_EXPORT(ac_plugin_reset) void ac_plugin_reset(void) {
  for (int b = 0; b < BANDS; ++b)
    for (int c = 0; c < CHANNELS; ++c) z1[b][c] = z2[b][c] = 0.0;
}

AC_EXPORT(ac_plugin_instantiate) ac_io* ac_plugin_instantiate(double sample_rate, uint32_t max_block) {
  if (max_block > MAX_BLOCK || sample_rate <= 0.0) return 0;
  rate = sample_rate;
  for (int p = 0; p < PARAMS; ++p) value[p] = params[p].default_value;
  update();
  ac_plugin_reset();
  return &io;
}

static void run(uint32_t from, uint32_t to) {
  for (int c = 0; c < CHANNELS; ++c) {
    for (uint32_t i = from; i < to; ++i) {
      double x = in_buf[c][i];
      for (int b = 0; b < BANDS; ++b) { /* transposed direct form II */
        const coeffs* k = &band[b];
        const double y = k->b0 * x + z1[b][c];
        z1[b][c] = k->b1 * x - k->a1 * y + z2[b][c];
        z2[b][c] = k->b2 * x - k->a2 * y;
        x = y;
      }
      out_buf[c][i] = (float)x;
    }
  }
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

AC_EXPORT(ac_plugin_save_state) uint32_t ac_plugin_save_state(void) { return 0; }
AC_EXPORT(ac_plugin_load_state) uint32_t ac_plugin_load_state(uint32_t size) { return size == 0 ? 0 : 1; }
