#include "plugin/plugin_descriptor.h"

#include <cstring>

namespace ac::wasm {
namespace {

Unexpected bad(const std::string& what) {
  return unexpected(make_error(ErrorDomain::plugin, what));
}

bool in_bounds(std::span<const uint8_t> m, uint64_t at, uint64_t size) {
  return at + size <= m.size();
}

uint32_t u32_at(std::span<const uint8_t> m, uint32_t at) {
  uint32_t v;
  std::memcpy(&v, m.data() + at, 4);  // wasm32 is little-endian, as is every host we build for
  return v;
}
float f32_at(std::span<const uint8_t> m, uint32_t at) {
  float v;
  std::memcpy(&v, m.data() + at, 4);
  return v;
}

// A NUL-terminated string of at most 255 bytes.
Expected<std::string> string_at(std::span<const uint8_t> m, uint32_t at, const std::string& what) {
  if (at == 0) return bad(what + " is a null pointer");
  std::string s;
  for (uint64_t p = at; p < m.size() && s.size() < 256; ++p) {
    if (m[p] == 0) return s;
    s += static_cast<char>(m[p]);
  }
  return bad(what + " at " + std::to_string(at) + " is not a string of at most 255 bytes inside the memory");
}

Expected<std::vector<PluginPort>> ports_at(std::span<const uint8_t> m, uint32_t count, uint32_t at,
                                           const std::string& what) {
  std::vector<PluginPort> ports;
  if (count > 16) return bad(what + ": " + std::to_string(count) + " ports (at most 16)");
  if (count && !in_bounds(m, at, uint64_t{count} * 8)) return bad(what + ": the port table is outside the memory");
  for (uint32_t i = 0; i < count; ++i) {
    auto name = string_at(m, u32_at(m, at + 8 * i), what + " port " + std::to_string(i) + " name");
    if (!name) return unexpected(name.error());
    const uint32_t channels = u32_at(m, at + 8 * i + 4);
    if (channels == 0 || channels > kMaxChannels) {
      return bad(what + " port '" + *name + "': " + std::to_string(channels) + " channels (1.." +
                 std::to_string(kMaxChannels) + ")");
    }
    ports.push_back({*name, channels});
  }
  return ports;
}

}  // namespace

uint32_t PluginDescriptor::input_channels() const {
  uint32_t n = 0;
  for (const PluginPort& p : audio_inputs) n += p.channels;
  return n;
}
uint32_t PluginDescriptor::output_channels() const {
  uint32_t n = 0;
  for (const PluginPort& p : audio_outputs) n += p.channels;
  return n;
}

Expected<PluginDescriptor> read_descriptor(std::span<const uint8_t> m, uint32_t at) {
  if (at == 0 || !in_bounds(m, at, kDescriptorSize)) {
    return bad("descriptor: address " + std::to_string(at) + " is not inside the memory");
  }
  PluginDescriptor d;
  d.abi_version = u32_at(m, at);
  if (d.abi_version != 1)
    return bad("descriptor: ABI version " + std::to_string(d.abi_version) + " (this host speaks 1)");
  const std::pair<std::string*, const char*> strings[] = {
      {&d.id, "id"}, {&d.name, "name"}, {&d.vendor, "vendor"}, {&d.version, "version"}};
  for (size_t i = 0; i < 4; ++i) {
    auto s =
        string_at(m, u32_at(m, at + 4 + 4 * static_cast<uint32_t>(i)), std::string("descriptor ") + strings[i].second);
    if (!s) return unexpected(s.error());
    *strings[i].first = *s;
  }
  if (d.id.empty()) return bad("descriptor: the id is empty");
  auto ins = ports_at(m, u32_at(m, at + 20), u32_at(m, at + 24), "audio input");
  if (!ins) return unexpected(ins.error());
  auto outs = ports_at(m, u32_at(m, at + 28), u32_at(m, at + 32), "audio output");
  if (!outs) return unexpected(outs.error());
  d.audio_inputs = *ins;
  d.audio_outputs = *outs;
  if (d.input_channels() > kMaxChannels || d.output_channels() > kMaxChannels) {
    return bad("descriptor: more than " + std::to_string(kMaxChannels) + " channels in total");
  }
  d.event_inputs = u32_at(m, at + 36);
  d.event_outputs = u32_at(m, at + 40);
  if (d.event_inputs > 1 || d.event_outputs > 1) return bad("descriptor: event port counts must be 0 or 1");
  const uint32_t param_count = u32_at(m, at + 44);
  const uint32_t params_at = u32_at(m, at + 48);
  if (param_count > kMaxParams) return bad("descriptor: " + std::to_string(param_count) + " parameters (at most 1024)");
  if (param_count && !in_bounds(m, params_at, uint64_t{param_count} * 28)) {
    return bad("descriptor: the parameter table is outside the memory");
  }
  for (uint32_t i = 0; i < param_count; ++i) {
    const uint32_t p = params_at + 28 * i;
    PluginParam info;
    const std::string what = "parameter " + std::to_string(i);
    auto id = string_at(m, u32_at(m, p), what + " id");
    auto name = string_at(m, u32_at(m, p + 4), what + " name");
    auto unit = string_at(m, u32_at(m, p + 8), what + " unit");
    if (!id) return unexpected(id.error());
    if (!name) return unexpected(name.error());
    if (!unit) return unexpected(unit.error());
    info.id = *id;
    info.name = *name;
    info.unit = *unit;
    info.min = f32_at(m, p + 12);
    info.max = f32_at(m, p + 16);
    info.default_value = f32_at(m, p + 20);
    info.curve = u32_at(m, p + 24);
    if (info.id.empty()) return bad(what + ": empty id");
    if (!(info.min < info.max)) return bad("parameter '" + info.id + "': min must be below max");
    if (!(info.default_value >= info.min && info.default_value <= info.max)) {
      return bad("parameter '" + info.id + "': default outside [min, max]");
    }
    if (info.curve > 3) return bad("parameter '" + info.id + "': unknown curve " + std::to_string(info.curve));
    if (info.curve == 1 && info.min <= 0) return bad("parameter '" + info.id + "': a log curve needs min > 0");
    for (const PluginParam& other : d.params) {
      if (other.id == info.id) return bad("parameter id '" + info.id + "' appears twice");
    }
    d.params.push_back(std::move(info));
  }
  d.latency = u32_at(m, at + 52);
  d.state_size = u32_at(m, at + 56);
  if (d.state_size > kMaxStateSize) return bad("descriptor: state size above 16 MiB");
  return d;
}

Expected<PluginIo> read_io(std::span<const uint8_t> m, uint32_t at, const PluginDescriptor& d, uint32_t max_block) {
  if (at == 0) return bad("ac_plugin_instantiate returned 0 (the plug-in refused this sample rate or block size)");
  if (!in_bounds(m, at, kIoSize)) return bad("io block: address " + std::to_string(at) + " is not inside the memory");
  PluginIo io;
  const uint64_t buffer_bytes = uint64_t{max_block} * 4;
  const auto channels = [&](uint32_t table, uint32_t count, std::vector<uint32_t>& out,
                            const char* what) -> Expected<void> {
    if (count == 0) return {};
    if (!in_bounds(m, table, uint64_t{count} * 4))
      return bad(std::string("io block: the ") + what + " table is outside the memory");
    for (uint32_t c = 0; c < count; ++c) {
      const uint32_t b = u32_at(m, table + 4 * c);
      if (b == 0 || b % 4 != 0 || !in_bounds(m, b, buffer_bytes)) {
        return bad(std::string("io block: ") + what + " buffer " + std::to_string(c) + " (at " + std::to_string(b) +
                   ") is not " + std::to_string(max_block) + " aligned floats inside the memory");
      }
      out.push_back(b);
    }
    return {};
  };
  if (auto ok = channels(u32_at(m, at), d.input_channels(), io.audio_in, "audio input"); !ok)
    return unexpected(ok.error());
  if (auto ok = channels(u32_at(m, at + 4), d.output_channels(), io.audio_out, "audio output"); !ok) {
    return unexpected(ok.error());
  }
  io.events_in = u32_at(m, at + 8);
  io.events_in_capacity = u32_at(m, at + 12);
  io.events_in_count_at = at + 16;
  io.events_out = u32_at(m, at + 20);
  io.events_out_capacity = u32_at(m, at + 24);
  io.events_out_count_at = at + 28;
  io.state = u32_at(m, at + 32);
  const bool wants_params = !d.params.empty();
  if ((d.event_inputs || wants_params) && io.events_in_capacity == 0) {
    return bad("io block: the plug-in takes events or parameters but has no event input list");
  }
  if (io.events_in_capacity && !in_bounds(m, io.events_in, uint64_t{io.events_in_capacity} * kEventSize)) {
    return bad("io block: the event input list is outside the memory");
  }
  if (io.events_out_capacity && !in_bounds(m, io.events_out, uint64_t{io.events_out_capacity} * kEventSize)) {
    return bad("io block: the event output list is outside the memory");
  }
  if (d.state_size && (io.state == 0 || !in_bounds(m, io.state, d.state_size))) {
    return bad("io block: the state buffer is not " + std::to_string(d.state_size) + " bytes inside the memory");
  }
  return io;
}

}  // namespace ac::wasm
