#include "app/registry.h"

#include "dsp/builtin_nodes.h"
#include "io/alsa_nodes.h"
#include "io/jack_nodes.h"
#include "midi/midi_nodes.h"
#include "net/net_nodes.h"
#include "plugin/plugin_nodes.h"

namespace ac {

NodeRegistry default_registry() {
  NodeRegistry r;
  register_endpoint_nodes(r);
  register_dsp_nodes(r);
  register_midi_nodes(r);
  register_plugin_nodes(r);
  register_jack_nodes(r);
  register_alsa_nodes(r);
  register_net_nodes(r);
  return r;
}

}  // namespace ac
