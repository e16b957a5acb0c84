// UMP against conformance/ump/vectors.json, which conformance/ump/generate.py
// writes from the specification's layouts in Python, independently of the
// C++ code: every message type's words (built here with midi/ump_messages.h
// and classified back), min-center-max scaling, and the MIDI 1.0 <-> 2.0
// protocol translations.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "midi/midi1_to_ump.h"
#include "midi/translate.h"
#include "midi/ump_classify.h"
#include "midi/ump_describe.h"
#include "midi/ump_messages.h"

namespace ac::ump {
namespace {

nlohmann::json vectors() {
  std::ifstream in(std::string(AUDIOCLOUD_SOURCE_DIR) + "/conformance/ump/vectors.json");
  return nlohmann::json::parse(in);
}

std::vector<uint32_t> parse_words(const nlohmann::json& list) {
  std::vector<uint32_t> out;
  for (const auto& s : list) out.push_back(static_cast<uint32_t>(std::stoul(s.get<std::string>(), nullptr, 16)));
  return out;
}

std::vector<uint32_t> packet(const Words& w) {
  return std::vector<uint32_t>(w.begin(), w.begin() + word_count(message_type(w[0])));
}

// The same messages, in the same order, built with our builders.
std::vector<std::vector<uint32_t>> built() {
  std::vector<std::vector<uint32_t>> m;
  auto add = [&](const Words& w) { m.push_back(packet(w)); };
  auto add1 = [&](uint32_t w) { m.push_back({w}); };
  auto add_sysex7 = [&](uint8_t grp, SysexStatus st, std::vector<uint8_t> b) {
    Sysex7 p;
    p.status = st;
    p.count = static_cast<uint8_t>(b.size());
    for (size_t i = 0; i < b.size(); ++i) p.bytes[i] = b[i];
    uint32_t w[2];
    make_sysex7(grp, p, w);
    m.push_back({w[0], w[1]});
  };
  add(noop());
  add(jr_clock(0x1234));
  add(jr_timestamp(0xBEEF));
  add(delta_clockstamp_tpq(960));
  add(delta_clockstamp(0xFFFFF));
  add1(system(3, 0xF1, 0x35));
  add1(system(3, 0xF2, 0x10, 0x20));
  add1(system(3, 0xF3, 0x05));
  for (int s : {0xF6, 0xF8, 0xFA, 0xFB, 0xFC, 0xFE, 0xFF}) add1(system(3, static_cast<uint8_t>(s)));
  add1(midi1(0, 0x90, 60, 100));
  add1(midi1(15, 0xC3, 7));
  add1(midi1(1, 0xE0, 0x00, 0x40));
  add_sysex7(0, SysexStatus::complete, {0x7E, 0x7F, 0x09});
  add_sysex7(1, SysexStatus::start, {1, 2, 3, 4, 5, 6});
  add_sysex7(1, SysexStatus::continue_, {7, 8, 9, 10, 11, 12});
  add_sysex7(1, SysexStatus::end, {13});
  const uint8_t G = 2, C = 5;
  add(registered_per_note_controller(G, C, 60, 1, 0x80000000));
  add(assignable_per_note_controller(G, C, 60, 74, 0x12345678));
  add(registered_controller(G, C, 0, 0, 0x10000000));
  add(assignable_controller(G, C, 1, 2, 0xFFFFFFFF));
  add(relative_registered_controller(G, C, 0, 1, -1));
  add(relative_assignable_controller(G, C, 3, 4, 16));
  add(per_note_pitch_bend(G, C, 64, 0x80000000));
  add(note_off(G, C, 60, 0x8000));
  add(note_on(G, C, 60, 0xFFFF, 3, 0x1234));
  add(poly_pressure(G, C, 60, 0x40000000));
  add(control_change(G, C, 7, 0xFFFFFFFF));
  add(program_change(G, C, 42, true, 1, 2));
  add(channel_pressure(G, C, 0x7FFFFFFF));
  add(pitch_bend(G, C, 0x80000000));
  add(per_note_management(G, C, 60, true, true));
  const uint8_t sx[] = {0xF0, 0x01, 0xAB};
  add(sysex8(1, Data128Status::sysex8_complete, 7, sx, 3));
  uint8_t thirteen[13];
  for (uint8_t i = 0; i < 13; ++i) thirteen[i] = i;
  add(sysex8(1, Data128Status::sysex8_start, 7, thirteen, 13));
  add(mixed_data_set_header(1, 3, 100, 2, 1, 0x7D, 0x10, 1, 2));
  uint8_t fourteen[14];
  for (uint8_t i = 0; i < 14; ++i) fourteen[i] = static_cast<uint8_t>(i + 1);
  add(mixed_data_set_payload(1, 3, fourteen));
  add(set_tempo(0, 50000000));
  add(set_time_signature(0, 6, 3, 8));
  add(set_metronome(0, 24, 2, 0, 0, 0, 0));
  add(set_key_signature(0, FlexAddress::channel, 9, -3, 3));
  add(flex(0, Form::complete, FlexAddress::channel, 0, 0x00, 0x06, 0x31000000));
  add(flex_text(0, Form::start, FlexAddress::group, 0, 0x01, 0x01, "audiocloud d"));
  add(flex_text(0, Form::end, FlexAddress::group, 0, 0x02, 0x02, "la"));
  add(endpoint_discovery(0x1F));
  add(endpoint_info(true, 2, true, true, true, true));
  add(device_identity(0x00007D, 0x0102, 0x0304, 0x01020304));
  add(stream_text(Form::complete, StreamStatus::endpoint_name, "audiocloud n1"));
  add(stream_text(Form::start, StreamStatus::product_instance_id, "0123456789abcd"));
  add(stream_config_request(0x02, false, false));
  add(stream_config_notification(0x02, true, true));
  add(function_block_discovery(0xFF, 0x03));
  add(function_block_info(true, 1, 3, 1, 3, 0, 4, 1, 0));
  add(function_block_name(Form::complete, 1, "Synth part 1"));
  add(start_of_clip());
  add(end_of_clip());
  return m;
}

TEST(UmpConformance, EveryMessageTypeMatchesTheSpecLayout) {
  const auto v = vectors();
  const auto mine = built();
  ASSERT_EQ(mine.size(), v["messages"].size());
  for (size_t i = 0; i < mine.size(); ++i) {
    const auto& vec = v["messages"][i];
    const std::vector<uint32_t> want = parse_words(vec["words"]);
    EXPECT_EQ(mine[i], want) << "vector " << i << " (" << vec["name"] << ")";
    ASSERT_EQ(want.size(), word_count(message_type(want[0]))) << "vector " << i;
    const Check c = classify(want.data());
    EXPECT_TRUE(c.valid()) << "vector " << i << ": " << c.problem;
    EXPECT_EQ(std::string(c.name), vec["name"].get<std::string>()) << "vector " << i;
  }
}

TEST(UmpConformance, MinCenterMaxScaling) {
  const auto v = vectors();
  ASSERT_EQ(v["scaling"].size(), 24u);
  for (const auto& s : v["scaling"]) {
    const auto want = static_cast<uint32_t>(std::stoul(s["result"].get<std::string>(), nullptr, 16));
    EXPECT_EQ(upscale(s["value"], s["from_bits"], s["to_bits"]), want) << s.dump();
  }
  // Independently of the vectors: the ends and the centre, and upscale then
  // downscale is the identity for every 7- and 14-bit value.
  EXPECT_EQ(upscale(127, 7, 32), 0xFFFFFFFFu);
  EXPECT_EQ(upscale(64, 7, 32), 0x80000000u);
  EXPECT_EQ(upscale(0x3FFF, 14, 32), 0xFFFFFFFFu);
  for (uint32_t x = 0; x < 128; ++x) {
    EXPECT_EQ(downscale(upscale(x, 7, 16), 16, 7), x);
    EXPECT_EQ(downscale(upscale(x, 7, 32), 32, 7), x);
  }
  for (uint32_t x = 0; x < 16384; ++x) ASSERT_EQ(downscale(upscale(x, 14, 32), 32, 14), x);
}

TEST(UmpConformance, Midi1ToMidi2Translation) {
  const auto v = vectors();  // the loop below must not range over a temporary's member
  for (const auto& t : v["midi1_to_midi2"]) {
    Midi1ToMidi2 tr;
    std::vector<uint32_t> got;
    for (uint32_t w : parse_words(t["midi1"]))
      tr.convert(w, [&](const Words& p) { got.insert(got.end(), p.begin(), p.begin() + 2); });
    EXPECT_EQ(got, parse_words(t["midi2"])) << t["what"];
  }
}

TEST(UmpConformance, Midi2ToMidi1Translation) {
  const auto v = vectors();
  for (const auto& t : v["midi2_to_midi1"]) {
    Midi2ToMidi1 tr;
    std::vector<uint32_t> got;
    const auto in = parse_words(t["midi2"]);
    tr.convert(in.data(), [&](uint32_t w) { got.push_back(w); });
    EXPECT_EQ(got, parse_words(t["midi1"])) << t["what"];
  }
}

// MIDI 2.0 values through MIDI 1.0 and back keep min, centre and max.
TEST(UmpTranslation, Midi2ValuesKeepMinCentreAndMaxThroughMidi1) {
  auto round_trip = [](const Words& w) {
    Midi2ToMidi1 down;
    Midi1ToMidi2 up;
    std::vector<uint32_t> back;
    down.convert(w.data(),
                 [&](uint32_t m1) { up.convert(m1, [&](const Words& p) { back.assign(p.begin(), p.begin() + 2); }); });
    return back;
  };
  for (uint32_t v : {0x00000000u, 0x80000000u, 0xFFFFFFFFu}) {
    EXPECT_EQ(round_trip(control_change(0, 0, 7, v))[1], v);
    EXPECT_EQ(round_trip(pitch_bend(0, 0, v))[1], v);
    EXPECT_EQ(round_trip(channel_pressure(0, 0, v))[1], v);
    EXPECT_EQ(round_trip(poly_pressure(0, 0, 60, v))[1], v);
    EXPECT_EQ(round_trip(registered_controller(0, 0, 0, 0, v))[1], v) << std::hex << v;
  }
  for (uint16_t v : {uint16_t{0x8000}, uint16_t{0xFFFF}}) {
    EXPECT_EQ(round_trip(note_on(0, 0, 60, v))[1] >> 16, v);
    EXPECT_EQ(round_trip(note_off(0, 0, 60, v))[1] >> 16, v);
  }
  EXPECT_EQ(round_trip(note_off(0, 0, 60, 0))[1] >> 16, 0u);
  // The one exception the spec makes: a note on never becomes velocity 0.
  EXPECT_EQ(round_trip(note_on(0, 0, 60, 0))[1] >> 16, upscale(1, 7, 16));
}

TEST(UmpClassify, InvalidPacketsSayWhy) {
  struct Case {
    Words w;
    const char* problem;
  };
  const Case cases[] = {
      {{0x60000000, 0, 0, 0}, "reserved message type"},
      {{0x40700000, 0, 0, 0}, "opcode 0x7 is reserved"},
      {{0x20F00000, 0, 0, 0}, "status is not 0x8n..0xEn"},
      {{0x20903C80, 0, 0, 0}, "a data byte has its top bit set"},
      {{0x30070102, 0x03040506, 0, 0}, "status above 3 or more than 6 bytes"},
      {{0x01000000, 0, 0, 0}, "reserved bits 27..24 set (utility messages have no group in v1.1)"},
      {{0xD0200000, 0, 0, 0}, "address 2 and 3 are reserved"},
      {{0xF3FF0000, 0, 0, 0}, "unknown UMP stream status"},
      {{0xF4000000, 0, 0, 0}, "a single-packet message must have form 0 (complete)"},
      {{0x50000000, 0, 0, 0}, "byte count (with the stream id) must be 1..14"},
      {{0x40BC0780, 0, 0, 0}, "reserved byte set"},
  };
  for (const Case& c : cases) {
    const Check r = classify(c.w.data());
    ASSERT_FALSE(r.valid()) << std::hex << c.w[0];
    EXPECT_STREQ(r.problem, c.problem) << std::hex << c.w[0];
  }
}

TEST(UmpStreamReader, CutsAWordStreamIntoPacketsBySize) {
  const std::vector<uint32_t> stream = {0x20903C64, 0x40903C00, 0xFFFF0000, 0xF0000101, 0x1F,     0, 0,
                                        0x10F80000, 0x30160102, 0x03040506, 0xD0100000, 50000000, 0, 0};
  StreamReader r;
  std::vector<uint32_t> sizes;
  std::vector<uint32_t> joined;
  for (uint32_t w : stream)
    r.feed(w, [&](const uint32_t* p, uint32_t n) {
      sizes.push_back(n);
      joined.insert(joined.end(), p, p + n);
    });
  EXPECT_EQ(sizes, (std::vector<uint32_t>{1, 2, 4, 1, 2, 4}));
  EXPECT_EQ(joined, stream);
  EXPECT_FALSE(r.mid_packet());
}

TEST(UmpDescribe, DecodesEveryFieldOfEachMessageType) {
  auto d = [](const Words& w) { return describe(w.data()); };
  EXPECT_EQ(d(noop()), "utility: NOOP value=0");
  EXPECT_EQ(d(jr_clock(0x1234)), "utility: JR clock value=4660");
  EXPECT_EQ(d(delta_clockstamp(0xFFFFF)), "utility: delta clockstamp ticks=1048575");
  EXPECT_EQ(d({system(3, 0xF2, 0x10, 0x20), 0, 0, 0}), "system group=3 song position beats=4112");
  EXPECT_EQ(d({midi1(0, 0x90, 60, 100), 0, 0, 0}),
            "MIDI 1.0 channel voice group=0 channel=0 note on note=60 velocity=100");
  EXPECT_EQ(d(note_on(2, 5, 60, 0xFFFF, 3, 0x1234)),
            "MIDI 2.0 note on group=2 channel=5 note=60 velocity=65535 attribute_type=3 attribute=4660");
  EXPECT_EQ(d(program_change(2, 5, 42, true, 1, 2)),
            "MIDI 2.0 program change group=2 channel=5 program=42 bank_valid=1 bank_msb=1 bank_lsb=2");
  EXPECT_EQ(d(relative_registered_controller(0, 1, 0, 7, -3)),
            "MIDI 2.0 relative registered controller group=0 channel=1 bank=0 index=7 delta=-3");
  EXPECT_EQ(d(per_note_management(0, 0, 61, true, false)),
            "MIDI 2.0 per-note management group=0 channel=0 note=61 detach=1 reset=0");
  EXPECT_EQ(d(set_tempo(0, 50000000)),
            "flex data: set tempo group=0 form=complete (group) ten_ns_per_quarter=50000000 (120 bpm)");
  EXPECT_EQ(d(set_time_signature(0, 6, 3)),
            "flex data: set time signature group=0 form=complete (group) numerator=6 denominator=8 "
            "thirty_seconds_per_quarter=8");
  EXPECT_EQ(d(set_key_signature(0, FlexAddress::channel, 9, -3, 3)),
            "flex data: set key signature group=0 form=complete channel=9 sharps_flats=-3 tonic=3");
  EXPECT_EQ(d(flex_text(1, Form::start, FlexAddress::group, 0, 0x01, 0x01, "audiocloud d")),
            "flex data: metadata text group=1 form=start (group) bank=1 status=1 text=\"audiocloud d\"");
  EXPECT_EQ(d(stream_text(Form::complete, StreamStatus::endpoint_name, "audiocloud n1")),
            "stream: endpoint name notification form=complete text=\"audiocloud n1\"");
  EXPECT_EQ(d(function_block_info(true, 1, 3, 1, 3, 0, 4, 1, 0)),
            "stream: function block info notification active=1 block=1 ui_hint=3 midi1=1 direction=3 "
            "first_group=0 groups=4 ci_version=1 sysex8_streams=0");
  EXPECT_EQ(d(endpoint_info(true, 2, true, true, false, true)),
            "stream: endpoint info notification ump_version=1.1 static_blocks=1 blocks=2 midi2=1 midi1=1 jr_rx=0 "
            "jr_tx=1");
  const uint8_t sx[] = {0xF0, 0x01};
  EXPECT_EQ(d(sysex8(4, Data128Status::sysex8_end, 9, sx, 2)), "SysEx8 group=4 form=end stream=9 bytes=[f0 01]");
  EXPECT_EQ(d({0x30037E7F, 0x09000000, 0, 0}), "SysEx7 group=0 form=complete bytes=[7e 7f 09]");
  EXPECT_EQ(d({0x40700000, 0, 0, 0}), "MIDI 2.0 channel voice group=0 channel=0 (invalid: opcode 0x7 is reserved)");
  // Every vector describes without a problem.
  const auto v = vectors();
  for (const auto& m : v["messages"]) {
    std::vector<uint32_t> w = parse_words(m["words"]);
    w.resize(4, 0);
    EXPECT_EQ(describe(w.data()).find("invalid"), std::string::npos) << describe(w.data());
  }
}

}  // namespace
}  // namespace ac::ump
