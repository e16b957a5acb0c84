// audiocloud: one real-time signal graph for MIDI, plug-ins and audio
// networks. This file only parses the command line; each subcommand lives
// in its own cmd_*.cpp.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "graph/edit_distance.h"

namespace {

CLI::App* add_render(CLI::App& app, ac::RenderArgs& a) {
  CLI::App* r = app.add_subcommand("render", "render a graph offline, as fast as possible, to a sound file");
  r->add_option("graph", a.graph, "graph file (YAML)")->required();
  r->add_option("-o,--output", a.output, "output file (default: <graph name>.wav here); .wav .flac .aiff");
  r->add_flag("--no-output", a.no_output, "write no file (recorders in the graph still write theirs)");
  r->add_option("-d,--duration", a.duration,
                "length: 10s, 500ms, 48000 (samples), '8 beats' (default: the graph's duration or 10s)");
  r->add_option("--format", a.format, "wav, flac or aiff (default: from the extension)");
  r->add_option("--encoding", a.encoding, "pcm16, pcm24, pcm32 or float (default pcm24)");
  r->add_option("-j,--threads", a.threads,
                "threads running nodes: a number (1 = serial) or auto (the CPUs this process may use); default: auto "
                "when the graph is wide enough, else 1");
  r->add_option("-r,--rate", a.sample_rate, "sample rate in Hz (default: the graph file's)")
      ->check(CLI::Range(8000.0, 768000.0));
  r->add_option("--block", a.block, "frames per block (default: the graph file's)")->check(CLI::Range(1, 8192));
  r->add_flag("-q,--quiet", a.quiet, "print nothing but warnings and errors");
  r->add_flag("--json", a.json, "print the summary as one JSON object (levels, clipping, counts) instead");
  return r;
}

CLI::App* add_run(CLI::App& app, ac::RunArgs& a) {
  CLI::App* rn =
      app.add_subcommand("run", "run a graph in real time; each line on stdin is a graph patch applied live");
  rn->add_option("graph", a.graph, "graph file (YAML)")->required();
  rn->add_option("--driver", a.driver,
                 "audio driver: dummy (the default: no sound card, paced by the monotonic clock), jack or alsa");
  rn->add_option("--device", a.device, "ALSA playback device (hw:0, plughw:1,0, default ...)");
  rn->add_option("--capture-device", a.capture_device, "ALSA capture device");
  rn->add_option("--period", a.period, "ALSA frames per period");
  rn->add_option("--periods", a.periods, "ALSA periods in the device buffer");
  rn->add_option("--osc", a.osc,
                 "OSC control: udp:PORT or tcp:PORT on loopback, udp:ADDRESS:PORT to listen elsewhere "
                 "(/node/<id>/<param>, /list, /graph/patch ...; docs/security.md)");
  rn->add_option("--allow-files", a.allow_files,
                 "let patches over the network add nodes that read or write files or load plug-ins, beneath DIR only");
  rn->add_option("--name", a.client_name, "JACK client name (default audiocloud)");
  rn->add_option("-j,--threads", a.threads,
                 "threads running nodes: a number (default 1 = serial) or auto (the CPUs this process may use)");
  rn->add_option("-d,--duration", a.duration, "stop after this long (default: until SIGINT/SIGTERM)");
  rn->add_option("--control", a.control, "a local control socket (Unix socket path): one patch per line, answered");
  rn->add_option("--ptp-iface", a.ptp_iface, "graphs with 'clock: ptp': the network interface of the PTP clock");
  rn->add_option("--ptp-timeout", a.ptp_timeout, "graphs with 'clock: ptp': seconds to wait for lock (default 30)");
  rn->add_option("--bridge-latency", a.bridge_latency_ms,
                 "graphs with 'clock: ptp' on JACK: ms each clock bridge holds (default 20)")
      ->check(CLI::Range(2.0, 1000.0));
  rn->add_option("--ptp-role", a.ptp_role, "graphs with 'clock: ptp': auto (default), master or slave")
      ->check(CLI::IsMember({"auto", "master", "slave"}));
  return rn;
}

CLI::App* add_graph(CLI::App& app, ac::GraphArgs& a) {
  CLI::App* g = app.add_subcommand("graph", "compile a graph and print its plan: order, latency, buffers");
  g->add_option("graph", a.graph, "graph file (YAML)")->required();
  g->add_option("--dot", a.dot, "also write Graphviz to FILE ('-' prints only the dot)");
  return g;
}

CLI::App* add_plugin(CLI::App& app, ac::PluginArgs& a) {
  CLI::App* pl =
      app.add_subcommand("plugin", "WASM plug-ins: inspect, compile into the cache, swap into a running graph");
  pl->require_subcommand(1);
  auto* pli = pl->add_subcommand("inspect", "validate a plug-in and print its descriptor, imports and exports");
  pli->add_option("file", a.file, "plug-in module (.wasm)")->required();
  pli->add_option("--engine", a.engine, "auto, compiled or interpreted");
  pli->callback([&] { a.action = "inspect"; });
  auto* plb = pl->add_subcommand("build", "compile a plug-in ahead of time into the cache; print the times");
  plb->add_option("file", a.file, "plug-in module (.wasm)")->required();
  plb->add_flag("--explicit-bounds", a.explicit_bounds, "bounds-check every access instead of guard pages");
  plb->add_option("--cache", a.cache_dir,
                  "cache directory (default $AUDIOCLOUD_CACHE_DIR or ~/.cache/audiocloud/wasm)");
  plb->callback([&] { a.action = "build"; });
  auto* pls =
      pl->add_subcommand("swap", "replace the plug-in of a running graph's wasm node (crossfaded, state carried over)");
  pls->add_option("node", a.node, "node id in the running graph")->required();
  pls->add_option("file", a.file, "the new plug-in module (.wasm)")->required();
  pls->add_option("--control", a.control, "the running graph's control socket (`run --control PATH`)");
  pls->add_option("--osc", a.osc,
                  "or its OSC port, udp:PORT (`run --osc udp:PORT --allow-files DIR`; FILE then relative to DIR)");
  pls->add_option("--host", a.host, "where it runs (default 127.0.0.1)");
  pls->callback([&] { a.action = "swap"; });
  return pl;
}

CLI::App* add_ptp(CLI::App& app, ac::PtpArgs& a) {
  CLI::App* pt = app.add_subcommand("ptp", "run a PTPv2 ordinary clock on an interface; print its state every second");
  pt->add_option("--iface", a.iface, "network interface (UDP/IPv4 multicast)")->required();
  pt->add_flag_callback(
      "--master", [&] { a.role = "master"; }, "act as grandmaster (never a slave)");
  pt->add_flag_callback(
      "--slave", [&] { a.role = "slave"; }, "slave only");
  pt->add_flag_callback(
      "--auto", [&] { a.role = "auto"; }, "the best master clock algorithm decides (default)");
  pt->add_option("--domain", a.domain, "PTP domain (0..127)")->check(CLI::Range(0, 127));
  pt->add_option("--profile", a.profile, "aes67 (sync 2^-3 s, announce 2^1 s) or default (sync 1 s, announce 2 s)")
      ->check(CLI::IsMember({"aes67", "default"}));
  pt->add_option("--priority1", a.priority1, "priority1 (0..255, lower wins)")->check(CLI::Range(0, 255));
  pt->add_option("--clock-class", a.clock_class,
                 "the clockClass announced (default 248: no reference of its own; 6 only when locked to a primary "
                 "reference such as GPS)")
      ->check(CLI::Range(0, 255));
  pt->add_flag("--json", a.json, "one JSON object per line");
  pt->add_option("--duration", a.duration, "stop after this long: 90s, 500ms (default: until SIGINT/SIGTERM)");
  return pt;
}

// A first word that is neither a subcommand nor an option gets its own
// error, with the nearest subcommand (CLI11 would only say that one is
// required). "" when the command line starts well.
std::string unknown_first_word(const CLI::App& app, int argc, char** argv) {
  if (argc < 2) return "";
  const std::string first = argv[1];
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  if (std::find(names.begin(), names.end(), first) != names.end()) return "";
  if (first == "-h" || first == "--help" || first == "--version") return "";
  if (!first.empty() && first[0] == '-') return "unknown option '" + first + "' (options follow a subcommand)";
  const std::string near = ac::closest_name(first, names);
  return "unknown subcommand '" + first + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)");
}

