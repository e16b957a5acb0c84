#pragma once
// The editable, validated description of a graph: which nodes exist, with
// what options and parameter values, which channels feed which, and the
// timed events. Built by the loader (or by code), read by the compiler.
// Every item keeps the place it was written so that the compiler's errors
// can name file:line:column too.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/sample_time.h"
#include "graph/node_options.h"
#include "graph/node_type.h"
#include "graph/param_spec.h"

namespace ac {

// What to do with a node that keeps overrunning its share of the block.
struct NodeBudget {
  double share = 1.0;        // of the block period, (0, 1]
  uint32_t after = 8;        // consecutive blocks over budget before bypassing
  bool pass_through = true;  // bypassed: copy inputs to outputs (else silence)
};

// A parameter of another node that a node drives (its target options).
struct ParamTarget {
  uint32_t node = 0;
  ParamId param = 0;
};

struct GraphNode {
  std::string id;                  // unique within the graph
  const NodeType* type = nullptr;  // from the registry that loaded the graph
  NodeOptions options;
  NodeLayout layout;
  std::vector<float> params;               // initial value of each automatable param
  std::optional<NodeBudget> budget;        // the overrun policy, if the file sets one
  std::vector<ParamTarget> param_targets;  // resolved target options, in option order
  SourceLocation where;
};

// One channel-to-channel connection. A connection line in a file that joins
// several channels becomes several of these.
struct Connection {
  // During a hot swap a connection may fade in or out (graph/engine.h).
  enum class Fade : uint8_t { none, in, out };
  Fade fade = Fade::none;
  uint32_t src_node = 0, src_port = 0, src_channel = 0;
  uint32_t dst_node = 0, dst_port = 0, dst_channel = 0;
  SourceLocation where;
};

// One event-port connection: every event of the source port reaches the
// destination port at the frame it was sent. Several sources into one port
// are merged in frame order (ties: connection order).
struct EventConnection {
  uint32_t src_node = 0, src_port = 0;
  uint32_t dst_node = 0, dst_port = 0;
  SourceLocation where;
};

// A parameter change at an exact sample: a jump (ramp_frames 0) or a linear
// ramp that reaches `value` after ramp_frames frames.
struct TimedEvent {
  SampleTime at;
  uint32_t node = 0;
  ParamId param = 0;
  float value = 0.0f;
  FrameCount ramp_frames = 0;
  SourceLocation where;
};

// Where the graph's sample time comes from (docs/spec/graph-format.md).
struct GraphClock {
  enum class Source : uint8_t {
    internal,  // the driver counts samples from 0
    ptp,       // the AES67 media clock: samples since the PTP epoch, locked to a PTP grandmaster
  };
  Source source = Source::internal;
  uint8_t domain = 0;
  std::string profile = "aes67";
  SourceLocation where;
};

struct Graph {
  std::string file;  // where it was loaded from ("" when built in code)
  double sample_rate = 48000.0;
  FrameCount block_size = 64;
  std::optional<double> tempo_bpm;
  uint32_t beats_per_bar = 4;
  std::optional<int64_t> duration_frames;  // the file's default render length
  GraphClock clock;
  std::vector<GraphNode> nodes;
  std::vector<Connection> connections;             // in file order: the summing order
  std::vector<EventConnection> event_connections;  // in file order: the merge order
  std::vector<TimedEvent> events;                  // in file order

  // [any] Index of the node called `id`, if any.
  std::optional<uint32_t> find_node(const std::string& id) const;
  // "synth.out[1]" — for messages.
  std::string channel_name(uint32_t node, uint32_t port, uint32_t channel, bool input) const;
  // "keys.midi" — for messages.
  std::string event_port_name(uint32_t node, uint32_t port, bool input) const;
};

}  // namespace ac
