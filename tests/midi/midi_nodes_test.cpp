// The midi layer's graph nodes: a controller mapped onto another node's
// parameter lands on its frame at full MIDI 2.0 resolution; the filter
// passes and remaps what it should; the synth starts each note on its frame
// at its pitch. Parameter changes posted to a running Engine land on their
// sample.
#include "midi/midi_nodes.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "graph/compiler.h"
#include "graph/engine.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"
#include "midi/ump_messages.h"
#include "render_helpers.h"

namespace ac {
namespace {

NodeRegistry registry() {
  return test::test_registry([](NodeRegistry& r) { register_midi_nodes(r); });
}

// A test source of fixed events: `events` as (frame, words) pairs, played
// once from sample 0, on its `midi` port.
struct Scripted {
  int64_t at;
  ump::Words words;
};
std::vector<Scripted> g_script;

class ScriptNode final : public Node {
 public:
  ScriptNode() : Node({}) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override {
    for (const Scripted& s : g_script) {
      if (s.at >= ctx.time.value && s.at < ctx.time.value + ctx.frames) {
        const uint32_t w[4] = {s.words[0], s.words[1], s.words[2], s.words[3]};
        ctx.emit(0, static_cast<FrameOffset>(s.at - ctx.time.value), w);
      }
    }
  }
};

NodeRegistry script_registry() {
  return test::test_registry([](NodeRegistry& r) {
    register_midi_nodes(r);
    NodeType t;
    t.name = "script";
    t.summary = "test: plays g_script";
    t.layout = [](const NodeOptions&) -> Expected<NodeLayout> {
      NodeLayout l;
      l.event_outputs = {{"midi", 1}};
      return l;
    };
    t.create = [](const NodeOptions&, const NodeLayout&) -> Expected<std::unique_ptr<Node>> {
      return std::unique_ptr<Node>(std::make_unique<ScriptNode>());
    };
    r.add(std::move(t));
  });
}

test::Channels render(const std::string& yaml, int64_t frames, uint32_t block) {
  const NodeRegistry r = script_registry();
  return test::render_graph(test::load_or_fail(yaml, r), frames, block);
}

TEST(MidiMap, ControllerSetsTheTargetOnItsFrameAtFullResolution) {
  // CC 74 as MIDI 1.0 at frame 1000 (value 64), as MIDI 2.0 at 3000 (32-bit).
  g_script = {{1000, {ump::midi1(0, 0xB0, 74, 64), 0, 0, 0}},
              {3000, ump::control_change(0, 0, 74, 0x40000000)},
              {4000, ump::control_change(0, 0, 75, 0xFFFFFFFF)}};  // another controller: ignored
  const std::string yaml =
      "nodes:\n  s: {type: script}\n"
      "  k: {type: constant, params: {value: 0}}\n"
      "  m: {type: midi_map, params: {target: k.value, controller: 74, min: 0, max: 2, smoothing: 0}}\n"
      "  out: {type: output, channels: 1}\n"
      "connections:\n  - s.midi -> m.midi\n  - k.out -> out.in\n";
  for (uint32_t block : {1u, 64u, 100u, 1024u}) {
    const auto y = render(yaml, 5000, block);
    ASSERT_EQ(y.size(), 1u);
    EXPECT_EQ(y[0][999], 0.0f) << "block " << block;
    // 64 of 127 is the centre, as 0x80000000 is in MIDI 2.0 (the spec's
    // min-centre-max scaling), not 64/127 = 0.50394.
    EXPECT_FLOAT_EQ(y[0][1000], static_cast<float>(2.0 * 0x80000000u / 4294967295.0)) << "block " << block;
    EXPECT_FLOAT_EQ(y[0][2999], y[0][1000]);
    // 0x40000000 of 0xFFFFFFFF: 32-bit resolution, not 7-bit (which would be 32/127).
    EXPECT_FLOAT_EQ(y[0][3000], static_cast<float>(2.0 * 0x40000000 / 4294967295.0)) << "block " << block;
    EXPECT_FLOAT_EQ(y[0][4999], y[0][3000]);
  }
}

// One position, one value: MIDI 1.0 and 2.0 at their minimum, centre and
// maximum drive the target to the same number, for controllers, pressure,
// pitch bend (14 bits) and velocity (16 bits in 2.0).
TEST(MidiMap, BothProtocolsGiveTheSameValueAtMinCentreAndMax) {
  struct Pair {
    const char* source;
    ump::Words one, two;
  };
  const std::vector<Pair> pairs = {
      {"cc", {ump::midi1(0, 0xB0, 7, 0), 0, 0, 0}, ump::control_change(0, 0, 7, 0)},
      {"cc", {ump::midi1(0, 0xB0, 7, 64), 0, 0, 0}, ump::control_change(0, 0, 7, 0x80000000)},
      {"cc", {ump::midi1(0, 0xB0, 7, 127), 0, 0, 0}, ump::control_change(0, 0, 7, 0xFFFFFFFF)},
      {"channel_pressure", {ump::midi1(0, 0xD0, 64), 0, 0, 0}, ump::channel_pressure(0, 0, 0x80000000)},
      {"pitch_bend", {ump::midi1(0, 0xE0, 0x00, 0x40), 0, 0, 0}, ump::pitch_bend(0, 0, 0x80000000)},
      {"pitch_bend", {ump::midi1(0, 0xE0, 0x7F, 0x7F), 0, 0, 0}, ump::pitch_bend(0, 0, 0xFFFFFFFF)},
      {"velocity", {ump::midi1(0, 0x90, 60, 64), 0, 0, 0}, ump::note_on(0, 0, 60, 0x8000)},
      {"velocity", {ump::midi1(0, 0x90, 60, 127), 0, 0, 0}, ump::note_on(0, 0, 60, 0xFFFF)},
  };
  for (const Pair& p : pairs) {
    SCOPED_TRACE(p.source);
    g_script = {{100, p.one}, {300, p.two}};
    const std::string yaml = std::string("nodes:\n  s: {type: script}\n  k: {type: constant, params: {value: -1}}\n") +
                             "  m: {type: midi_map, params: {target: k.value, source: " + p.source +
                             ", controller: 7, min: 0, max: 1, smoothing: 0}}\n  out: {type: output, channels: 1}\n"
                             "connections:\n  - s.midi -> m.midi\n  - k.out -> out.in\n";
    const auto y = render(yaml, 400, 64);
    ASSERT_EQ(y.size(), 1u);
    EXPECT_NE(y[0][100], -1.0f) << "the MIDI 1.0 message did not drive the target";
    EXPECT_EQ(y[0][299], y[0][100]);
    EXPECT_EQ(y[0][300], y[0][100]) << "MIDI 1.0 gave " << y[0][100] << ", MIDI 2.0 " << y[0][300];
  }
}

// An RPN source is a bank and an index: RPN 0/0 (pitch-bend sensitivity)
// does not react to bank 1, index 0.
TEST(MidiMap, AnRpnIsItsBankAndIndex) {
  g_script = {{100, ump::registered_controller(0, 0, 1, 0, 0xFFFFFFFF)},   // bank 1, index 0: not ours
              {200, ump::registered_controller(0, 0, 0, 0, 0x80000000)},   // bank 0, index 0
              {300, ump::assignable_controller(0, 0, 0, 0, 0xFFFFFFFF)}};  // an NRPN 0/0: not ours either
  const std::string yaml =
      "nodes:\n  s: {type: script}\n  k: {type: constant, params: {value: -1}}\n"
      "  m: {type: midi_map, params: {target: k.value, source: rpn, controller: 0, min: 0, max: 1, smoothing: 0}}\n"
      "  out: {type: output, channels: 1}\nconnections:\n  - s.midi -> m.midi\n  - k.out -> out.in\n";
  const auto y = render(yaml, 400, 64);
  ASSERT_EQ(y.size(), 1u);
  EXPECT_EQ(y[0][150], -1.0f) << "bank 1 moved an RPN 0/0 map";
  EXPECT_FLOAT_EQ(y[0][250], static_cast<float>(0x80000000u / 4294967295.0));
  EXPECT_FLOAT_EQ(y[0][399], y[0][250]);
  // The bank option picks the other one.
  const std::string bank1 = std::string(yaml).replace(yaml.find("controller: 0"), 13, "controller: 0, bank: 1");
  const auto z = render(bank1, 400, 64);
  EXPECT_FLOAT_EQ(z[0][150], 1.0f);
  EXPECT_FLOAT_EQ(z[0][250], 1.0f);
}

TEST(MidiMap, TargetErrorsNameTheFileLocation) {
  const NodeRegistry r = registry();
  auto g = load_graph_text("nodes:\n  m: {type: midi_map, params: {target: nothere.value}}\n", "map.yaml", r);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().to_string(), "map.yaml:2:40: error: 'target' of 'm' names unknown node 'nothere'");
  g = load_graph_text("nodes:\n  k: {type: constant}\n  m: {type: midi_map, params: {target: k.vlue}}\n", "map.yaml",
                      r);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().to_string(),
            "map.yaml:3:42: error: node 'k' (constant) has no parameter 'vlue', did you mean 'value'?");
}

