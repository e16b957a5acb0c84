// Event ports in the graph: `notes` → `event_log`. Every note must be
// logged at the sample time the pattern's formula gives, whatever the block
// size, executor or number of sources merged into one port.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "event_log_reader.h"
#include "graph/compiler.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"
#include "graph/parallel_executor.h"
#include "midi/midi_nodes.h"
#include "render_helpers.h"

namespace ac {
namespace {

using test::LogLine;

std::vector<LogLine> read_log(const std::string& path) {
  return test::read_event_log(path);
}

NodeRegistry registry() {
  return test::test_registry([](NodeRegistry& r) { register_midi_nodes(r); });
}

// Note on/off words of `notes` with channel 1, group 0, velocity 100.
uint32_t on(uint8_t note) {
  return 0x20900000u | uint32_t{note} << 8 | 100u;
}
uint32_t off(uint8_t note) {
  return 0x20800000u | uint32_t{note} << 8;
}

// The pattern's notes in [0, frames), by its formula.
std::vector<LogLine> expected_notes(const std::vector<uint8_t>& pattern, int64_t interval, int64_t length,
                                    int64_t offset, int64_t frames) {
  std::vector<LogLine> out;
  for (int64_t k = 0; offset + k * interval < frames; ++k) {
    const uint8_t n = pattern[static_cast<size_t>(k) % pattern.size()];
    out.push_back({offset + k * interval, on(n)});
    if (offset + k * interval + length < frames) out.push_back({offset + k * interval + length, off(n)});
  }
  return out;
}

void run(const std::string& yaml, int64_t frames, uint32_t block, uint32_t threads = 1) {
  const NodeRegistry r = registry();
  Graph g = test::load_or_fail(yaml, r);
  g.block_size = block;
  auto plan = compile(g, CompileOptions{false, threads});
  ASSERT_TRUE(plan) << plan.error().to_string();
  for (auto& n : (*plan)->nodes) ASSERT_TRUE(n->activate());
  SerialExecutor serial;
  ParallelExecutorOptions po;
  po.threads = threads;
  std::unique_ptr<ParallelExecutor> parallel;
  if (threads > 1) parallel = std::make_unique<ParallelExecutor>(po);
  Executor& ex = parallel ? static_cast<Executor&>(*parallel) : serial;
  for (int64_t t = 0; t < frames;) {
    const auto n = static_cast<FrameCount>(std::min<int64_t>(block, frames - t));
    ex.run(**plan, SampleTime{t}, n, nullptr);
    t += n;
  }
  for (auto& n : (*plan)->nodes) n->deactivate();
}

TEST(EventPorts, NotesLandOnTheirSampleAtEveryBlockSize) {
  test::TempDir tmp;
  const std::string log = tmp.path("notes.log");
  const std::string yaml =
      "nodes:\n  n: {type: notes, params: {pattern: \"60, 64, 67\", interval: 997, length: 500, "
      "offset: 13}}\n  log: {type: event_log, params: {path: " +
      log + "}}\nconnections:\n  - n.midi -> log.midi\n";
  const auto want = expected_notes({60, 64, 67}, 997, 500, 13, 20000);
  for (uint32_t block : {1u, 7u, 64u, 256u, 4096u}) {
    run(yaml, 20000, block);
    EXPECT_EQ(read_log(log), want) << "block " << block;
  }
}

TEST(EventPorts, EventLogCanDescribeEachPacket) {
  test::TempDir tmp;
  const std::string log = tmp.path("d.log");
  run("nodes:\n  n: {type: notes, params: {pattern: \"60\", interval: 100, length: 50}}\n"
      "  log: {type: event_log, params: {path: " +
          log + ", describe: on}}\nconnections:\n  - n.midi -> log.midi\n",
      100, 64);
  EXPECT_EQ(test::read_text(log),
            "# audiocloud event log: sample_time ump_words(hex)\n"
            "0 20903c64  # MIDI 1.0 channel voice group=0 channel=0 note on note=60 velocity=100\n"
            "50 20803c00  # MIDI 1.0 channel voice group=0 channel=0 note off note=60 velocity=0\n");
}

TEST(EventPorts, SeveralSourcesMergeInFrameOrderTiesInConnectionOrder) {
  test::TempDir tmp;
  const std::string log = tmp.path("merged.log");
  // a and b start together (ties), c interleaves.
  const std::string yaml =
      "nodes:\n"
      "  a: {type: notes, params: {pattern: \"60\", interval: 1000, length: 300}}\n"
      "  b: {type: notes, params: {pattern: \"72\", interval: 1000, length: 300}}\n"
      "  c: {type: notes, params: {pattern: \"48\", interval: 700, length: 100, offset: 5}}\n"
      "  log: {type: event_log, params: {path: " +
      log +
      "}}\nconnections:\n  - b.midi -> log.midi\n  - a.midi -> log.midi\n"
      "  - c.midi -> log.midi\n";
  std::vector<LogLine> want;
  for (const auto& part : {expected_notes({72}, 1000, 300, 0, 5000), expected_notes({60}, 1000, 300, 0, 5000),
                           expected_notes({48}, 700, 100, 5, 5000)}) {
    want.insert(want.end(), part.begin(), part.end());
  }
  std::stable_sort(want.begin(), want.end(), [](const LogLine& x, const LogLine& y) { return x.time < y.time; });
  for (uint32_t block : {16u, 64u, 1000u}) {
    run(yaml, 5000, block);
    EXPECT_EQ(read_log(log), want) << "block " << block;
  }
}

TEST(EventPorts, ParallelExecutorLogsTheSameAsSerial) {
  test::TempDir tmp;
  std::string yaml = "nodes:\n";
  std::string conns = "connections:\n";
  for (int i = 0; i < 8; ++i) {
    const std::string id = "n" + std::to_string(i);
    yaml += "  " + id + ": {type: notes, params: {pattern: \"" + std::to_string(40 + i) +
            "\", interval: " + std::to_string(301 + 17 * i) + ", length: 100, offset: " + std::to_string(i) + "}}\n";
    conns += "  - " + id + ".midi -> log.midi\n";
  }
  const std::string serial_yaml =
      yaml + "  log: {type: event_log, params: {path: " + tmp.path("s.log") + "}}\n" + conns;
  const std::string parallel_yaml =
      yaml + "  log: {type: event_log, params: {path: " + tmp.path("p.log") + "}}\n" + conns;
  run(serial_yaml, 30000, 64, 1);
  run(parallel_yaml, 30000, 64, 2);
  const auto s = read_log(tmp.path("s.log"));
  EXPECT_GT(s.size(), 600u);
  EXPECT_EQ(read_log(tmp.path("p.log")), s);
}

TEST(EventPorts, EventAndAudioPortsDoNotMix) {
  const NodeRegistry r = registry();
  const std::string yaml = "nodes:\n  n: {type: notes}\n  g: {type: gain}\nconnections:\n  - n.midi -> g.in\n";
  auto g = load_graph_text(yaml, "mix.yaml", r);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().to_string(),
            "mix.yaml:5:5: error: 'n.midi' is an event port and 'g.in' an audio port; event ports connect only to "
            "event ports");
}

TEST(EventPorts, ChannelsCannotBeSelectedOnAnEventPort) {
  const NodeRegistry r = registry();
  const std::string yaml =
      "nodes:\n  n: {type: notes}\n  log: {type: event_log, params: {path: x.log}}\n"
      "connections:\n  - n.midi[0] -> log.midi\n";
  auto g = load_graph_text(yaml, "sel.yaml", r);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().to_string(), "sel.yaml:5:5: error: 'n.midi' is an event port: it has no channels to select");
}

