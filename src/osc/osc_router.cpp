#include "osc/osc_router.h"

#include <lo/lo.h>

#include <algorithm>

#include "midi/ump_classify.h"

namespace ac {
namespace {

using namespace osc_action;

Refuse refuse(std::string why) {
  return Refuse{std::move(why)};
}

OscAction route_params(const OscMessage& m, const OscSurface& surface) {
  std::vector<OscParamAddress> matches;
  for (const OscParamAddress& p : surface.params) {
    if (lo_pattern_match(osc_address(p).c_str(), m.path.c_str())) matches.push_back(p);
  }
  if (matches.empty()) return refuse("no parameter matches " + m.path);
  if (m.args.empty()) return QueryParams{std::move(matches)};
  const std::optional<double> value = m.args.size() == 1 ? m.args[0].as_number() : std::nullopt;
  if (!value) return refuse(m.path + " takes one number (or none to query)");
  return SetParams{std::move(matches), *value, m.at};
}

// OSC's MIDI type: port id, status, data 1, data 2 — one whole MIDI 1.0
// message of at most 3 bytes (no SysEx). The data bytes the status uses are
// below 0x80 (0090FF80 is no note on); the ones it does not use are ignored.
std::optional<uint32_t> midi_word(const std::array<uint8_t, 4>& m) {
  const uint8_t status = m[1];
  const int data = status < 0x80 ? -1 : ump::midi1_data_bytes(status);
  if (data < 0 || status == 0xF0 || status == 0xF7) return std::nullopt;
  if ((data >= 1 && m[2] > 0x7F) || (data >= 2 && m[3] > 0x7F)) return std::nullopt;
  const uint8_t d1 = data >= 1 ? m[2] : 0, d2 = data >= 2 ? m[3] : 0;
  return status >= 0xF0 ? ump::system(0, status, d1, d2) : ump::midi1(0, status, d1, d2);
}

OscAction route_event(const OscMessage& m, const OscSurface& surface) {
  const std::string id = m.path.substr(8);
  if (std::find(surface.event_nodes.begin(), surface.event_nodes.end(), id) == surface.event_nodes.end())
    return refuse(m.path + ": no osc_events node '" + id + "'");
  PostEvent post{id, {}, m.at};
  const size_t argc = m.args.size();
  if (argc == 1 && m.args[0].type == LO_MIDI) {
    const std::optional<uint32_t> word = midi_word(m.args[0].midi);
    if (!word) return refuse(m.path + ": not a complete MIDI 1.0 message (a status byte, then data bytes below 0x80)");
    post.words[0] = *word;
    return post;
  }
  if (argc < 1 || argc > 4) return refuse(m.path + " takes one MIDI message (m) or 1..4 UMP words (i)");
  for (size_t i = 0; i < argc; ++i) {
    if (m.args[i].type != LO_INT32) return refuse(m.path + " takes one MIDI message (m) or 1..4 UMP words (i)");
    post.words[i] = static_cast<uint32_t>(m.args[i].integer);
  }
  const uint32_t need = ump::word_count(ump::message_type(post.words[0]));
  if (argc != need) return refuse(m.path + ": the packet's message type needs " + std::to_string(need) + " words");
  uint32_t words[4] = {post.words[0], post.words[1], post.words[2], post.words[3]};
  const ump::Check c = ump::classify(words);
  if (!c.valid()) return refuse(m.path + ": invalid UMP packet (" + c.name + ": " + c.problem + ")");
  return post;
}

OscAction route_subscribe(const OscMessage& m) {
  if (m.args.size() != 1 || m.args[0].type != LO_STRING)
    return refuse("/subscribe takes a URL like osc.udp://host:port/");
  const std::string& url = m.args[0].text;
  lo_address a = lo_address_new_from_url(url.c_str());
  if (!a) return refuse("/subscribe: not an OSC URL: " + url);
  lo_address_free(a);
  return Subscribe{url};
}

}  // namespace

OscSurface OscSurface::of(const Graph& graph) {
  OscSurface s;
  for (const GraphNode& n : graph.nodes) {
    for (const ParamSpec& spec : n.layout.params) s.params.push_back({n.id, spec.name});
    if (n.type->is_event_inlet) s.event_nodes.push_back(n.id);
  }
  return s;
}

std::string osc_address(const OscParamAddress& p) {
  return "/node/" + p.node + "/" + p.param;
}

OscAction route_osc(const OscMessage& m, const OscSurface& surface) {
  const std::string& p = m.path;
  if (p.rfind("/node/", 0) == 0) return route_params(m, surface);
  if (p.rfind("/events/", 0) == 0) return route_event(m, surface);
  if (p == "/list") return ListParams{};
  if (p == "/graph/patch") {
    if (m.args.size() != 1 || m.args[0].type != LO_STRING) return refuse("/graph/patch takes one string");
    return ApplyPatch{m.args[0].text};
  }
  if (p == "/transport/time") return TransportTime{};
  if (p == "/transport/stop") return Stop{};
  if (p == "/subscribe") return route_subscribe(m);
  return refuse("unknown address " + p);
}

}  // namespace ac
