#pragma once
// The JACK driver: audiocloud as a JACK client. The graph's audio endpoints
// become JACK audio ports (<prefix>_1..N), its MIDI endpoints JACK MIDI
// ports; JACK's process callback runs the block (in pieces of at most the
// graph's block size when JACK's period is longer, so a period change needs
// no new Plan). JACK's frame time is the block's sample time, and a MIDI
// event keeps its frame: bytes at frame f of a period become a UMP event at
// frame f, and back. xruns are counted; if the server goes away (or changes
// its sample rate under us) the driver says so and the caller stops.
//
// Ports can be added while the client runs (a graph edit that adds a JACK
// endpoint, or channels to one): the port tables are allocated for
// kMaxAudioPorts / kMaxMidiPorts at open, a new port is registered and set
// up off the audio thread, and the process callback sees it from the next
// period on (a count published with release). Ports are never removed
// while running: JACK's process thread may be inside a port's buffer, and
// a port the graph no longer feeds is silent. MIDI ports keep their slot
// (the Plan's host_slot) for the client's life, so ports are found by
// name, not by their endpoints' order in the graph.
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/event_buffer.h"
#include "core/expected.h"
#include "core/sample_time.h"
#include "graph/node.h"
#include "io/driver.h"
#include "midi/midi1_to_ump.h"
#include "midi/ump_to_midi1.h"

namespace ac {

struct JackMidiPort {
  std::string name;
  std::string connect;  // regular expression of ports to connect at start ("" = none)
};

struct JackDriverOptions {
  std::string client_name = "audiocloud";
  uint32_t inputs = 0;   // capture ports (the graph's input endpoint channels)
  uint32_t outputs = 2;  // playback ports (the graph's output endpoint channels)
  std::string input_prefix = "in";
  std::string output_prefix = "out";
  std::string connect_inputs;              // regular expression; our in_i from the i-th match
  std::string connect_outputs;             // our out_i to the i-th match
  std::vector<JackMidiPort> midi_inputs;   // by host event slot
  std::vector<JackMidiPort> midi_outputs;  // by host event slot
  double sample_rate = 48000.0;            // must match the server's
  FrameCount max_block = 64;               // longest piece passed to the callback
  // Finished once the timeline (JACK frames since the first period) reached
  // this (-1: never); later periods play silence.
  int64_t stop_after_frames = -1;
  // Run under a clock bridge: ports cannot be added while running.
  bool bridged = false;
};

// Ports a running client needs for a new graph, checked but not yet
// registered; what JackDriver::add_ports() registers.
struct JackPortPlan {
  uint32_t inputs = 0, outputs = 0;         // audio ports wanted in all (never fewer than now)
  std::string input_prefix, output_prefix;  // their names: <prefix>_1 .. (fixed once one is registered)
  std::string connect_inputs, connect_outputs;
  std::vector<JackMidiPort> new_midi_inputs, new_midi_outputs;
  // Every MIDI port's slot once added, by name: the Plan's host_slot.
  std::map<std::string, uint32_t> midi_input_slot, midi_output_slot;
};

class JackDriver final : public Driver {
 public:
  static constexpr uint32_t kMaxAudioPorts = 64;  // per direction
  static constexpr uint32_t kMaxMidiPorts = 32;   // per direction

  // [control] Connects to the server (JACK_DEFAULT_SERVER or the default),
  // never starting one. Errors say what failed (no server, rate mismatch).
  static Expected<std::unique_ptr<JackDriver>> open(const JackDriverOptions& options);
  ~JackDriver() override;

  // [control] Activates the client (the callback runs on JACK's thread),
  // then makes the connections the options ask for. A pattern that matches
  // nothing is not an error: it is reported in warnings().
  Expected<void> start(BlockCallback callback) override;
  // [control] Deactivates and closes; idempotent.
  void stop() override;
  DriverStatus status() const override;
  std::vector<std::string> warnings() const override { return warnings_; }
  std::vector<std::string> report() const override;
  std::vector<std::string> take_notices() override;
  std::string running_as() const override { return "JACK client " + name_; }
  DeviceShape shape() const override;
  // MIDI endpoints find their port by name (slots follow a prepared edit).
  HostSlotOf host_slots() override;
  // A graph that needs new ports: checked here, registered at commit().
  Expected<std::unique_ptr<DriverEdit>> prepare_edit(const Graph& next) override;