TEST(MidiFilter, PassesMatchingEventsRemappedAndTransposed) {
  g_script = {{10, {ump::midi1(0, 0x90, 60, 100), 0, 0, 0}},  // passes, moved to ch 3, +12
              {20, {ump::midi1(0, 0x91, 60, 100), 0, 0, 0}},  // channel 2: dropped
              {30, {ump::midi1(0, 0xB0, 7, 100), 0, 0, 0}},   // a controller: dropped
              {40, ump::note_on(0, 0, 50, 0x8000)},           // MIDI 2.0, below `low`: dropped
              {50, ump::note_on(0, 0, 72, 0xFFFF)},           // MIDI 2.0: passes
              {60, {ump::midi1(0, 0x80, 60, 0), 0, 0, 0}}};   // passes
  test::TempDir tmp;
  const std::string yaml =
      "nodes:\n  s: {type: script}\n"
      "  f: {type: midi_filter, params: {kinds: notes, channel: 1, low: 55, transpose: 12, "
      "to_channel: 3}}\n  log: {type: event_log, params: {path: " +
      tmp.path("f.log") + "}}\nconnections:\n  - s.midi -> f.midi\n  - f.midi -> log.midi\n";
  render(yaml, 128, 64);
  const std::string all = test::read_text(tmp.path("f.log"));
  EXPECT_EQ(all,
            "# audiocloud event log: sample_time ump_words(hex)\n"
            "10 20924864\n"
            "50 40925400 ffff0000\n"
            "60 20824800\n");
}

