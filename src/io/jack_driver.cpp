#include "io/jack_driver.h"

#include <jack/jack.h>
#include <jack/midiport.h>

#include <algorithm>

#include "core/audio_section.h"
#include "core/denormals.h"
#include "io/jack_nodes.h"

namespace ac {
namespace {

Unexpected fail(std::string message) {
  return unexpected(make_error(ErrorDomain::io, "JACK: " + std::move(message)));
}

jack_client_t* as_client(void* c) {
  return static_cast<jack_client_t*>(c);
}
jack_port_t* as_port(void* p) {
  return static_cast<jack_port_t*>(p);
}

}  // namespace

Expected<std::unique_ptr<JackDriver>> JackDriver::open(const JackDriverOptions& options) {
  std::unique_ptr<JackDriver> d(new JackDriver());
  d->options_ = options;
  d->options_.inputs = d->options_.outputs = 0;
  d->options_.midi_inputs.clear();
  d->options_.midi_outputs.clear();
  // The first ports are checked as any added later are.
  auto plan = d->plan_ports(options);
  if (!plan) return unexpected(plan.error());
  d->options_.input_prefix = plan->input_prefix;
  d->options_.output_prefix = plan->output_prefix;
  jack_status_t status{};
  jack_client_t* c = jack_client_open(options.client_name.c_str(), JackNoStartServer, &status);
  if (!c) {
    return fail(std::string("cannot connect to the server") +
                ((status & JackServerFailed) ? " (no server running: start jackd, or set JACK_DEFAULT_SERVER)" : ""));
  }
  d->client_ = c;
  d->name_ = jack_get_client_name(c);
  const auto rate = static_cast<double>(jack_get_sample_rate(c));
  if (rate != options.sample_rate) {
    return fail("the server runs at " + std::to_string(static_cast<int>(rate)) + " Hz but the graph at " +
                std::to_string(static_cast<int>(options.sample_rate)) + " Hz");
  }
  d->period_.store(jack_get_buffer_size(c));
  d->in_ports_.assign(kMaxAudioPorts, nullptr);
  d->out_ports_.assign(kMaxAudioPorts, nullptr);
  d->in_ptrs_.assign(kMaxAudioPorts, nullptr);
  d->out_ptrs_.assign(kMaxAudioPorts, nullptr);
  d->midi_in_ports_.assign(kMaxMidiPorts, nullptr);
  d->midi_out_ports_.assign(kMaxMidiPorts, nullptr);
  // Event buffers get their room when their port is added.
  d->midi_in_events_ = std::vector<EventBuffer>(kMaxMidiPorts, EventBuffer(0));
  d->midi_piece_events_ = std::vector<EventBuffer>(kMaxMidiPorts, EventBuffer(0));
  d->midi_out_events_ = std::vector<EventBuffer>(kMaxMidiPorts, EventBuffer(0));
  for (auto& b : d->midi_piece_events_) d->midi_in_ptrs_.push_back(&b);
  for (auto& b : d->midi_out_events_) d->midi_out_ptrs_.push_back(&b);
  d->parsers_.assign(kMaxMidiPorts, Midi1ToUmp());
  d->encoders_.assign(kMaxMidiPorts, UmpToMidi1());
  d->midi_out_buffers_.assign(kMaxMidiPorts, nullptr);
  if (auto ok = d->register_audio(plan->inputs, plan->outputs); !ok) return unexpected(ok.error());
  if (auto ok = d->register_midi(plan->new_midi_inputs, plan->new_midi_outputs); !ok) return unexpected(ok.error());
  d->slots_ = std::move(*plan);
  d->period_said_ = d->period_.load();
  jack_set_process_callback(c, &JackDriver::process, d.get());
  jack_set_xrun_callback(c, &JackDriver::xrun, d.get());
  jack_set_buffer_size_callback(c, &JackDriver::buffer_size, d.get());
  jack_set_sample_rate_callback(c, &JackDriver::sample_rate, d.get());
  jack_on_shutdown(c, &JackDriver::shutdown, d.get());
  return d;
}

JackDriver::~JackDriver() {
  stop();
}

Expected<JackPortPlan> JackDriver::plan_ports(const JackDriverOptions& wanted) const {
  JackPortPlan plan;
  const uint32_t ins = in_count_.load(std::memory_order_relaxed);
  const uint32_t outs = out_count_.load(std::memory_order_relaxed);
  auto audio = [&](uint32_t have, uint32_t want, const std::string& prefix, const std::string& want_prefix,
                   const char* what) -> Expected<uint32_t> {
    if (want > kMaxAudioPorts)
      return fail(std::to_string(want) + " audio " + what + " ports: a client has at most " +
                  std::to_string(kMaxAudioPorts));
    if (have > 0 && want > 0 && want_prefix != prefix)
      return fail("the audio " + std::string(what) + " ports are named " + prefix +
                  "_N; a running client cannot name new ones " + want_prefix + "_N (restart it with the new graph)");
    return std::max(have, want);
  };
  auto in = audio(ins, wanted.inputs, options_.input_prefix, wanted.input_prefix, "input");
  if (!in) return unexpected(in.error());
  auto out = audio(outs, wanted.outputs, options_.output_prefix, wanted.output_prefix, "output");
  if (!out) return unexpected(out.error());
  plan.inputs = *in;
  plan.outputs = *out;
  plan.input_prefix = ins > 0 ? options_.input_prefix : wanted.input_prefix;
  plan.output_prefix = outs > 0 ? options_.output_prefix : wanted.output_prefix;
  plan.connect_inputs = wanted.connect_inputs;
  plan.connect_outputs = wanted.connect_outputs;

  // MIDI: ports keep their slots; new names are appended in the order given.
  std::map<std::string, std::string> taken;  // every port name, audio ones included: what it is
  for (uint32_t i = 0; i < plan.inputs; ++i) taken[plan.input_prefix + "_" + std::to_string(i + 1)] = "an audio input";
  for (uint32_t i = 0; i < plan.outputs; ++i)
    taken[plan.output_prefix + "_" + std::to_string(i + 1)] = "an audio output";
  for (const JackMidiPort& p : options_.midi_inputs) taken.emplace(p.name, "a MIDI input");
  for (const JackMidiPort& p : options_.midi_outputs) taken.emplace(p.name, "a MIDI output");
  auto midi = [&](const std::vector<JackMidiPort>& have, const std::vector<JackMidiPort>& want,
                  std::vector<JackMidiPort>& added, std::map<std::string, uint32_t>& slot,
                  const std::string& what) -> Expected<void> {
    for (uint32_t k = 0; k < have.size(); ++k) slot[have[k].name] = k;
    std::map<std::string, int> wanted_times;
    for (const JackMidiPort& p : want) {
      if (++wanted_times[p.name] > 1)
        return fail("two MIDI " + what + " endpoints want the port '" + p.name + "' (name one with `port:`)");
      if (slot.count(p.name)) continue;
      auto [it, fresh] = taken.emplace(p.name, "a MIDI " + what);
      if (!fresh) return fail("port name '" + p.name + "' is wanted for a MIDI " + what + " but is " + it->second);
      slot[p.name] = static_cast<uint32_t>(have.size() + added.size());
      added.push_back(p);
    }
    if (slot.size() > kMaxMidiPorts)
      return fail(std::to_string(slot.size()) + " MIDI " + what + " ports: a client has at most " +
                  std::to_string(kMaxMidiPorts));
    return {};
  };
  if (auto ok = midi(options_.midi_inputs, wanted.midi_inputs, plan.new_midi_inputs, plan.midi_input_slot, "input");
      !ok)
    return unexpected(ok.error());
  if (auto ok =
          midi(options_.midi_outputs, wanted.midi_outputs, plan.new_midi_outputs, plan.midi_output_slot, "output");
      !ok)
    return unexpected(ok.error());
  return plan;
}

Expected<void> JackDriver::register_audio(uint32_t inputs, uint32_t outputs) {
  jack_client_t* c = as_client(client_);
  auto grow = [&](std::vector<void*>& ports, std::atomic<uint32_t>& count, uint32_t want, const std::string& prefix,
                  unsigned long flags) -> Expected<void> {
    for (uint32_t i = count.load(std::memory_order_relaxed); i < want; ++i) {
      const std::string name = prefix + "_" + std::to_string(i + 1);
      jack_port_t* p = jack_port_register(c, name.c_str(), JACK_DEFAULT_AUDIO_TYPE, flags, 0);
      if (!p) return fail("cannot register port " + name + " (is the name used twice?)");
      ports[i] = p;
      count.store(i + 1, std::memory_order_release);
    }
    return {};
  };
  if (auto ok = grow(in_ports_, in_count_, inputs, options_.input_prefix, JackPortIsInput); !ok) return ok;
  return grow(out_ports_, out_count_, outputs, options_.output_prefix, JackPortIsOutput);
}

Expected<void> JackDriver::register_midi(const std::vector<JackMidiPort>& inputs,
                                         const std::vector<JackMidiPort>& outputs) {
  jack_client_t* c = as_client(client_);
  for (const JackMidiPort& m : inputs) {
    const uint32_t k = midi_in_count_.load(std::memory_order_relaxed);
    jack_port_t* p = jack_port_register(c, m.name.c_str(), JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
    if (!p) return fail("cannot register port " + m.name + " (is the name used twice?)");
    midi_in_ports_[k] = p;
    // A period's MIDI input: room for a dense controller stream at any period.
    midi_in_events_[k] = EventBuffer(4096);
    midi_piece_events_[k] = EventBuffer(4096);
    parsers_[k] = Midi1ToUmp();
    options_.midi_inputs.push_back(m);
    midi_in_count_.store(k + 1, std::memory_order_release);
  }
  for (const JackMidiPort& m : outputs) {
    const uint32_t k = midi_out_count_.load(std::memory_order_relaxed);
    jack_port_t* p = jack_port_register(c, m.name.c_str(), JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
    if (!p) return fail("cannot register port " + m.name + " (is the name used twice?)");
    midi_out_ports_[k] = p;
    midi_out_events_[k] = EventBuffer();
    encoders_[k] = UmpToMidi1();
    options_.midi_outputs.push_back(m);
    midi_out_count_.store(k + 1, std::memory_order_release);
  }
  return {};
}

Expected<std::unique_ptr<Driver>> open_jack_driver(const DriverSetup& setup) {
  JackDriverOptions o;
  o.client_name = driver_param(setup.params, "client-name", "audiocloud");
  jack_ports_from_graph(*setup.graph, o);
  o.sample_rate = setup.graph->sample_rate;
  o.max_block = setup.graph->block_size;
  o.bridged = setup.bridged;
  if (setup.bridged) {
    o.max_block = 8192;  // whole periods: the bridge times one callback per period
  } else {
    o.stop_after_frames = setup.stop_after_frames;
  }
  auto opened = JackDriver::open(o);
  if (!opened) return unexpected(opened.error());
  return std::unique_ptr<Driver>(std::move(*opened));
}

// A graph edit that adds ports: planned by prepare_edit(), registered by
// commit(). Until then the compiler sees the planned slots.
class JackDriver::PortEdit final : public DriverEdit {
 public:
  PortEdit(JackDriver& driver, JackPortPlan plan) : driver_(driver), plan_(std::move(plan)) {
    driver_.pending_slots_ = &plan_;
  }
  ~PortEdit() override {
    if (driver_.pending_slots_ == &plan_) driver_.pending_slots_ = nullptr;
  }
  PortEdit(const PortEdit&) = delete;
  PortEdit& operator=(const PortEdit&) = delete;

  std::vector<std::string> commit() override {
    std::vector<std::string> lines;
    const uint32_t had_in = driver_.audio_inputs(), had_out = driver_.audio_outputs();
    driver_.pending_slots_ = nullptr;
    auto added = driver_.add_ports(plan_);
    if (!added) {
      lines.push_back(added.error().to_string());
      return lines;
    }
    driver_.slots_ = plan_;
    const std::string& client = driver_.client_name();
    for (uint32_t i = had_in; i < driver_.audio_inputs(); ++i)
      lines.push_back("JACK port " + client + ":" + plan_.input_prefix + "_" + std::to_string(i + 1) + " added");
    for (uint32_t i = had_out; i < driver_.audio_outputs(); ++i)
      lines.push_back("JACK port " + client + ":" + plan_.output_prefix + "_" + std::to_string(i + 1) + " added");
    for (const auto* list : {&plan_.new_midi_inputs, &plan_.new_midi_outputs})
      for (const JackMidiPort& m : *list) lines.push_back("JACK port " + client + ":" + m.name + " added");
    for (const std::string& w : *added) lines.push_back("warning: " + w);
    return lines;
  }

 private:
  JackDriver& driver_;
  JackPortPlan plan_;
};

Expected<std::unique_ptr<DriverEdit>> JackDriver::prepare_edit(const Graph& next) {
  JackDriverOptions wanted = options_;
  jack_ports_from_graph(next, wanted);
  auto planned = plan_ports(wanted);
  if (!planned) return unexpected(planned.error());
  const bool adds = planned->inputs > audio_inputs() || planned->outputs > audio_outputs() ||
                    !planned->new_midi_inputs.empty() || !planned->new_midi_outputs.empty();
  if (!adds) return std::unique_ptr<DriverEdit>{};
  if (options_.bridged) {
    return unexpected(make_error(ErrorDomain::io,
                                 "this patch needs new JACK ports, which a client bridged to the PTP clock cannot add "
                                 "while running (restart it with the new graph)"));
  }
  return std::unique_ptr<DriverEdit>(std::make_unique<PortEdit>(*this, std::move(*planned)));
}

HostSlotOf JackDriver::host_slots() {
  return [this](const GraphNode& endpoint) -> uint32_t {
    const JackPortPlan& p = pending_slots_ ? *pending_slots_ : slots_;
    const auto& slots = endpoint.type->is_host_event_input ? p.midi_input_slot : p.midi_output_slot;
    auto it = slots.find(jack_midi_port_name(endpoint));
    return it == slots.end() ? UINT32_MAX : it->second;  // no stream: the endpoint stays silent
  };
}

DriverStatus JackDriver::status() const {
  DriverStatus s;
  s.blocks = blocks();
  s.frames = frames_.load(std::memory_order_relaxed);
  s.xruns = xruns();
  s.estimated_rate = options_.sample_rate;  // JACK's own DLL is the server's business
  s.clock = DriverClock::device;
  s.period = period();
  s.finished = server_gone() || done_.load(std::memory_order_acquire);
  if (server_gone()) s.failure = gone_reason();
  return s;
}

std::vector<std::string> JackDriver::take_notices() {
  std::vector<std::string> notices;
  if (const uint32_t p = period(); p != period_said_) {
    period_said_ = p;
    notices.push_back("JACK buffer size is now " + std::to_string(p) + " frames");
  }
  return notices;
}

std::vector<std::string> JackDriver::report() const {
  return {"JACK client " + name_ + ": " + std::to_string(midi_dropped()) +
          " MIDI events dropped (too many in a period, or no MIDI 1.0 form), " + std::to_string(period_changes()) +
          " buffer size changes"};
}

DeviceShape JackDriver::shape() const {
  DeviceShape d;
  d.capture_channels = audio_inputs();
  d.playback_channels = audio_outputs();
  d.event_inputs = midi_in_count_.load(std::memory_order_relaxed);
  d.event_outputs = midi_out_count_.load(std::memory_order_relaxed);
  d.period = period();
  return d;
}

Expected<void> JackDriver::start(BlockCallback callback) {
  callback_ = std::move(callback);
  if (jack_activate(as_client(client_)) != 0) {
    // Most often the server stopped since the client connected.
    return fail(server_gone() ? gone_reason()
                              : "cannot activate the client (the JACK server went away, or refused it)");
  }
  autoconnect(0, 0, 0, 0, warnings_);
  return {};
}

Expected<std::vector<std::string>> JackDriver::add_ports(const JackPortPlan& plan) {
  const uint32_t first_in = audio_inputs(), first_out = audio_outputs();
  const uint32_t first_midi_in = midi_in_count_.load(std::memory_order_relaxed);
  const uint32_t first_midi_out = midi_out_count_.load(std::memory_order_relaxed);
  options_.input_prefix = plan.input_prefix;
  options_.output_prefix = plan.output_prefix;
  options_.connect_inputs = plan.connect_inputs;
  options_.connect_outputs = plan.connect_outputs;
  if (auto ok = register_audio(plan.inputs, plan.outputs); !ok) return unexpected(ok.error());
  if (auto ok = register_midi(plan.new_midi_inputs, plan.new_midi_outputs); !ok) return unexpected(ok.error());
  std::vector<std::string> warnings;
  autoconnect(first_in, first_out, first_midi_in, first_midi_out, warnings);
  return warnings;
}

void JackDriver::autoconnect(uint32_t first_in, uint32_t first_out, uint32_t first_midi_in, uint32_t first_midi_out,
                             std::vector<std::string>& warnings) {
  jack_client_t* c = as_client(client_);
  // Ports matching `pattern` of `type` that can be the other end of ours.
  auto matches = [&](const std::string& pattern, const char* type, unsigned long flags) {
    std::vector<std::string> out;
    if (pattern.empty()) return out;
    const char** names = jack_get_ports(c, pattern.c_str(), type, flags);
    for (size_t i = 0; names && names[i]; ++i) out.emplace_back(names[i]);
    if (names) jack_free(names);
    if (out.empty()) warnings.push_back("no JACK port matches '" + pattern + "': left unconnected");
    return out;
  };
  auto link = [&](const std::string& from, const std::string& to) {
    const int r = jack_connect(c, from.c_str(), to.c_str());
    if (r != 0 && r != EEXIST) warnings.push_back("cannot connect " + from + " -> " + to);
  };
  // Audio ports connect in order (our i-th to the i-th match), so ports
  // added later take up the matches after those of the first ones.
  const uint32_t ins = audio_inputs(), outs = audio_outputs();
  if (ins > first_in) {
    const auto src = matches(options_.connect_inputs, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput);
    for (size_t i = first_in; i < src.size() && i < ins; ++i) link(src[i], jack_port_name(as_port(in_ports_[i])));
  }
  if (outs > first_out) {
    const auto dst = matches(options_.connect_outputs, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput);
    for (size_t i = first_out; i < dst.size() && i < outs; ++i) link(jack_port_name(as_port(out_ports_[i])), dst[i]);
  }
  for (size_t k = first_midi_in; k < options_.midi_inputs.size(); ++k) {
    for (const auto& src : matches(options_.midi_inputs[k].connect, JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput))
      link(src, jack_port_name(as_port(midi_in_ports_[k])));
  }
  for (size_t k = first_midi_out; k < options_.midi_outputs.size(); ++k) {
    for (const auto& dst : matches(options_.midi_outputs[k].connect, JACK_DEFAULT_MIDI_TYPE, JackPortIsInput))
      link(jack_port_name(as_port(midi_out_ports_[k])), dst);
  }
}

void JackDriver::stop() {
  jack_client_t* c = as_client(client_);
  if (!c) return;
  client_ = nullptr;
  if (!gone_.load()) jack_deactivate(c);
  jack_client_close(c);
}

std::string JackDriver::gone_reason() const {
  if (rate_changed_.load(std::memory_order_acquire)) {
    return "the server changed its sample rate to " + std::to_string(new_rate_.load()) + " Hz (the graph runs at " +
           std::to_string(static_cast<int>(options_.sample_rate)) + " Hz)";
  }
  return gone_.load(std::memory_order_acquire) ? "the JACK server went away" : "";
}

// The period's MIDI input, as UMP events at the frames JACK gave the bytes.
void JackDriver::read_midi(uint32_t frames, uint32_t ports) noexcept {
  for (size_t k = 0; k < ports; ++k) {
    EventBuffer& into = midi_in_events_[k];
    into.clear();
    void* buf = jack_port_get_buffer(as_port(midi_in_ports_[k]), frames);
    const uint32_t n = jack_midi_get_event_count(buf);
    for (uint32_t i = 0; i < n; ++i) {
      jack_midi_event_t ev;
      if (jack_midi_event_get(&ev, buf, i) != 0) continue;
      const FrameOffset at = ev.time;
      for (size_t b = 0; b < ev.size; ++b) {
        parsers_[k].feed(ev.buffer[b], [&](const uint32_t* w, uint32_t count) {
          UmpEvent e;
          e.at = at;
          for (uint32_t j = 0; j < count && j < 4; ++j) e.words[j] = w[j];
          if (!into.push(e)) midi_dropped_.fetch_add(1, std::memory_order_relaxed);
        });
      }
    }
  }
}

// One piece's MIDI output, written at its frames within the period.
void JackDriver::write_midi(uint32_t piece_start, uint32_t ports) noexcept {
  for (size_t k = 0; k < ports; ++k) {
    for (const UmpEvent& e : midi_out_events_[k].all()) {
      const bool ok = encoders_[k].convert(e.words, [&](const uint8_t* bytes, uint32_t n) {
        if (jack_midi_event_write(midi_out_buffers_[k], piece_start + e.at, bytes, n) != 0)
          midi_dropped_.fetch_add(1, std::memory_order_relaxed);
      });
      if (!ok) midi_dropped_.fetch_add(1, std::memory_order_relaxed);
    }
    midi_out_events_[k].clear();
  }
}

int JackDriver::process(uint32_t frames, void* self) {
  auto& d = *static_cast<JackDriver*>(self);
  AudioSection section;
  enable_flush_denormals();
  jack_client_t* c = as_client(d.client_);
  // Ports added while running count from the period after they were set up.
  const uint32_t ins = d.in_count_.load(std::memory_order_acquire);
  const uint32_t outs = d.out_count_.load(std::memory_order_acquire);
  const uint32_t midi_ins = d.midi_in_count_.load(std::memory_order_acquire);
  const uint32_t midi_outs = d.midi_out_count_.load(std::memory_order_acquire);
  for (size_t i = 0; i < ins; ++i) {
    d.in_ptrs_[i] = static_cast<const float*>(jack_port_get_buffer(as_port(d.in_ports_[i]), frames));
  }
  for (size_t i = 0; i < outs; ++i) {
    d.out_ptrs_[i] = static_cast<float*>(jack_port_get_buffer(as_port(d.out_ports_[i]), frames));
    std::fill(d.out_ptrs_[i], d.out_ptrs_[i] + frames, 0.0f);
  }
  d.read_midi(frames, midi_ins);
  for (size_t k = 0; k < midi_outs; ++k) {
    d.midi_out_buffers_[k] = jack_port_get_buffer(as_port(d.midi_out_ports_[k]), frames);
    jack_midi_clear_buffer(d.midi_out_buffers_[k]);
    d.midi_out_events_[k].clear();
  }
  const auto start = static_cast<int64_t>(jack_last_frame_time(c));
  if (d.done_.load(std::memory_order_relaxed)) return 0;  // its duration is over: silence
  // Longer JACK periods run as several graph blocks, back to back. Input
  // events keep their period frame; a block sees those inside its piece
  // shifted to block-relative frames.
  for (uint32_t done = 0; done < frames;) {
    const uint32_t n = std::min<uint32_t>(frames - done, d.options_.max_block);
    for (size_t k = 0; k < midi_ins; ++k) {
      EventBuffer& piece = d.midi_piece_events_[k];
      piece.clear();
      for (UmpEvent e : d.midi_in_events_[k].window(done, done + n)) {
        e.at -= done;
        piece.push(e);
      }
    }
    HostIo host;
    host.input = ConstAudioView{d.in_ptrs_.data(), ins, done, n};
    host.output = AudioView{d.out_ptrs_.data(), outs, done, n};
    host.event_input = d.midi_in_ptrs_.data();
    host.event_input_count = midi_ins;
    host.event_output = d.midi_out_ptrs_.data();
    host.event_output_count = midi_outs;
    d.callback_(SampleTime{start + done}, n, host);
    d.write_midi(done, midi_outs);
    done += n;
    d.blocks_.fetch_add(1, std::memory_order_relaxed);
  }
  // The timeline: periods run, plus the frames an xrun skipped (JACK's
  // frame time jumped ahead by less than a second); a larger jump, or one
  // back, is the server's clock moving, as a stepped clock is elsewhere.
  int64_t timeline = d.frames_.load(std::memory_order_relaxed) + frames;
  if (d.next_frame_ >= 0 && start > d.next_frame_ &&
      start - d.next_frame_ < static_cast<int64_t>(d.options_.sample_rate))
    timeline += start - d.next_frame_;
  d.next_frame_ = start + frames;
  d.frames_.store(timeline, std::memory_order_relaxed);
  if (d.options_.stop_after_frames >= 0 && timeline >= d.options_.stop_after_frames)
    d.done_.store(true, std::memory_order_release);
  return 0;
}

int JackDriver::xrun(void* self) {
  static_cast<JackDriver*>(self)->xruns_.fetch_add(1, std::memory_order_relaxed);
  return 0;
}

int JackDriver::buffer_size(uint32_t frames, void* self) {
  // Nothing to rebuild: periods of any length run as pieces of at most the
  // graph's block, and every buffer the driver holds is sized per block.
  auto& d = *static_cast<JackDriver*>(self);
  if (d.period_.exchange(frames) != frames) d.period_changes_.fetch_add(1, std::memory_order_relaxed);
  return 0;
}

int JackDriver::sample_rate(uint32_t rate, void* self) {
  auto& d = *static_cast<JackDriver*>(self);
  if (static_cast<double>(rate) != d.options_.sample_rate) {
    d.new_rate_.store(rate);
    d.rate_changed_.store(true, std::memory_order_release);
    d.gone_.store(true, std::memory_order_release);
  }
  return 0;
}

void JackDriver::shutdown(void* self) {
  static_cast<JackDriver*>(self)->gone_.store(true, std::memory_order_release);
}

}  // namespace ac
