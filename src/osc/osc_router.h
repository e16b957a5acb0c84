#pragma once
// Where an OSC message goes (docs/spec/osc.md), as a pure function: a
// decoded message and what the running graph offers in, an action out. No
// sockets, no engine; the server (osc/osc_server.h) carries the action out
// and answers. Tested with byte fixtures in tests/osc/osc_router_test.cpp.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "graph/graph.h"
#include "osc/osc_message.h"

namespace ac {

struct OscParamAddress {
  std::string node, param;
  bool operator==(const OscParamAddress&) const = default;
};

// What a running graph offers OSC: every parameter, and the nodes that
// take events from outside (`osc_events`).
struct OscSurface {
  std::vector<OscParamAddress> params;
  std::vector<std::string> event_nodes;
  // [control] Read off a graph: its nodes' parameters in graph order.
  static OscSurface of(const Graph& graph);
};

namespace osc_action {
struct SetParams {  // /node/<pattern> with one number
  std::vector<OscParamAddress> targets;
  double value = 0.0;
  std::optional<RealtimeNanos> at;  // none: as soon as possible
};
struct QueryParams {  // /node/<pattern> with no argument
  std::vector<OscParamAddress> targets;
};
struct PostEvent {  // /events/<id>
  std::string node;
  std::array<uint32_t, 4> words{};  // one UMP packet
  std::optional<RealtimeNanos> at;
};
struct ListParams {};  // /list
struct ApplyPatch {    // /graph/patch
  std::string text;
};
struct TransportTime {};  // /transport/time
struct Stop {};           // /transport/stop
struct Subscribe {        // /subscribe
  std::string url;
};
struct Refuse {  // answered with /error
  std::string why;
};
}  // namespace osc_action

using OscAction = std::variant<osc_action::SetParams, osc_action::QueryParams, osc_action::PostEvent,
                               osc_action::ListParams, osc_action::ApplyPatch, osc_action::TransportTime,
                               osc_action::Stop, osc_action::Subscribe, osc_action::Refuse>;

// [any] What `message` asks of a graph offering `surface`.
OscAction route_osc(const OscMessage& message, const OscSurface& surface);

// [any] The parameter address of `p`: "/node/<id>/<param>".
std::string osc_address(const OscParamAddress& p);

}  // namespace ac