TEST(EventPorts, UnknownPortSuggestsEventPortsToo) {
  const NodeRegistry r = registry();
  const std::string yaml =
      "nodes:\n  n: {type: notes}\n  log: {type: event_log, params: {path: x.log}}\n"
      "connections:\n  - n.midi -> log.mdi\n";
  auto g = load_graph_text(yaml, "name.yaml", r);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().to_string(),
            "name.yaml:5:15: error: node 'log' (event_log) has no input port 'mdi', did you mean 'midi'? (its inputs: "
            "midi)");
}

TEST(EventPorts, DuplicateEventConnectionIsAnError) {
  const NodeRegistry r = registry();
  const std::string yaml =
      "nodes:\n  n: {type: notes}\n  log: {type: event_log, params: {path: x.log}}\n"
      "connections:\n  - n.midi -> log.midi\n  - n -> log\n";
  auto g = load_graph_text(yaml, "dup.yaml", r);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().to_string(),
            "dup.yaml:6:5: error: duplicate connection n.midi -> log.midi (already made at line 5)");
}

TEST(EventPorts, PatternErrorsNameTheBadItem) {
  const NodeRegistry r = registry();
  auto g = load_graph_text("nodes:\n  n: {type: notes, params: {pattern: \"60, x\"}}\n", "pat.yaml", r);
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().to_string().find("pat.yaml:2:"), std::string::npos) << g.error().to_string();
  EXPECT_NE(g.error().to_string().find("'x' is not one"), std::string::npos) << g.error().to_string();
}

TEST(EventBuffer, KeepsOrderAndCountsWhatDoesNotFit) {
  EventBuffer b(3);
  EXPECT_TRUE(b.push({10, {1, 0, 0, 0}}));
  EXPECT_TRUE(b.push({5, {2, 0, 0, 0}}));  // earlier than the last: moved to its frame
  EXPECT_TRUE(b.push({20, {3, 0, 0, 0}}));
  EXPECT_FALSE(b.push({30, {4, 0, 0, 0}}));
  EXPECT_EQ(b.dropped(), 1u);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b.all().first[1].at, 10u);
  const EventSpan w = b.window(10, 20);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w.first[0].words[0], 1u);
  EXPECT_EQ(w.first[1].words[0], 2u);
}

}  // namespace
}  // namespace ac