// Frequency from zero crossings over [from, to).
double frequency(const std::vector<float>& x, size_t from, size_t to) {
  std::vector<double> up;
  for (size_t n = from + 1; n < to; ++n) {
    if (x[n - 1] < 0.0f && x[n] >= 0.0f) up.push_back(static_cast<double>(n - 1) + x[n - 1] / (x[n - 1] - x[n]));
  }
  if (up.size() < 2) return 0.0;
  return 48000.0 * static_cast<double>(up.size() - 1) / (up.back() - up.front());
}

TEST(Synth, ANoteStartsOnItsFrameAtItsPitch) {
  // A4 (440 Hz) from MIDI 1.0 at frame 1234; E5 (659.26 Hz) from MIDI 2.0
  // at 30000, bent up 2 semitones by a per-note pitch bend at 40000
  // (range 48: +1/24 of full scale).
  g_script = {{1234, {ump::midi1(0, 0x90, 69, 127), 0, 0, 0}},
              {20000, {ump::midi1(0, 0x80, 69, 64), 0, 0, 0}},
              {30000, ump::note_on(0, 0, 76, 0xFFFF)},
              {40000, ump::per_note_pitch_bend(0, 0, 76, 0x80000000u + 0x80000000u / 24)}};
  const std::string yaml =
      "nodes:\n  s: {type: script}\n"
      "  syn: {type: synth, params: {wave: sine, release: 10, level: -6}}\n"
      "  out: {type: output, channels: 1}\n"
      "connections:\n  - s.midi -> syn.midi\n  - syn.out -> out.in\n";
  for (uint32_t block : {64u, 1000u}) {
    const auto y = render(yaml, 50000, block);
    const std::vector<float>& x = y[0];
    for (size_t n = 0; n <= 1234; ++n) ASSERT_EQ(x[n], 0.0f) << "frame " << n << ", block " << block;
    EXPECT_NE(x[1235], 0.0f) << "block " << block;
    EXPECT_NEAR(frequency(x, 5000, 19000), 440.0, 0.05);
    EXPECT_NEAR(frequency(x, 32000, 39900), 659.255, 0.05);
    EXPECT_NEAR(frequency(x, 41000, 49000), 739.989, 0.05);  // F#5
    // Released at 20000 over 10 ms: silent again well before 30000.
    for (size_t n = 21000; n < 30000; ++n) ASSERT_EQ(x[n], 0.0f) << n;
  }
}

