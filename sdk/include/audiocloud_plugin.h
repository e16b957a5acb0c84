/* audiocloud plug-in ABI, version 1 (docs/spec/plugin-abi.md).
 *
 * Plain C for any language that targets wasm32. A plug-in is a WebAssembly
 * module that exports its linear memory as "memory" and the functions below
 * (AC_EXPORT marks them). All structures live in the plug-in's linear memory;
 * pointers are 32-bit offsets into it, integers little-endian. The host reads
 * the descriptor and the io block, checks every offset and size against the
 * memory, and never trusts them further than that.
 *
 * Call order: [_initialize] -> ac_plugin_abi_version -> ac_plugin_descriptor
 * -> ac_plugin_instantiate -> (ac_plugin_process | ac_plugin_reset |
 * ac_plugin_save_state | ac_plugin_load_state)*. All calls come from one
 * thread at a time; process() may be called from different threads over a
 * plug-in's life (the parallel executor), never concurrently.
 */
#ifndef AUDIOCLOUD_PLUGIN_H
#define AUDIOCLOUD_PLUGIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AC_PLUGIN_ABI_VERSION 1u

#if defined(__wasm__)
#define AC_EXPORT(name) __attribute__((export_name(#name)))
#define AC_IMPORT(name) __attribute__((import_module("ac"), import_name(#name)))
#else
#define AC_EXPORT(name)
#define AC_IMPORT(name)
#endif

/* How a parameter's range is meant to be shown and swept. */
enum {
  AC_CURVE_LINEAR = 0,
  AC_CURVE_LOG = 1,     /* min > 0; a knob moves in ratios (frequencies) */
  AC_CURVE_INTEGER = 2, /* whole numbers in [min, max] */
  AC_CURVE_TOGGLE = 3   /* 0 or 1 */
};

typedef struct ac_param_info {
  const char* id;   /* stable identifier used in graph files: "cutoff" */
  const char* name; /* for people: "Cutoff" */
  const char* unit; /* "Hz", "dB", "ms", "" */
  float min, max, default_value;
  uint32_t curve; /* AC_CURVE_* */
} ac_param_info;    /* 28 bytes */

typedef struct ac_port_info {
  const char* name; /* "in", "out", "sidechain" */
  uint32_t channels;
} ac_port_info; /* 8 bytes */

typedef struct ac_descriptor {
  uint32_t abi_version; /* AC_PLUGIN_ABI_VERSION */
  const char* id;       /* reverse-DNS, stable across versions: "org.example.gain" */
  const char* name;
  const char* vendor;
  const char* version; /* "1.0.0" */
  uint32_t audio_input_count;
  const ac_port_info* audio_inputs;
  uint32_t audio_output_count;
  const ac_port_info* audio_outputs;
  uint32_t event_input_count;  /* 0 or 1: one UMP input stream */
  uint32_t event_output_count; /* 0 or 1 */
  uint32_t param_count;
  const ac_param_info* params;
  uint32_t latency;    /* frames by which outputs lag inputs */
  uint32_t state_size; /* bytes of ac_io.state; 0 = no state to save */
} ac_descriptor;       /* 60 bytes */

enum {
  AC_EVENT_UMP = 1,  /* data[0..3]: one UMP packet (unused words 0) */
  AC_EVENT_PARAM = 2 /* data[0]: parameter index; data[1]: float bits of the value */
};

typedef struct ac_event {
  uint32_t frame; /* offset into this process() call, < frames */
  uint32_t type;  /* AC_EVENT_* */
  uint32_t data[4];
} ac_event; /* 24 bytes */

/* Returned by ac_plugin_instantiate(); fixed from then on (the host reads it
 * once). Buffers are allocated by the plug-in, each max_block floats. */
typedef struct ac_io {
  float** audio_in;  /* one pointer per input channel, ports in order */
  float** audio_out; /* one pointer per output channel */
  ac_event* events_in;
  uint32_t events_in_capacity; /* the host delivers at most this many per call */
  uint32_t events_in_count;    /* written by the host before each process() */
  ac_event* events_out;
  uint32_t events_out_capacity;
  uint32_t events_out_count; /* written by the plug-in; the host reads and zeroes it */
  uint8_t* state;            /* state_size bytes for save/load */
} ac_io;                     /* 36 bytes */

/* The functions a plug-in exports. */
uint32_t ac_plugin_abi_version(void);
const ac_descriptor* ac_plugin_descriptor(void);
/* Returns the io block, or 0 if the plug-in cannot run at this rate/block. */
ac_io* ac_plugin_instantiate(double sample_rate, uint32_t max_block);
/* Processes `frames` (1..max_block) frames: reads audio_in and events_in,
 * writes audio_out and events_out. Events are sorted by frame; a parameter
 * event applies from its frame on. */
void ac_plugin_process(uint32_t frames);
/* Back to the state right after instantiate (parameters keep their values). */
void ac_plugin_reset(void);
/* Writes the state into io->state; returns the bytes written (<= state_size). */
uint32_t ac_plugin_save_state(void);
/* Reads `size` bytes from io->state; returns 0 on success. */
uint32_t ac_plugin_load_state(uint32_t size);

/* The only functions a plug-in may import (module "ac"); anything else is
 * refused at load. The math functions are the C library's. */
AC_IMPORT(log_message) void ac_log_message(const char* text, uint32_t length); /* into the host's log ring; never blocks */

#ifdef __cplusplus
}
#endif

#endif /* AUDIOCLOUD_PLUGIN_H */