  // [control] What it takes to give the client the ports `wanted` lists
  // (from jack_ports_from_graph of the new graph), without registering
  // anything. Errors: a name used in both directions, a renamed audio port
  // prefix, more ports than the tables hold.
  Expected<JackPortPlan> plan_ports(const JackDriverOptions& wanted) const;
  // [control] Registers and connects the ports `plan` adds; the process
  // callback uses them from its next period. Connection problems are
  // returned as warnings, as at start.
  Expected<std::vector<std::string>> add_ports(const JackPortPlan& plan);
  // [control] The ports registered so far.
  uint32_t audio_inputs() const { return in_count_.load(std::memory_order_relaxed); }
  uint32_t audio_outputs() const { return out_count_.load(std::memory_order_relaxed); }

  bool server_gone() const { return gone_.load(std::memory_order_acquire); }
  // [control] Why the server went away, when it did ("" if not known).
  std::string gone_reason() const;
  uint64_t xruns() const { return xruns_.load(std::memory_order_relaxed); }
  uint64_t blocks() const { return blocks_.load(std::memory_order_relaxed); }  // graph blocks run
  uint32_t period() const { return period_.load(std::memory_order_relaxed); }  // JACK's current buffer size
  uint64_t period_changes() const { return period_changes_.load(std::memory_order_relaxed); }
  // MIDI events dropped: too many in one block, or no MIDI 1.0 form.
  uint64_t midi_dropped() const { return midi_dropped_.load(std::memory_order_relaxed); }
  const std::string& client_name() const { return name_; }

 private:
  class PortEdit;
  JackDriver() = default;
  static int process(uint32_t frames, void* self);
  static int xrun(void* self);
  static int buffer_size(uint32_t frames, void* self);
  static int sample_rate(uint32_t rate, void* self);
  static void shutdown(void* self);
  void read_midi(uint32_t frames, uint32_t ports) noexcept;
  void write_midi(uint32_t piece_start, uint32_t ports) noexcept;
  // Registers ports (before activation or while active) and sets up what
  // the process callback needs for them, then publishes the new counts.
  Expected<void> register_audio(uint32_t inputs, uint32_t outputs);
  Expected<void> register_midi(const std::vector<JackMidiPort>& inputs, const std::vector<JackMidiPort>& outputs);
  // Connects ports [first_*, count) as the patterns ask; warnings collected.
  void autoconnect(uint32_t first_in, uint32_t first_out, uint32_t first_midi_in, uint32_t first_midi_out,
                   std::vector<std::string>& warnings);

  void* client_ = nullptr;  // jack_client_t*
  std::string name_;
  JackDriverOptions options_;  // the ports so far (MIDI ones by slot); control only
  // Tables sized for the most ports at open; entries below the counts are
  // set up, and the process callback reads no further.
  std::vector<void*> in_ports_, out_ports_, midi_in_ports_, midi_out_ports_;
  std::atomic<uint32_t> in_count_{0}, out_count_{0}, midi_in_count_{0}, midi_out_count_{0};
  std::vector<const float*> in_ptrs_;
  std::vector<float*> out_ptrs_;
  // MIDI: per port, the whole period's events (inputs) or one piece's
  // (outputs), and the byte <-> UMP converters.
  std::vector<EventBuffer> midi_in_events_, midi_out_events_;
  std::vector<EventBuffer> midi_piece_events_;  // the current piece's input, piece-relative
  std::vector<const EventBuffer*> midi_in_ptrs_;
  std::vector<EventBuffer*> midi_out_ptrs_;
  std::vector<Midi1ToUmp> parsers_;
  std::vector<UmpToMidi1> encoders_;
  std::vector<void*> midi_out_buffers_;  // this period's JACK buffers
  BlockCallback callback_;
  std::vector<std::string> warnings_;
  std::atomic<bool> gone_{false};
  std::atomic<bool> rate_changed_{false};
  std::atomic<uint32_t> new_rate_{0};
  std::atomic<uint64_t> xruns_{0};
  std::atomic<uint64_t> blocks_{0};
  std::atomic<uint32_t> period_{0};
  std::atomic<uint64_t> period_changes_{0};
  std::atomic<uint64_t> midi_dropped_{0};
  // The timeline (periods run and frames xruns skipped), the frame time
  // the next period should start at (process thread only), and whether
  // stop_after_frames was reached.
  std::atomic<int64_t> frames_{0};
  int64_t next_frame_ = -1;
  std::atomic<bool> done_{false};
  uint32_t period_said_ = 0;  // control: the buffer size last reported by take_notices()
  // Control: every MIDI port's slot by name, as registered, and as a
  // prepared edit would have them (the compiler asks during the edit).
  JackPortPlan slots_;
  const JackPortPlan* pending_slots_ = nullptr;
};

// [control] The registry's way in: ports from the graph's endpoints, the
// client's name from the param "client-name" (default audiocloud). Under a
// clock bridge it runs whole periods and the graph's side counts the
// duration.
Expected<std::unique_ptr<Driver>> open_jack_driver(const DriverSetup& setup);

}  // namespace ac