TEST(EngineParams, PostedChangesLandOnTheirSample) {
  const NodeRegistry r = registry();
  Graph g = test::load_or_fail(
      "nodes:\n  k: {type: constant, params: {value: 0.25}}\n  out: {type: output, channels: 1}\n"
      "connections:\n  - k.out -> out.in\n",
      r);
  EngineOptions eo;
  eo.realtime = false;
  auto engine = Engine::create(g, eo);
  ASSERT_TRUE(engine);
  Engine& e = **engine;
  ASSERT_TRUE(e.set_param("k", "value", 0.5f, SampleTime{1000}));
  ASSERT_TRUE(e.set_param("k", "value", -0.5f, SampleTime{1001}));
  ASSERT_TRUE(e.set_param("k", "value", 1.0f, SampleTime{4100}));
  EXPECT_EQ(*e.param("k", "value"), 1.0f);
  EXPECT_EQ(e.set_param("k", "nope", 1.0f).error().message, "node 'k' has no parameter 'nope'");
  EXPECT_EQ(e.set_param("x", "value", 1.0f).error().message, "no node 'x'");
  EXPECT_FALSE(e.set_param("k", "value", 1e9f));  // outside its range
  std::vector<float> y(6000), buf(64);
  float* ch[1] = {buf.data()};
  HostIo host;
  host.output = AudioView{ch, 1, 0, 64};
  for (int64_t t = 0; t < 6000; t += 64) {
    const auto n = static_cast<FrameCount>(std::min<int64_t>(64, 6000 - t));
    Plan* p = e.begin_block(SampleTime{t}, n);
    run_block(*p, SampleTime{t}, n, &host);
    std::copy(buf.begin(), buf.begin() + n, y.begin() + t);
    if (t == 2048) {
      ASSERT_TRUE(e.set_param("k", "value", 0.75f));  // as soon as possible: the next block
    }
  }
  EXPECT_EQ(y[999], 0.25f);
  EXPECT_EQ(y[1000], 0.5f);
  EXPECT_EQ(y[1001], -0.5f);
  EXPECT_EQ(y[2111], -0.5f);
  EXPECT_EQ(y[2112], 0.75f);  // the block after the call
  EXPECT_EQ(y[4099], 0.75f);
  EXPECT_EQ(y[4100], 1.0f);
  EXPECT_EQ(e.params_dropped(), 0u);
}

}  // namespace
}  // namespace ac
