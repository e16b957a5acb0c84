#pragma once
// The `audiocloud` subcommands. Each returns the process exit code of
// app/exit_codes.h. Messages go to stderr, results to stdout.
#include <cstdint>
#include <optional>
#include <string>

namespace ac {

struct RenderArgs {
  std::string graph;
  std::string output;  // "" = <graph name>.wav in the current directory
  bool no_output = false;
  std::string duration;  // "" = the graph's `duration:` or 10 s
  std::string format;    // "" = from the extension
  std::string encoding = "pcm24";
  std::string threads;  // "" = the CPUs this process may use when the graph is wide, else 1; "auto"; a number
  bool quiet = false;
  double sample_rate = 0.0;  // 0 = the graph file's
  uint32_t block = 0;        // 0 = the graph file's
  bool json = false;         // the summary as one JSON object on stdout
};
int run_render(const RenderArgs& args);

struct GraphArgs {
  std::string graph;
  std::optional<std::string> dot;  // "-" = stdout
};
int run_graph(const GraphArgs& args);

struct RunArgs {
  std::string graph;
  std::string driver = "dummy";
  std::string client_name = "audiocloud";  // JACK client name
  std::string threads;                     // "" = 1; "auto"; a number (clamped to the CPUs)
  std::string duration;                    // "" = until SIGINT/SIGTERM
  // ALSA: override the graph file's endpoints ("" / 0 = as the file says).
  std::string device, capture_device;
  uint32_t period = 0, periods = 0;
  std::string osc;  // "udp:PORT" / "tcp:PORT": OSC control ("" = none)
  // A graph with `clock: ptp`: the interface its PTP clock runs on, how
  // long to wait for it to lock, and its role.
  std::string ptp_iface;
  double ptp_timeout = 30.0;
  std::string ptp_role = "auto";
  double bridge_latency_ms = 20.0;  // clock: ptp with JACK: latency each clock bridge holds
  std::string control;              // a Unix socket path for patches ("" = none)
  // Patches over the network (OSC) may add nodes that touch files only
  // beneath this directory ("" = not at all).
  std::string allow_files;
};
int run_run(const RunArgs& args);

// `only`: one type ("" = all).
int run_nodes(bool json, const std::string& only);

// `audiocloud patch --control PATH PATCH`: one patch to a running graph.
int run_patch(const std::string& control, const std::string& patch);

struct PtpArgs {
  std::string iface;
  std::string role = "auto";  // master, slave or auto (the BMCA decides)
  uint32_t domain = 0;
  std::string profile = "aes67";
  uint32_t priority1 = 128;
  uint32_t clock_class = 248;  // what it announces (6: locked to a primary reference)
  bool json = false;
  std::string duration;  // "10s", "2min"... ("" = until SIGINT/SIGTERM)
};
int run_ptp(const PtpArgs& args);

struct PluginArgs {
  std::string action;  // inspect, build, swap
  std::string file;
  std::string engine = "auto";  // auto, compiled, interpreted
  bool explicit_bounds = false;
  std::string cache_dir;  // "" = the default
  // swap
  std::string node;
  std::string osc;      // udp:PORT of the running graph ("": use `control`)
  std::string control;  // the running graph's control socket ("": use `osc`)
  std::string host = "127.0.0.1";
};
int run_plugin(const PluginArgs& args);

int run_conformance(const std::string& dir, bool verbose);

struct Aes67Args {
  std::string interface;        // "" = the kernel's choice
  std::string duration = "5s";  // how long to listen
  bool json = false;
};
// `audiocloud aes67 ls`: the streams announced on the network.
int run_aes67_ls(const Aes67Args& args);

struct CertArgs {
  std::string name;  // the CA's name, or the node's
  std::string out_dir = ".";
  std::string ca_dir;  // node: where ca.pem/ca.key are ("" = out_dir)
  int days = 0;        // 0 = 3650 for a CA, 825 for a node
};
// `audiocloud cert ca` / `audiocloud cert node NAME`.
int run_cert(const CertArgs& args, bool node);

}  // namespace ac
