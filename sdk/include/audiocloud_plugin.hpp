// A thin C++ layer over the plug-in ABI (audiocloud_plugin.h,
// docs/spec/plugin-abi.md): buffers and the io block, parameters kept
// within their range, a block cut at every event so the DSP only ever sees
// stretches without one, and the eight exports written by one macro.
//
// Header-only, C++17, and free of the C++ standard library (wasm32
// toolchains often ship without one): no exceptions, no RTTI, no heap.
// Compile with e.g.
//   clang++ --target=wasm32-wasi -mexec-model=reactor -O2 -std=c++17
//           -fno-exceptions -fno-rtti -I sdk/include -o my.wasm my.cpp
//
// A plug-in is a class deriving from audiocloud::Plugin<Self, Traits>:
//
//   struct Traits {                      // everything the host reads
//     static constexpr uint32_t inputs = 1, outputs = 1;  // channels
//     static constexpr uint32_t params = 2;
//     static constexpr uint32_t state_size = 8;  // 0: no state
//     static constexpr uint32_t max_block = 8192, event_capacity = 256;
//   };
//   class Ring : public audiocloud::Plugin<Ring, Traits> {
//    public:
//     static const ac_descriptor& descriptor();
//     void render(const float* const* in, float* const* out, uint32_t n);
//     // optional, each hides the base's default:
//     bool prepare();                                     // at instantiate
//     void parameter_changed(uint32_t index, float value);
//     void ump(const uint32_t (&words)[4]);               // a MIDI packet
//     void reset();                                       // state to zero
//     uint32_t save(uint8_t* dst);  bool load(const uint8_t* src, uint32_t size);
//   };
//   AUDIOCLOUD_PLUGIN(Ring)
//
// render() gets pointers already advanced to the stretch; parameters read
// with param(i) hold their value from the event's frame on.
#ifndef AUDIOCLOUD_PLUGIN_HPP
#define AUDIOCLOUD_PLUGIN_HPP

#include <stdint.h>
#include <string.h>

#include "audiocloud_plugin.h"

namespace audiocloud {

template <class Self, class Traits>
class Plugin {
 public:
  static constexpr uint32_t kInputs = Traits::inputs;
  static constexpr uint32_t kOutputs = Traits::outputs;
  static constexpr uint32_t kParams = Traits::params;
  static constexpr uint32_t kStateSize = Traits::state_size;
  static constexpr uint32_t kMaxBlock = Traits::max_block;
  static constexpr uint32_t kEventCapacity = Traits::event_capacity;

  // ---- what the exports call (AUDIOCLOUD_PLUGIN) ----

  ac_io* instantiate(double sample_rate, uint32_t max_block) {
    if (max_block > kMaxBlock || max_block == 0) return nullptr;
    rate_ = sample_rate;
    max_block_ = max_block;
    const ac_descriptor& d = Self::descriptor();
    for (uint32_t i = 0; i < kParams; ++i) values_[i] = d.params[i].default_value;
    for (uint32_t c = 0; c < kInputs; ++c) in_ptrs_[c] = in_[c];
    for (uint32_t c = 0; c < kOutputs; ++c) out_ptrs_[c] = out_[c];
    io_.audio_in = kInputs ? in_ptrs_ : nullptr;
    io_.audio_out = kOutputs ? out_ptrs_ : nullptr;
    io_.events_in = events_in_;
    io_.events_in_capacity = kEventCapacity;
    io_.events_in_count = 0;
    io_.events_out = events_out_;
    io_.events_out_capacity = kEventCapacity;
    io_.events_out_count = 0;
    io_.state = kStateSize ? state_ : nullptr;
    if (!self().prepare()) return nullptr;
    return &io_;
  }

  // Cuts the call at every input event: the stretch before it is rendered,
  // then the event applies, from its frame on.
  void process(uint32_t frames) {
    if (frames > max_block_) frames = max_block_;
    uint32_t pos = 0;
    const uint32_t count = io_.events_in_count < kEventCapacity ? io_.events_in_count : kEventCapacity;
    for (uint32_t e = 0; e < count; ++e) {
      const ac_event& ev = events_in_[e];
      const uint32_t at = ev.frame < frames ? ev.frame : frames;
      if (at > pos) {
        render_stretch(pos, at - pos);
        pos = at;
      }
      apply(ev);
    }
    if (pos < frames) render_stretch(pos, frames - pos);
  }

  uint32_t save_state() { return kStateSize ? self().save(state_) : 0; }
  uint32_t load_state(uint32_t size) {
    if (size > kStateSize) return 1;
    return self().load(state_, size) ? 0 : 1;
  }

  // ---- for the plug-in ----

  // The parameter's value now: within [min, max], whole for integer and
  // toggle parameters.
  float param(uint32_t index) const { return index < kParams ? values_[index] : 0.0f; }
  double sample_rate() const { return rate_; }
  uint32_t max_block() const { return max_block_; }

