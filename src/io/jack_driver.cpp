#include "io/jack_driver.h"

#include <jack/jack.h>
#include <jack/midiport.h>

#include <algorithm>

#include "core/audio_section.h"
#include "core/denormals.h"

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
  auto add = [&](const std::string& name, const char* type, unsigned long flags,
                 std::vector<void*>& into) -> Expected<void> {
    jack_port_t* p = jack_port_register(c, name.c_str(), type, flags, 0);
    if (!p) return fail("cannot register port " + name + " (is the name used twice?)");
    into.push_back(p);
    return {};
  };
  for (uint32_t i = 0; i < options.inputs; ++i) {
    if (auto ok = add(options.input_prefix + "_" + std::to_string(i + 1), JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput,
                      d->in_ports_);
        !ok)
      return unexpected(ok.error());
  }
  for (uint32_t i = 0; i < options.outputs; ++i) {
    if (auto ok = add(options.output_prefix + "_" + std::to_string(i + 1), JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput,
                      d->out_ports_);
        !ok)
      return unexpected(ok.error());
  }
  for (const JackMidiPort& m : options.midi_inputs) {
    if (auto ok = add(m.name, JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, d->midi_in_ports_); !ok)
      return unexpected(ok.error());
  }
  for (const JackMidiPort& m : options.midi_outputs) {
    if (auto ok = add(m.name, JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, d->midi_out_ports_); !ok)
      return unexpected(ok.error());
  }
  d->in_ptrs_.assign(options.inputs, nullptr);
  d->out_ptrs_.assign(options.outputs, nullptr);
  // A period's MIDI input: room for a dense controller stream at any period.
  d->midi_in_events_ = std::vector<EventBuffer>(options.midi_inputs.size(), EventBuffer(4096));
  d->midi_out_events_ = std::vector<EventBuffer>(options.midi_outputs.size());
  d->midi_piece_events_ = std::vector<EventBuffer>(options.midi_inputs.size(), EventBuffer(4096));
  for (auto& b : d->midi_piece_events_) d->midi_in_ptrs_.push_back(&b);
  for (auto& b : d->midi_out_events_) d->midi_out_ptrs_.push_back(&b);
  d->parsers_.assign(options.midi_inputs.size(), Midi1ToUmp());
  d->encoders_.assign(options.midi_outputs.size(), UmpToMidi1());
  d->midi_out_buffers_.assign(options.midi_outputs.size(), nullptr);
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

Expected<void> JackDriver::start(Callback callback) {
  callback_ = std::move(callback);
  if (jack_activate(as_client(client_)) != 0) return fail("cannot activate the client");
  autoconnect();
  return {};
}

void JackDriver::autoconnect() {
  jack_client_t* c = as_client(client_);
  // Ports matching `pattern` of `type` that can be the other end of ours.
  auto matches = [&](const std::string& pattern, const char* type, unsigned long flags) {
    std::vector<std::string> out;
    if (pattern.empty()) return out;
    const char** names = jack_get_ports(c, pattern.c_str(), type, flags);
    for (size_t i = 0; names && names[i]; ++i) out.emplace_back(names[i]);
    if (names) jack_free(names);
    if (out.empty()) warnings_.push_back("no JACK port matches '" + pattern + "': left unconnected");
    return out;
  };
  auto link = [&](const std::string& from, const std::string& to) {
    const int r = jack_connect(c, from.c_str(), to.c_str());
    if (r != 0 && r != EEXIST) warnings_.push_back("cannot connect " + from + " -> " + to);
  };
  const auto in_src = matches(options_.connect_inputs, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput);
  for (size_t i = 0; i < in_src.size() && i < in_ports_.size(); ++i)
    link(in_src[i], jack_port_name(as_port(in_ports_[i])));
  const auto out_dst = matches(options_.connect_outputs, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput);
  for (size_t i = 0; i < out_dst.size() && i < out_ports_.size(); ++i)
    link(jack_port_name(as_port(out_ports_[i])), out_dst[i]);
  for (size_t k = 0; k < midi_in_ports_.size(); ++k) {
    for (const auto& src : matches(options_.midi_inputs[k].connect, JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput))
      link(src, jack_port_name(as_port(midi_in_ports_[k])));
  }
  for (size_t k = 0; k < midi_out_ports_.size(); ++k) {
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
void JackDriver::read_midi(uint32_t frames) noexcept {
  for (size_t k = 0; k < midi_in_ports_.size(); ++k) {
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
void JackDriver::write_midi(uint32_t piece_start) noexcept {
  for (size_t k = 0; k < midi_out_ports_.size(); ++k) {
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
  for (size_t i = 0; i < d.in_ports_.size(); ++i) {
    d.in_ptrs_[i] = static_cast<const float*>(jack_port_get_buffer(as_port(d.in_ports_[i]), frames));
  }
  for (size_t i = 0; i < d.out_ports_.size(); ++i) {
    d.out_ptrs_[i] = static_cast<float*>(jack_port_get_buffer(as_port(d.out_ports_[i]), frames));
    std::fill(d.out_ptrs_[i], d.out_ptrs_[i] + frames, 0.0f);
  }
  d.read_midi(frames);
  for (size_t k = 0; k < d.midi_out_ports_.size(); ++k) {
    d.midi_out_buffers_[k] = jack_port_get_buffer(as_port(d.midi_out_ports_[k]), frames);
    jack_midi_clear_buffer(d.midi_out_buffers_[k]);
    d.midi_out_events_[k].clear();
  }
  const auto start = static_cast<int64_t>(jack_last_frame_time(c));
  // Longer JACK periods run as several graph blocks, back to back. Input
  // events keep their period frame; a block sees those inside its piece
  // shifted to block-relative frames.
  for (uint32_t done = 0; done < frames;) {
    const uint32_t n = std::min<uint32_t>(frames - done, d.options_.max_block);
    for (size_t k = 0; k < d.midi_in_events_.size(); ++k) {
      EventBuffer& piece = d.midi_piece_events_[k];
      piece.clear();
      for (UmpEvent e : d.midi_in_events_[k].window(done, done + n)) {
        e.at -= done;
        piece.push(e);
      }
    }
    HostIo host;
    host.input = ConstAudioView{d.in_ptrs_.data(), static_cast<uint32_t>(d.in_ptrs_.size()), done, n};
    host.output = AudioView{d.out_ptrs_.data(), static_cast<uint32_t>(d.out_ptrs_.size()), done, n};
    host.event_input = d.midi_in_ptrs_.data();
    host.event_input_count = static_cast<uint32_t>(d.midi_in_ptrs_.size());
    host.event_output = d.midi_out_ptrs_.data();
    host.event_output_count = static_cast<uint32_t>(d.midi_out_ptrs_.size());
    d.callback_(SampleTime{start + done}, n, host);
    d.write_midi(done);
    done += n;
    d.blocks_.fetch_add(1, std::memory_order_relaxed);
  }
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
