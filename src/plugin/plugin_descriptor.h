#pragma once
// A plug-in's descriptor and io block (sdk/include/audiocloud_plugin.h), read
// out of its linear memory with every offset and size checked. Pure code
// over a byte span: tested without running a module.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/expected.h"

namespace ac::wasm {

struct PluginParam {
  std::string id, name, unit;
  float min = 0, max = 1, default_value = 0;
  uint32_t curve = 0;  // AC_CURVE_*
};

struct PluginPort {
  std::string name;
  uint32_t channels = 1;
};

struct PluginDescriptor {
  uint32_t abi_version = 0;
  std::string id, name, vendor, version;
  std::vector<PluginPort> audio_inputs, audio_outputs;
  uint32_t event_inputs = 0, event_outputs = 0;
  std::vector<PluginParam> params;
  uint32_t latency = 0;
  uint32_t state_size = 0;

  uint32_t input_channels() const;
  uint32_t output_channels() const;
};

// Offsets (into linear memory) the host uses on every call, fixed at
// instantiation.
struct PluginIo {
  std::vector<uint32_t> audio_in, audio_out;  // one buffer per channel
  uint32_t events_in = 0, events_in_capacity = 0, events_in_count_at = 0;
  uint32_t events_out = 0, events_out_capacity = 0, events_out_count_at = 0;
  uint32_t state = 0;
};

inline constexpr uint32_t kDescriptorSize = 60;
inline constexpr uint32_t kIoSize = 36;
inline constexpr uint32_t kEventSize = 24;
inline constexpr uint32_t kMaxChannels = 64;
inline constexpr uint32_t kMaxParams = 1024;
inline constexpr uint32_t kMaxStateSize = 16u << 20;

// `memory` is the whole linear memory; `at` the descriptor's address.
Expected<PluginDescriptor> read_descriptor(std::span<const uint8_t> memory, uint32_t at);

// `at` is what ac_plugin_instantiate returned.
Expected<PluginIo> read_io(std::span<const uint8_t> memory, uint32_t at, const PluginDescriptor& d, uint32_t max_block);

}  // namespace ac::wasm
