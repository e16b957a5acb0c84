#include "app/patch_ports.h"

#include <cstdio>
#include <string>
#include <tuple>

#include "io/alsa_nodes.h"
#include "io/jack_nodes.h"

namespace ac {

Expected<std::optional<JackPortPlan>> jack_ports_for(const JackDriver& jack, const JackDriverOptions& base,
                                                     const Graph& next, bool bridged) {
  JackDriverOptions wanted = base;
  jack_ports_from_graph(next, wanted);
  auto planned = jack.plan_ports(wanted);
  if (!planned) return unexpected(planned.error());
  const bool adds = planned->inputs > jack.audio_inputs() || planned->outputs > jack.audio_outputs() ||
                    !planned->new_midi_inputs.empty() || !planned->new_midi_outputs.empty();
  if (!adds) return std::optional<JackPortPlan>{};
  if (bridged) {
    return unexpected(make_error(ErrorDomain::io,
                                 "this patch needs new JACK ports, which a client bridged to the PTP clock cannot add "
                                 "while running (restart it with the new graph)"));
  }
  return std::optional<JackPortPlan>{std::move(*planned)};
}

void add_jack_ports(JackDriver& jack, const JackPortPlan& plan) {
  const uint32_t had_in = jack.audio_inputs(), had_out = jack.audio_outputs();
  auto added = jack.add_ports(plan);
  if (!added) {
    std::printf("%s\n", added.error().to_string().c_str());
    return;
  }
  const char* client = jack.client_name().c_str();
  for (uint32_t i = had_in; i < jack.audio_inputs(); ++i)
    std::printf("JACK port %s:%s_%u added\n", client, plan.input_prefix.c_str(), i + 1);
  for (uint32_t i = had_out; i < jack.audio_outputs(); ++i)
    std::printf("JACK port %s:%s_%u added\n", client, plan.output_prefix.c_str(), i + 1);
  for (const auto* list : {&plan.new_midi_inputs, &plan.new_midi_outputs})
    for (const JackMidiPort& m : *list) std::printf("JACK port %s:%s added\n", client, m.name.c_str());
  for (const std::string& w : *added) std::printf("warning: %s\n", w.c_str());
}

Expected<void> alsa_channels_fit(const AlsaDriver& alsa, const Graph& next) {
  AlsaDriverOptions wanted;
  alsa_options_from_graph(next, wanted);
  const uint32_t playback = alsa.has_playback() ? alsa.playback_config().channels : 0;
  const uint32_t capture = alsa.has_capture() ? alsa.capture_config().channels : 0;
  for (const auto& [what, want, have] : {std::tuple{"playback", wanted.playback_channels, playback},
                                         std::tuple{"capture", wanted.capture_channels, capture}}) {
    if (want <= have) continue;
    return unexpected(make_error(ErrorDomain::io, std::string("this patch needs ") + std::to_string(want) + " ALSA " +
                                                      what + " channel" + (want == 1 ? "" : "s") +
                                                      ", but the device runs " + std::to_string(have) +
                                                      " (a running device is not reopened: restart with the new "
                                                      "graph)"));
  }
  return {};
}

}  // namespace ac
