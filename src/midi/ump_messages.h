#pragma once
// Builders for every UMP message of the UMP and MIDI 2.0 Protocol
// specification (M2-104-UM v1.1), by message type. Each returns the packet's
// words (unused trailing words zero); midi/ump_classify.h reads them back.
// Field widths are masked, never checked: validate with classify().
#include <array>
#include <cstdint>
#include <string_view>

#include "midi/ump.h"

namespace ac::ump {

using Words = std::array<uint32_t, 4>;

namespace detail {
constexpr uint32_t head(uint8_t mt, uint8_t grp) {
  return uint32_t{mt} << 28 | (uint32_t{grp} & 0xF) << 24;
}
}  // namespace detail

// ---- MT 0x0 utility (32 bits; no group in v1.1) ----
enum class UtilityStatus : uint8_t {
  noop = 0x0,
  jr_clock = 0x1,
  jr_timestamp = 0x2,
  dctpq = 0x3,
  delta_clockstamp = 0x4
};
constexpr Words utility(UtilityStatus s, uint32_t data) {
  return {uint32_t{static_cast<uint8_t>(s)} << 20 | (data & 0xFFFFF), 0, 0, 0};
}
constexpr Words noop() {
  return utility(UtilityStatus::noop, 0);
}
constexpr Words jr_clock(uint16_t sender_time) {
  return utility(UtilityStatus::jr_clock, sender_time);
}
constexpr Words jr_timestamp(uint16_t sender_time) {
  return utility(UtilityStatus::jr_timestamp, sender_time);
}
constexpr Words delta_clockstamp_tpq(uint16_t ticks_per_quarter) {
  return utility(UtilityStatus::dctpq, ticks_per_quarter);
}
constexpr Words delta_clockstamp(uint32_t ticks) {
  return utility(UtilityStatus::delta_clockstamp, ticks);
}

// ---- MT 0x4 MIDI 2.0 channel voice (64 bits) ----
enum class Midi2Opcode : uint8_t {
  registered_per_note_controller = 0x0,
  assignable_per_note_controller = 0x1,
  registered_controller = 0x2,  // RPN
  assignable_controller = 0x3,  // NRPN
  relative_registered_controller = 0x4,
  relative_assignable_controller = 0x5,
  per_note_pitch_bend = 0x6,
  note_off = 0x8,
  note_on = 0x9,
  poly_pressure = 0xA,
  control_change = 0xB,
  program_change = 0xC,
  channel_pressure = 0xD,
  pitch_bend = 0xE,
  per_note_management = 0xF,
};
constexpr Words midi2(uint8_t grp, Midi2Opcode op, uint8_t channel, uint8_t b3, uint8_t b4, uint32_t data) {
  return {detail::head(0x4, grp) | uint32_t{static_cast<uint8_t>(op)} << 20 | (uint32_t{channel} & 0xF) << 16 |
              uint32_t{b3} << 8 | b4,
          data, 0, 0};
}
constexpr Words note_on(uint8_t grp, uint8_t ch, uint8_t note, uint16_t velocity, uint8_t attr_type = 0,
                        uint16_t attr = 0) {
  return midi2(grp, Midi2Opcode::note_on, ch, note & 0x7F, attr_type, uint32_t{velocity} << 16 | attr);
}
constexpr Words note_off(uint8_t grp, uint8_t ch, uint8_t note, uint16_t velocity, uint8_t attr_type = 0,
                         uint16_t attr = 0) {
  return midi2(grp, Midi2Opcode::note_off, ch, note & 0x7F, attr_type, uint32_t{velocity} << 16 | attr);
}
constexpr Words poly_pressure(uint8_t grp, uint8_t ch, uint8_t note, uint32_t v) {
  return midi2(grp, Midi2Opcode::poly_pressure, ch, note & 0x7F, 0, v);
}
constexpr Words control_change(uint8_t grp, uint8_t ch, uint8_t index, uint32_t v) {
  return midi2(grp, Midi2Opcode::control_change, ch, index & 0x7F, 0, v);
}
// RPN / NRPN: bank and index are 7 bits each (MIDI 1.0's MSB and LSB).
constexpr Words registered_controller(uint8_t grp, uint8_t ch, uint8_t bank, uint8_t index, uint32_t v) {
  return midi2(grp, Midi2Opcode::registered_controller, ch, bank & 0x7F, index & 0x7F, v);
}
constexpr Words assignable_controller(uint8_t grp, uint8_t ch, uint8_t bank, uint8_t index, uint32_t v) {
  return midi2(grp, Midi2Opcode::assignable_controller, ch, bank & 0x7F, index & 0x7F, v);
}
constexpr Words relative_registered_controller(uint8_t grp, uint8_t ch, uint8_t bank, uint8_t index, int32_t delta) {
  return midi2(grp, Midi2Opcode::relative_registered_controller, ch, bank & 0x7F, index & 0x7F,
               static_cast<uint32_t>(delta));
}
constexpr Words relative_assignable_controller(uint8_t grp, uint8_t ch, uint8_t bank, uint8_t index, int32_t delta) {
  return midi2(grp, Midi2Opcode::relative_assignable_controller, ch, bank & 0x7F, index & 0x7F,
               static_cast<uint32_t>(delta));
}
constexpr Words registered_per_note_controller(uint8_t grp, uint8_t ch, uint8_t note, uint8_t index, uint32_t v) {
  return midi2(grp, Midi2Opcode::registered_per_note_controller, ch, note & 0x7F, index, v);
}
constexpr Words assignable_per_note_controller(uint8_t grp, uint8_t ch, uint8_t note, uint8_t index, uint32_t v) {
  return midi2(grp, Midi2Opcode::assignable_per_note_controller, ch, note & 0x7F, index, v);
}
constexpr Words per_note_pitch_bend(uint8_t grp, uint8_t ch, uint8_t note, uint32_t v) {
  return midi2(grp, Midi2Opcode::per_note_pitch_bend, ch, note & 0x7F, 0, v);
}
// Per-note management flags: bit 1 detach controllers, bit 0 reset them.
constexpr Words per_note_management(uint8_t grp, uint8_t ch, uint8_t note, bool detach, bool reset) {
  return midi2(grp, Midi2Opcode::per_note_management, ch, note & 0x7F,
               static_cast<uint8_t>((detach ? 2 : 0) | (reset ? 1 : 0)), 0);
}
constexpr Words program_change(uint8_t grp, uint8_t ch, uint8_t program, bool bank_valid = false, uint8_t bank_msb = 0,
                               uint8_t bank_lsb = 0) {
  return midi2(grp, Midi2Opcode::program_change, ch, 0, bank_valid ? 1 : 0,
               uint32_t{program & 0x7Fu} << 24 | uint32_t{bank_msb & 0x7Fu} << 8 | (bank_lsb & 0x7Fu));
}
constexpr Words channel_pressure(uint8_t grp, uint8_t ch, uint32_t v) {
  return midi2(grp, Midi2Opcode::channel_pressure, ch, 0, 0, v);
}
constexpr Words pitch_bend(uint8_t grp, uint8_t ch, uint32_t v) {
  return midi2(grp, Midi2Opcode::pitch_bend, ch, 0, 0, v);
}

// ---- MT 0x5 data 128: SysEx8 and mixed data set ----
enum class Data128Status : uint8_t {
  sysex8_complete = 0x0,
  sysex8_start = 0x1,
  sysex8_continue = 0x2,
  sysex8_end = 0x3,
  mixed_data_set_header = 0x8,
  mixed_data_set_payload = 0x9,
};
// A SysEx8 packet: a stream id and up to 13 bytes (the byte count in the
// packet counts the stream id too).
Words sysex8(uint8_t grp, Data128Status status, uint8_t stream_id, const uint8_t* bytes, uint8_t count);
Words mixed_data_set_header(uint8_t grp, uint8_t mds_id, uint16_t valid_bytes, uint16_t chunks, uint16_t chunk,
                            uint16_t manufacturer, uint16_t device, uint16_t sub_id1, uint16_t sub_id2);
// A payload chunk: 14 bytes.
Words mixed_data_set_payload(uint8_t grp, uint8_t mds_id, const uint8_t (&bytes)[14]);

// ---- MT 0xD flex data ----
enum class Form : uint8_t { complete = 0, start = 1, continue_ = 2, end = 3 };
enum class FlexAddress : uint8_t { channel = 0, group = 1 };
constexpr Words flex(uint8_t grp, Form form, FlexAddress addr, uint8_t ch, uint8_t bank, uint8_t status, uint32_t w1,
                     uint32_t w2 = 0, uint32_t w3 = 0) {
  return {detail::head(0xD, grp) | uint32_t{static_cast<uint8_t>(form)} << 22 |
              uint32_t{static_cast<uint8_t>(addr)} << 20 | (uint32_t{ch} & 0xF) << 16 | uint32_t{bank} << 8 | status,
          w1, w2, w3};
}
// Tempo in units of 10 ns per quarter note (500000 µs = 120 bpm → 50000000).
constexpr Words set_tempo(uint8_t grp, uint32_t ten_ns_per_quarter) {
  return flex(grp, Form::complete, FlexAddress::group, 0, 0x00, 0x00, ten_ns_per_quarter);
}
// Denominator as a power of two (4 → 2); 32nd notes per quarter (usually 8).
constexpr Words set_time_signature(uint8_t grp, uint8_t numerator, uint8_t denominator_pow2, uint8_t n32nds = 8) {
  return flex(grp, Form::complete, FlexAddress::group, 0, 0x00, 0x01,
              uint32_t{numerator} << 24 | uint32_t{denominator_pow2} << 16 | uint32_t{n32nds} << 8);
}
constexpr Words set_metronome(uint8_t grp, uint8_t clocks_per_click, uint8_t bar1, uint8_t bar2, uint8_t bar3,
                              uint8_t sub1, uint8_t sub2) {
  return flex(grp, Form::complete, FlexAddress::group, 0, 0x00, 0x02,
              uint32_t{clocks_per_click} << 24 | uint32_t{bar1} << 16 | uint32_t{bar2} << 8 | bar3,
              uint32_t{sub1} << 24 | uint32_t{sub2} << 16);
}
// Sharps (positive) or flats (negative), -7..7; tonic 1..7 = A..G (0 unknown).
constexpr Words set_key_signature(uint8_t grp, FlexAddress addr, uint8_t ch, int8_t sharps_flats, uint8_t tonic) {
  return flex(grp, Form::complete, addr, ch, 0x00, 0x05,
              (static_cast<uint32_t>(sharps_flats) & 0xF) << 28 | (uint32_t{tonic} & 0xF) << 24);
}
// Text events: bank 0x01 metadata text, 0x02 performance text; 12 bytes
// per packet, `form` saying where it sits in a longer text.
Words flex_text(uint8_t grp, Form form, FlexAddress addr, uint8_t ch, uint8_t bank, uint8_t status,
                std::string_view twelve_bytes);

// ---- MT 0xF UMP stream ----
enum class StreamStatus : uint16_t {
  endpoint_discovery = 0x000,
  endpoint_info = 0x001,
  device_identity = 0x002,
  endpoint_name = 0x003,
  product_instance_id = 0x004,
  stream_config_request = 0x005,
  stream_config_notification = 0x006,
  function_block_discovery = 0x010,
  function_block_info = 0x011,
  function_block_name = 0x012,
  start_of_clip = 0x020,
  end_of_clip = 0x021,
};
constexpr Words stream(Form form, StreamStatus status, uint16_t data, uint32_t w1 = 0, uint32_t w2 = 0,
                       uint32_t w3 = 0) {
  return {0xF0000000u | uint32_t{static_cast<uint8_t>(form)} << 26 |
              (uint32_t{static_cast<uint16_t>(status)} & 0x3FF) << 16 | data,
          w1, w2, w3};
}
// Filter bits: 0 endpoint info, 1 device identity, 2 endpoint name,
// 3 product instance id, 4 stream configuration.
constexpr Words endpoint_discovery(uint8_t filter, uint8_t major = 1, uint8_t minor = 1) {
  return stream(Form::complete, StreamStatus::endpoint_discovery, static_cast<uint16_t>(major << 8 | minor), filter);
}
constexpr Words endpoint_info(bool static_blocks, uint8_t blocks, bool midi2, bool midi1, bool jr_rx, bool jr_tx,
                              uint8_t major = 1, uint8_t minor = 1) {
  return stream(Form::complete, StreamStatus::endpoint_info, static_cast<uint16_t>(major << 8 | minor),
                uint32_t{static_blocks} << 31 | (uint32_t{blocks} & 0x7F) << 24 | uint32_t{midi2} << 9 |
                    uint32_t{midi1} << 8 | uint32_t{jr_rx} << 1 | uint32_t{jr_tx});
}
constexpr Words device_identity(uint32_t manufacturer24, uint16_t family, uint16_t model, uint32_t revision) {
  return stream(Form::complete, StreamStatus::device_identity, 0, manufacturer24 & 0x7F7F7F,
                uint32_t{family & 0x7F7Fu} << 16 | (model & 0x7F7Fu), revision & 0x7F7F7F7F);
}
// Endpoint name / product instance id: 14 bytes per packet.
Words stream_text(Form form, StreamStatus status, std::string_view fourteen_bytes);
// Protocol 0x01 MIDI 1.0, 0x02 MIDI 2.0.
constexpr Words stream_config_request(uint8_t protocol, bool jr_rx, bool jr_tx) {
  return stream(Form::complete, StreamStatus::stream_config_request,
                static_cast<uint16_t>(protocol << 8 | (jr_rx ? 2 : 0) | (jr_tx ? 1 : 0)));
}
constexpr Words stream_config_notification(uint8_t protocol, bool jr_rx, bool jr_tx) {
  return stream(Form::complete, StreamStatus::stream_config_notification,
                static_cast<uint16_t>(protocol << 8 | (jr_rx ? 2 : 0) | (jr_tx ? 1 : 0)));
}
// Block 0xFF = all; filter bit 0 info, bit 1 name.
constexpr Words function_block_discovery(uint8_t block, uint8_t filter) {
  return stream(Form::complete, StreamStatus::function_block_discovery, static_cast<uint16_t>(block << 8 | filter));
}
// Direction 1 input, 2 output, 3 both; ui_hint likewise; midi1: 0 not MIDI
// 1.0, 1 yes, 2 yes with 31.25 kb/s limit.
constexpr Words function_block_info(bool active, uint8_t block, uint8_t ui_hint, uint8_t midi1, uint8_t direction,
                                    uint8_t first_group, uint8_t groups, uint8_t ci_version, uint8_t sysex8_streams) {
  return stream(Form::complete, StreamStatus::function_block_info,
                static_cast<uint16_t>((active ? 0x8000 : 0) | (block & 0x7F) << 8 | (ui_hint & 3) << 4 |
                                      (midi1 & 3) << 2 | (direction & 3)),
                uint32_t{first_group} << 24 | uint32_t{groups} << 16 | uint32_t{ci_version} << 8 | sysex8_streams);
}
// Function block name: the block number, then 13 bytes per packet.
Words function_block_name(Form form, uint8_t block, std::string_view thirteen_bytes);
constexpr Words start_of_clip() {
  return stream(Form::complete, StreamStatus::start_of_clip, 0);
}
constexpr Words end_of_clip() {
  return stream(Form::complete, StreamStatus::end_of_clip, 0);
}

}  // namespace ac::ump
