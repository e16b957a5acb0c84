// Every malformed-graph case gives a message that names file:line:column
// and says what was expected. Line and column numbers are checked exactly.
#include <gtest/gtest.h>

#include "graph/compiler.h"
#include "graph/graph_loader.h"
#include "render_helpers.h"

namespace ac {
namespace {

struct Case {
  const char* name;
  const char* yaml;
  uint32_t line;
  uint32_t column;
  const char* message_part;
};

// Loads and, if that works, compiles; returns the first error.
std::optional<Error> first_error(const std::string& yaml) {
  const NodeRegistry r = test::test_registry();
  auto g = load_graph_text(yaml, "bad.yaml", r);
  if (!g) return g.error();
  auto p = compile(*g, CompileOptions{false});
  if (!p) return p.error();
  return std::nullopt;
}

const Case kCases[] = {
    {"bad_yaml", "nodes:\n  a: {type: sine\n", 3, 1, "invalid YAML"},
    {"not_a_map", "- 1\n- 2\n", 1, 1, "a graph file is a YAML map"},
    {"unknown_top_key", "sample_rate: 48000\nnodez: {}\n", 2, 1, "unknown key 'nodez', did you mean 'nodes'?"},
    {"unknown_node_type", "nodes:\n  osc: {type: sinee}\n", 2, 15, "unknown node type 'sinee', did you mean 'sine'?"},
    {"missing_type", "nodes:\n  osc: {params: {}}\n", 2, 3, "has no 'type:'"},
    {"unknown_param", "nodes:\n  osc:\n    type: sine\n    params: {freqency: 3}\n", 4, 14,
     "has no parameter 'freqency', did you mean 'frequency'?"},
    {"param_out_of_range", "nodes:\n  osc:\n    type: sine\n    params: {frequency: 30000}\n", 4, 25,
     "is 30000, outside its range 0 .. 24000 Hz"},
    {"param_not_a_number", "nodes:\n  osc:\n    type: sine\n    params: {frequency: loud}\n", 4, 25,
     "expects a number in Hz"},
    {"param_wrong_unit", "nodes:\n  g:\n    type: gain\n    params: {gain: 3 Hz}\n", 4, 20, "expects a number in dB"},
    {"bad_choice", "nodes:\n  f:\n    type: biquad\n    params: {shape: lowpas}\n", 4, 21,
     "'lowpas', did you mean 'lowpass'?"},
    {"duplicate_node", "nodes:\n  a: {type: sine}\n  a: {type: sine}\n", 3, 3, "duplicate node id 'a'"},
    {"dangling_node", "nodes:\n  a: {type: sine}\n  o: {type: output, channels: 1}\nconnections:\n  - a.out -> b.in\n",
     5, 14, "unknown node 'b'"},
    {"dangling_port",
     "nodes:\n  a: {type: sine}\n  o: {type: output, channels: 1}\nconnections:\n  - a.output -> o.in\n", 5, 5,
     "has no output port 'output', did you mean 'out'?"},
    {"dangling_channel",
     "nodes:\n  a: {type: sine}\n  o: {type: output, channels: 2}\nconnections:\n  - a.out -> o.in[2]\n", 5, 14,
     "has 2 channels (0..1), there is no channel 2"},
    {"duplicate_connection",
     "nodes:\n  a: {type: sine}\n  o: {type: output, channels: 1}\nconnections:\n  - a.out -> o.in\n  - a.out -> "
     "o.in\n",
     6, 5, "duplicate connection a.out[0] -> o.in[0] (already made at line 5)"},
    {"channel_mismatch",
     "nodes:\n  a: {type: sine}\n  o: {type: output, channels: 2}\nconnections:\n  - a.out -> o.in\n", 5, 5,
     "channel-count mismatch: the source side has 1 channel, the destination side 2 channels"},
    {"bad_connection_syntax", "nodes:\n  a: {type: sine}\nconnections:\n  - \"a.out => b.in\"\n", 4, 6,
     "expected a connection 'source.port -> destination.port'"},
    {"cycle_without_delay",
     "nodes:\n  a: {type: gain}\n  b: {type: gain}\n  c: {type: gain}\nconnections:\n  - a.out -> b.in\n"
     "  - b.out -> c.in\n  - c.out -> a.in\n",
     8, 5, "cycle without a delay: a -> b -> c -> a"},
    {"self_loop", "nodes:\n  a: {type: gain}\nconnections:\n  - a.out -> a.in\n", 4, 5,
     "cycle without a delay: a -> a"},
    {"feedback_delay_shorter_than_block",
     "block_size: 256\nnodes:\n  d: {type: delay, params: {time: 1ms}}\n  g: {type: gain}\nconnections:\n"
     "  - d.out -> g.in\n  - g.out -> d.in\n",
     3, 3, "closes a feedback cycle, so its delay must be at least one block (256 frames); it is 48 frames"},
    {"event_unknown_param", "nodes:\n  a: {type: sine}\nevents:\n  - {at: 1s, set: a.freq, value: 3}\n", 4, 21,
     "has no parameter 'freq', did you mean 'frequency'?"},
    {"event_fixed_option", "nodes:\n  f: {type: biquad}\nevents:\n  - {at: 1s, set: f.shape, value: 3}\n", 4, 21,
     "is fixed when the node is created"},
    {"event_value_out_of_range", "nodes:\n  a: {type: sine}\nevents:\n  - {at: 0, set: a.frequency, value: -5}\n", 4,
     38, "outside its range"},
    {"event_bad_time", "nodes:\n  a: {type: sine}\nevents:\n  - {at: soon, set: a.frequency, value: 5}\n", 4, 10,
     "bad time 'soon'"},
    {"event_musical_without_tempo",
     "nodes:\n  a: {type: sine}\nevents:\n  - {at: \"2:1\", set: a.frequency, value: 5}\n", 4, 10,
     "musical time needs 'tempo:'"},
    {"ramp_without_over", "nodes:\n  a: {type: sine}\nevents:\n  - {at: 0, ramp: a.frequency, to: 5}\n", 4, 19,
     "'ramp:' needs 'over:'"},
    {"two_outputs", "nodes:\n  o1: {type: output}\n  o2: {type: output}\n", 3, 3, "at most one 'output' node"},
    {"missing_file", "nodes:\n  p: {type: file_player, params: {path: /nonexistent/x.wav}}\n", 2, 41,
     "/nonexistent/x.wav': cannot open"},
    {"flac_float", "nodes:\n  r: {type: file_recorder, params: {path: x.flac, encoding: float}}\n", 2, 43,
     "FLAC cannot hold float samples"},
    {"block_size_range", "block_size: 8192\nnodes:\n  a: {type: sine}\n", 1, 13,
     "block_size (frames) must be in 1 .. 4096"},
    {"clock_source", "clock: gps\nnodes:\n  a: {type: sine}\n", 1, 8,
     "unknown clock source 'gps' (expected internal or ptp)"},
    {"clock_key", "clock: {source: ptp, domian: 3}\nnodes:\n  a: {type: sine}\n", 1, 22,
     "unknown clock key 'domian', did you mean 'domain'?"},
    {"clock_domain", "clock: {source: ptp, domain: 200}\nnodes:\n  a: {type: sine}\n", 1, 30,
     "a PTP domain must be in 0 .. 127"},
    {"clock_profile", "clock: {source: ptp, profile: smpte}\nnodes:\n  a: {type: sine}\n", 1, 31,
     "unknown PTP profile 'smpte'"},
    {"clock_no_source", "clock: {domain: 1}\nnodes:\n  a: {type: sine}\n", 1, 8, "'clock' needs a 'source'"},
};

class LoaderError : public ::testing::TestWithParam<Case> {};

TEST(Loader, ReadsTheClockInBothForms) {
  const NodeRegistry r = test::test_registry();
  auto short_form = load_graph_text("clock: ptp\nnodes:\n  a: {type: sine}\n", "a.yaml", r);
  ASSERT_TRUE(short_form) << short_form.error().to_string();
  EXPECT_EQ(short_form->clock.source, GraphClock::Source::ptp);
  EXPECT_EQ(short_form->clock.domain, 0);
  EXPECT_EQ(short_form->clock.profile, "aes67");
  auto long_form =
      load_graph_text("clock: {source: ptp, domain: 5, profile: default}\nnodes:\n  a: {type: sine}\n", "b.yaml", r);
  ASSERT_TRUE(long_form) << long_form.error().to_string();
  EXPECT_EQ(long_form->clock.domain, 5);
  EXPECT_EQ(long_form->clock.profile, "default");
  EXPECT_EQ(long_form->clock.where.line, 1u);
}

TEST_P(LoaderError, NamesFileLineColumnAndWhatWasExpected) {
  const Case& c = GetParam();
  const auto err = first_error(c.yaml);
  ASSERT_TRUE(err.has_value()) << "no error for case " << c.name;
  EXPECT_EQ(err->where.file, "bad.yaml");
  EXPECT_EQ(err->where.line, c.line) << err->to_string();
  EXPECT_EQ(err->where.column, c.column) << err->to_string();
  EXPECT_NE(err->message.find(c.message_part), std::string::npos) << err->to_string();
  const std::string text = err->to_string();
  EXPECT_EQ(text.rfind("bad.yaml:" + std::to_string(c.line) + ":" + std::to_string(c.column) + ": error: ", 0), 0u)
      << text;
}

INSTANTIATE_TEST_SUITE_P(Cases, LoaderError, ::testing::ValuesIn(kCases),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(Loader, AcceptsAValidGraphWithEveryFeature) {
  const NodeRegistry r = test::test_registry();
  const char* yaml = R"(audiocloud: 1
sample_rate: 44100
block_size: 32
tempo: 90
time_signature: 3/4
duration: 2 bars
nodes:
  a: {type: sine, params: {frequency: 440 Hz}}
  b: {type: gain, channels: 2, params: {gain: -6dB}}
  o: {type: output, channels: 2}
connections:
  - a.out[0,0] -> b.in
  - b -> o
events:
  - {at: "2:3", set: a.frequency, value: 220}
  - {at: 100, ramp: b.gain, to: -12, over: 1 beats}
)";
  auto g = load_graph_text(yaml, "ok.yaml", r);
  ASSERT_TRUE(g) << g.error().to_string();
  EXPECT_EQ(g->sample_rate, 44100);
  EXPECT_EQ(g->block_size, 32u);
  EXPECT_EQ(g->beats_per_bar, 3u);
  EXPECT_EQ(*g->duration_frames, 176400);  // 6 beats at 90 bpm = 4 s
  ASSERT_EQ(g->connections.size(), 4u);
  ASSERT_EQ(g->events.size(), 2u);
  EXPECT_EQ(g->events[0].at.value, 100);                     // sorted by time
  EXPECT_EQ(g->clock.source, GraphClock::Source::internal);  // the default
  EXPECT_EQ(g->events[0].ramp_frames, 29400u);
  EXPECT_EQ(g->events[1].at.value, static_cast<int64_t>(5 * 44100 * 60 / 90));
  EXPECT_FLOAT_EQ(g->nodes[1].params[0], -6.0f);
}

}  // namespace
}  // namespace ac