  // Sends a UMP packet at `frame` of the current stretch (false: the output
  // list is full, the packet is dropped).
  bool emit_ump(uint32_t frame, const uint32_t (&words)[4]) {
    if (io_.events_out_count >= kEventCapacity) return false;
    ac_event& ev = events_out_[io_.events_out_count++];
    ev.frame = stretch_start_ + frame;
    ev.type = AC_EVENT_UMP;
    for (int i = 0; i < 4; ++i) ev.data[i] = words[i];
    return true;
  }

  // Defaults, hidden by the plug-in's own.
  bool prepare() { return true; }
  void parameter_changed(uint32_t, float) {}
  void ump(const uint32_t (&)[4]) {}
  void reset() {}
  uint32_t save(uint8_t*) { return 0; }
  bool load(const uint8_t*, uint32_t) { return true; }

 private:
  Self& self() { return static_cast<Self&>(*this); }

  void render_stretch(uint32_t from, uint32_t frames) {
    const float* in[kInputs ? kInputs : 1];
    float* out[kOutputs ? kOutputs : 1];
    for (uint32_t c = 0; c < kInputs; ++c) in[c] = in_[c] + from;
    for (uint32_t c = 0; c < kOutputs; ++c) out[c] = out_[c] + from;
    stretch_start_ = from;
    self().render(in, out, frames);
  }

  void apply(const ac_event& ev) {
    if (ev.type == AC_EVENT_PARAM) {
      const uint32_t index = ev.data[0];
      if (index >= kParams) return;
      float v;
      memcpy(&v, &ev.data[1], sizeof v);
      const ac_param_info& info = Self::descriptor().params[index];
      if (!(v >= info.min)) v = info.min;  // NaN too
      if (v > info.max) v = info.max;
      if (info.curve == AC_CURVE_INTEGER) v = static_cast<float>(static_cast<int64_t>(v + (v < 0 ? -0.5f : 0.5f)));
      if (info.curve == AC_CURVE_TOGGLE) v = v >= 0.5f ? 1.0f : 0.0f;
      if (v == values_[index]) return;
      values_[index] = v;
      self().parameter_changed(index, v);
    } else if (ev.type == AC_EVENT_UMP) {
      const uint32_t words[4] = {ev.data[0], ev.data[1], ev.data[2], ev.data[3]};
      self().ump(words);
    }
  }

  // All zero until instantiate: the instance then lies in .bss, not in the
  // module's data (its buffers alone are 64 KiB per channel).
  double rate_ = 0.0;
  uint32_t max_block_ = 0;
  uint32_t stretch_start_ = 0;
  float values_[kParams ? kParams : 1] = {};
  float in_[kInputs ? kInputs : 1][kMaxBlock];
  float out_[kOutputs ? kOutputs : 1][kMaxBlock];
  float* in_ptrs_[kInputs ? kInputs : 1] = {};
  float* out_ptrs_[kOutputs ? kOutputs : 1] = {};
  ac_event events_in_[kEventCapacity];
  ac_event events_out_[kEventCapacity];
  uint8_t state_[kStateSize ? kStateSize : 1];
  ac_io io_ = {};
};

}  // namespace audiocloud

// The eight exports, forwarding to one static instance of `Class`.
#define AUDIOCLOUD_PLUGIN(Class)                                                                   \
  static Class audiocloud_instance;                                                                \
  extern "C" {                                                                                     \
  AC_EXPORT(ac_plugin_abi_version) uint32_t ac_plugin_abi_version(void) {                          \
    return AC_PLUGIN_ABI_VERSION;                                                                  \
  }                                                                                                \
  AC_EXPORT(ac_plugin_descriptor) const ac_descriptor* ac_plugin_descriptor(void) {                \
    return &Class::descriptor();                                                                   \
  }                                                                                                \
  AC_EXPORT(ac_plugin_instantiate) ac_io* ac_plugin_instantiate(double rate, uint32_t max_block) { \
    return audiocloud_instance.instantiate(rate, max_block);                                       \
  }                                                                                                \
  AC_EXPORT(ac_plugin_process) void ac_plugin_process(uint32_t frames) {                           \
    audiocloud_instance.process(frames);                                                           \
  }                                                                                                \
  AC_EXPORT(ac_plugin_reset) void ac_plugin_reset(void) {                                          \
    audiocloud_instance.reset();                                                                   \
  }                                                                                                \
  AC_EXPORT(ac_plugin_save_state) uint32_t ac_plugin_save_state(void) {                            \
    return audiocloud_instance.save_state();                                                       \
  }                                                                                                \
  AC_EXPORT(ac_plugin_load_state) uint32_t ac_plugin_load_state(uint32_t size) {                   \
    return audiocloud_instance.load_state(size);                                                   \
  }                                                                                                \
  }

#endif  // AUDIOCLOUD_PLUGIN_HPP
