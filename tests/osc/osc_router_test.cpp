// OSC routing without sockets: messages written byte by byte from the OSC
// 1.0 specification (address and type tag strings NUL-padded to 4 bytes,
// big-endian arguments), decoded, and routed against a graph's surface.
#include "osc/osc_router.h"

#include <gtest/gtest.h>

#include <cstring>

#include "midi/midi_nodes.h"
#include "render_helpers.h"

namespace ac {
namespace {

// An OSC string: the text, then 1..4 NULs to a multiple of 4 bytes.
void put_string(std::vector<uint8_t>& out, const std::string& s) {
  out.insert(out.end(), s.begin(), s.end());
  const size_t pad = 4 - s.size() % 4;
  out.insert(out.end(), pad, 0);
}
void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

// A message from its address, type tags (without the comma) and argument
// bytes already encoded.
std::vector<uint8_t> message(const std::string& address, const std::string& tags,
                             const std::vector<uint8_t>& args = {}) {
  std::vector<uint8_t> out;
  put_string(out, address);
  put_string(out, "," + tags);
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

std::vector<uint8_t> f32(float v) {
  uint32_t bits = 0;
  std::memcpy(&bits, &v, 4);
  std::vector<uint8_t> out;
  put_u32(out, bits);
  return out;
}
std::vector<uint8_t> i32(uint32_t v) {
  std::vector<uint8_t> out;
  put_u32(out, v);
  return out;
}
std::vector<uint8_t> str(const std::string& s) {
  std::vector<uint8_t> out;
  put_string(out, s);
  return out;
}

OscSurface surface() {
  const NodeRegistry r = test::test_registry(register_midi_nodes);
  const Graph g = test::load_or_fail(
      "nodes:\n  amp: {type: gain}\n  osc1: {type: sine}\n  osc2: {type: sine}\n  ev: {type: osc_events}\n", r);
  return OscSurface::of(g);
}

OscAction route(const std::vector<uint8_t>& bytes) {
  auto m = decode_osc_message(bytes);
  EXPECT_TRUE(m) << m.error().message;
  return m ? route_osc(*m, surface()) : OscAction{osc_action::Refuse{"undecodable"}};
}

template <typename A>
const A& as(const OscAction& a) {
  static const A none{};
  EXPECT_TRUE(std::holds_alternative<A>(a)) << "another action (index " << a.index() << ")";
  return std::holds_alternative<A>(a) ? std::get<A>(a) : none;
}

TEST(OscRouter, TheSurfaceListsEveryParameterAndTheEventInlets) {
  const OscSurface s = surface();
  EXPECT_EQ(s.event_nodes, std::vector<std::string>{"ev"});
  ASSERT_FALSE(s.params.empty());
  EXPECT_EQ(osc_address(s.params[0]), "/node/amp/gain");
}

TEST(OscRouter, ASetWithAFloatGoesToEveryParameterThePatternMatches) {
  // "/node/osc?/frequency" ",f" 440.0
  const auto set = as<osc_action::SetParams>(route(message("/node/osc?/frequency", "f", f32(440.0f))));
  EXPECT_EQ(set.targets, (std::vector<OscParamAddress>{{"osc1", "frequency"}, {"osc2", "frequency"}}));
  EXPECT_EQ(set.value, 440.0);
  EXPECT_FALSE(set.at);  // a message on its own: immediately
  // An int32 is a number too.
  EXPECT_EQ(as<osc_action::SetParams>(route(message("/node/amp/gain", "i", i32(0xFFFFFFFA)))).value, -6.0);
}

TEST(OscRouter, NoArgumentIsAQueryAndTwoAreRefused) {
  const auto q = as<osc_action::QueryParams>(route(message("/node/osc1/*", "")));
  EXPECT_EQ(q.targets, (std::vector<OscParamAddress>{{"osc1", "frequency"}, {"osc1", "level"}}));
  const auto r = as<osc_action::Refuse>(route(message("/node/amp/gain", "ff", [] {
    auto a = f32(1.0f), b = f32(2.0f);
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }())));
  EXPECT_EQ(r.why, "/node/amp/gain takes one number (or none to query)");
  EXPECT_EQ(as<osc_action::Refuse>(route(message("/node/amp/gain", "s", str("loud")))).why,
            "/node/amp/gain takes one number (or none to query)");
  EXPECT_EQ(as<osc_action::Refuse>(route(message("/node/nope/gain", "f", f32(0)))).why,
            "no parameter matches /node/nope/gain");
}

TEST(OscRouter, EventsTakeAMidiMessageOrWholeUmpPackets) {
  // 'm': port 0, note on channel 1 (0x90), note 60, velocity 100.
  const auto midi = as<osc_action::PostEvent>(route(message("/events/ev", "m", {0x00, 0x90, 60, 100})));
  EXPECT_EQ(midi.node, "ev");
  EXPECT_EQ(midi.words[0], 0x20903C64u);  // UMP MIDI 1.0 channel voice, group 0
  // A MIDI 2.0 note on is a 64-bit packet: two int32 words.
  auto two = i32(0x40903C00);
  const auto w2 = i32(0xFFFF0000);
  two.insert(two.end(), w2.begin(), w2.end());
  const auto ump = as<osc_action::PostEvent>(route(message("/events/ev", "ii", two)));
  EXPECT_EQ(ump.words[0], 0x40903C00u);
  EXPECT_EQ(ump.words[1], 0xFFFF0000u);
  // One word of a two-word packet, a status byte missing, an unknown node.
  EXPECT_EQ(as<osc_action::Refuse>(route(message("/events/ev", "i", i32(0x40903C00)))).why,
            "/events/ev: the packet's message type needs 2 words");
  EXPECT_EQ(as<osc_action::Refuse>(route(message("/events/ev", "m", {0x00, 0x3C, 100, 0}))).why,
            "/events/ev: not a complete MIDI 1.0 message (a status byte, then data bytes below 0x80)");
  // Data bytes with the top bit set are no MIDI (0090FF80 once became a
  // note on with velocity 0); a byte the status does not use is ignored.
  for (const auto& bad : {std::vector<uint8_t>{0x00, 0x90, 0xFF, 0x80}, std::vector<uint8_t>{0x00, 0xB0, 7, 0x80},
                          std::vector<uint8_t>{0x00, 0xC0, 0x80, 0}})
    EXPECT_EQ(as<osc_action::Refuse>(route(message("/events/ev", "m", bad))).why,
              "/events/ev: not a complete MIDI 1.0 message (a status byte, then data bytes below 0x80)");
  EXPECT_EQ(as<osc_action::PostEvent>(route(message("/events/ev", "m", {0x00, 0xC0, 5, 0xFF}))).words[0], 0x20C00500u);
  EXPECT_EQ(as<osc_action::Refuse>(route(message("/events/amp", "m", {0x00, 0x90, 60, 100}))).why,
            "/events/amp: no osc_events node 'amp'");
}

TEST(OscRouter, GraphTransportAndSubscriptionAddresses) {
  EXPECT_EQ(as<osc_action::ApplyPatch>(route(message("/graph/patch", "s", str("{set: {amp.gain: -6}}")))).text,
            "{set: {amp.gain: -6}}");
  EXPECT_EQ(as<osc_action::Refuse>(route(message("/graph/patch", "i", i32(1)))).why, "/graph/patch takes one string");
  as<osc_action::ListParams>(route(message("/list", "")));
  as<osc_action::TransportTime>(route(message("/transport/time", "")));
  as<osc_action::Stop>(route(message("/transport/stop", "")));
  EXPECT_EQ(as<osc_action::Subscribe>(route(message("/subscribe", "s", str("osc.udp://127.0.0.1:9001/")))).url,
            "osc.udp://127.0.0.1:9001/");
  EXPECT_EQ(as<osc_action::Refuse>(route(message("/subscribe", "s", str("not a url")))).why,
            "/subscribe: not an OSC URL: not a url");
  EXPECT_EQ(as<osc_action::Refuse>(route(message("/what", ""))).why, "unknown address /what");
}

TEST(OscMessage, MalformedBytesAreRefusedWithoutACrash) {
  EXPECT_FALSE(decode_osc_message(std::vector<uint8_t>{}));
  EXPECT_FALSE(decode_osc_message(std::vector<uint8_t>{'x', 0, 0, 0}));
  // The address without its padding, a type tag that promises a float
  // that is not there.
  EXPECT_FALSE(decode_osc_message(std::vector<uint8_t>{'/', 'a', 0}));
  auto truncated = message("/node/amp/gain", "f");
  EXPECT_FALSE(decode_osc_message(truncated));
}

TEST(OscMessage, TimetagsAreUnixNanosecondsAndImmediatelyIsNone) {
  EXPECT_FALSE(osc_timetag_to_realtime(0, 1));
  // 1 January 1970 is 2208988800 s after the NTP epoch; half a second is
  // 2^31 fractions.
  EXPECT_EQ(osc_timetag_to_realtime(2208988800u, 0x80000000u), RealtimeNanos{500000000});
}

}  // namespace
}  // namespace ac
