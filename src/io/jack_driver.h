#pragma once
// The JACK driver: audiocloud as a JACK client. The graph's audio endpoints
// become JACK audio ports (<prefix>_1..N), its MIDI endpoints JACK MIDI
// ports; JACK's process callback runs the block (in pieces of at most the
// graph's block size when JACK's period is longer, so a period change needs
// no new Plan). JACK's frame time is the block's sample time, and a MIDI
// event keeps its frame: bytes at frame f of a period become a UMP event at
// frame f, and back. xruns are counted; if the server goes away (or changes
// its sample rate under us) the driver says so and the caller stops.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/event_buffer.h"
#include "core/expected.h"
#include "core/sample_time.h"
#include "graph/node.h"
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
};

class JackDriver {
 public:
  using Callback = std::function<void(SampleTime time, FrameCount frames, HostIo& host)>;

  // [control] Connects to the server (JACK_DEFAULT_SERVER or the default),
  // never starting one. Errors say what failed (no server, rate mismatch).
  static Expected<std::unique_ptr<JackDriver>> open(const JackDriverOptions& options);
  ~JackDriver();

  // [control] Activates the client (the callback runs on JACK's thread),
  // then makes the connections the options ask for. A pattern that matches
  // nothing is not an error: it is reported in warnings().
  Expected<void> start(Callback callback);
  // [control] Deactivates and closes; idempotent.
  void stop();

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
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  JackDriver() = default;
  static int process(uint32_t frames, void* self);
  static int xrun(void* self);
  static int buffer_size(uint32_t frames, void* self);
  static int sample_rate(uint32_t rate, void* self);
  static void shutdown(void* self);
  void read_midi(uint32_t frames) noexcept;
  void write_midi(uint32_t piece_start) noexcept;
  void autoconnect();

  void* client_ = nullptr;  // jack_client_t*
  std::string name_;
  JackDriverOptions options_;
  std::vector<void*> in_ports_, out_ports_, midi_in_ports_, midi_out_ports_;
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
  Callback callback_;
  std::vector<std::string> warnings_;
  std::atomic<bool> gone_{false};
  std::atomic<bool> rate_changed_{false};
  std::atomic<uint32_t> new_rate_{0};
  std::atomic<uint64_t> xruns_{0};
  std::atomic<uint64_t> blocks_{0};
  std::atomic<uint32_t> period_{0};
  std::atomic<uint64_t> period_changes_{0};
  std::atomic<uint64_t> midi_dropped_{0};
};

}  // namespace ac