// `audiocloud help [SUBCOMMAND]`.
int print_help(CLI::App& app, const std::string& topic) {
  if (topic.empty()) {
    std::cout << app.help();
    return ac::kExitOk;
  }
  for (CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == topic) {
      std::cout << sub->help();
      return ac::kExitOk;
    }
  }
  std::cerr << "error: no subcommand '" << topic << "'; `audiocloud --help` lists them\n";
  return ac::kExitBadInput;
}

// `aes67 ls`: its subcommand.
CLI::App* add_aes67(CLI::App& app, ac::Aes67Args& a) {
  auto* a67 = app.add_subcommand("aes67", "AES67 streams on the network");
  a67->require_subcommand(1);
  auto* ls = a67->add_subcommand("ls", "list the streams announced with SAP: name, source, channels, format, PTP");
  ls->add_option("--interface", a.interface, "network interface by name (default: the kernel's choice)");
  ls->add_option("-d,--duration", a.duration, "how long to listen (default 5s; devices announce every ~30 s)");
  ls->add_flag("--json", a.json, "one JSON array, each stream with its SDP");
  return ls;
}

struct CertCommands {
  CLI::App* ca;
  CLI::App* node;
};
CertCommands add_cert(CLI::App& app, ac::CertArgs& a) {
  auto* ct = app.add_subcommand("cert", "make the node fabric's certificates: a cluster CA, node certificates");
  ct->require_subcommand(1);
  auto* ca = ct->add_subcommand("ca", "make a cluster CA: DIR/ca.pem and DIR/ca.key (kept secret, mode 0600)");
  ca->add_option("--name", a.name, "the CA's common name (default: audiocloud cluster CA)");
  auto* node = ct->add_subcommand("node", "make NAME's certificate, signed by the CA: DIR/NAME.pem, DIR/NAME.key");
  node->add_option("name", a.name, "the node's name (a DNS label: letters, digits, '-')")->required();
  node->add_option("--ca", a.ca_dir, "the folder with ca.pem and ca.key (default: the output folder)");
  for (auto* sub : {ca, node}) {
    sub->add_option("-o,--out", a.out_dir, "the folder to write to (default: .)");
    sub->add_option("--days", a.days, "how long it is valid (default: 825 for a node, 3650 for a CA)");
  }
  return {ca, node};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"audiocloud — one real-time signal graph for MIDI, plug-ins and audio networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "audiocloud 0.1.0");
  app.footer(ac::kExitCodeTable);
  ac::RenderArgs render;
  ac::RunArgs run;
  ac::GraphArgs graph;
  ac::PluginArgs plugin;
  ac::PtpArgs ptp;
  CLI::App* r = add_render(app, render);
  CLI::App* rn = add_run(app, run);
  CLI::App* g = add_graph(app, graph);

  bool nodes_json = false;
  std::string nodes_type;
  auto* n = app.add_subcommand("nodes", "list node types with their ports and parameters");
  n->add_option("type", nodes_type, "only this type");
  n->add_flag("--json", nodes_json, "machine-readable");

  std::string patch_socket, patch_text;
  auto* pa = app.add_subcommand("patch", "send one graph patch to a running graph's control socket; print the answer");
  pa->add_option("--control", patch_socket, "the socket given to run --control")->required();
  pa->add_option("patch", patch_text, "the patch, e.g. '{set: {amp.gain: -6}}'")->required();
  CLI::App* pl = add_plugin(app, plugin);
  CLI::App* pt = add_ptp(app, ptp);

  std::string conformance_dir = "conformance";
  bool conformance_verbose = false;
  auto* c = app.add_subcommand("conformance", "run the conformance vectors in DIR");
  c->add_option("dir", conformance_dir, "folder of vectors (default: conformance)");
  c->add_flag("-v,--verbose", conformance_verbose, "print passing vectors too");

  ac::Aes67Args aes67;
  CLI::App* a67ls = add_aes67(app, aes67);
  ac::CertArgs cert;
  const CertCommands ct = add_cert(app, cert);

  std::string help_topic;
  auto* h = app.add_subcommand("help", "print the help of audiocloud or of one subcommand");
  h->add_option("subcommand", help_topic, "e.g. render");

  if (const std::string wrong = unknown_first_word(app, argc, argv); !wrong.empty()) {
    std::cerr << "error: " << wrong << "\nRun `audiocloud --help` for the subcommands.\n";
    return ac::kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::cerr << "error: " << e.what() << "\nRun with --help for the options.\n";
    return ac::kExitBadInput;
  }
  if (*h) return print_help(app, help_topic);
  if (*r) return ac::run_render(render);
  if (*g) return ac::run_graph(graph);
  if (*rn) return ac::run_run(run);
  if (*n) return ac::run_nodes(nodes_json, nodes_type);
  if (*pt) return ac::run_ptp(ptp);
  if (*pa) return ac::run_patch(patch_socket, patch_text);
  if (*pl) return ac::run_plugin(plugin);
  if (*c) return ac::run_conformance(conformance_dir, conformance_verbose);
  if (*a67ls) return ac::run_aes67_ls(aes67);
  if (*ct.ca) return ac::run_cert(cert, false);
  if (*ct.node) return ac::run_cert(cert, true);
  return ac::kExitOk;
}
