#include "io/jack_driver.h"

#include <jack/jack.h>

#include <algorithm>

#include "core/audio_section.h"
#include "core/denormals.h"

namespace ac {
namespace {

Unexpected fail(std::string message) {
  return unexpected(make_error(ErrorDomain::io, "JACK: " + std::move(message)));
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
  for (uint32_t i = 0; i < options.inputs; ++i) {
    const std::string name = "in_" + std::to_string(i + 1);
    jack_port_t* p = jack_port_register(c, name.c_str(), JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    if (!p) return fail("cannot register port " + name);
    d->in_ports_.push_back(p);
  }
  for (uint32_t i = 0; i < options.outputs; ++i) {
    const std::string name = "out_" + std::to_string(i + 1);
    jack_port_t* p = jack_port_register(c, name.c_str(), JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    if (!p) return fail("cannot register port " + name);
    d->out_ports_.push_back(p);
  }
  d->in_ptrs_.assign(options.inputs, nullptr);
  d->out_ptrs_.assign(options.outputs, nullptr);
  jack_set_process_callback(c, &JackDriver::process, d.get());
  jack_set_xrun_callback(c, &JackDriver::xrun, d.get());
  jack_on_shutdown(c, &JackDriver::shutdown, d.get());
  return d;
}

JackDriver::~JackDriver() {
  stop();
}

Expected<void> JackDriver::start(Callback callback) {
  callback_ = std::move(callback);
  if (jack_activate(static_cast<jack_client_t*>(client_)) != 0) return fail("cannot activate the client");
  return {};
}

void JackDriver::stop() {
  auto* c = static_cast<jack_client_t*>(client_);
  if (!c) return;
  client_ = nullptr;
  if (!gone_.load()) jack_deactivate(c);
  jack_client_close(c);
}

int JackDriver::process(uint32_t frames, void* self) {
  auto& d = *static_cast<JackDriver*>(self);
  AudioSection section;
  enable_flush_denormals();
  auto* c = static_cast<jack_client_t*>(d.client_);
  for (size_t i = 0; i < d.in_ports_.size(); ++i) {
    d.in_ptrs_[i] = static_cast<const float*>(jack_port_get_buffer(static_cast<jack_port_t*>(d.in_ports_[i]), frames));
  }
  for (size_t i = 0; i < d.out_ports_.size(); ++i) {
    d.out_ptrs_[i] = static_cast<float*>(jack_port_get_buffer(static_cast<jack_port_t*>(d.out_ports_[i]), frames));
    std::fill(d.out_ptrs_[i], d.out_ptrs_[i] + frames, 0.0f);
  }
  const auto start = static_cast<int64_t>(jack_last_frame_time(c));
  // Longer JACK periods run as several graph blocks, back to back.
  for (uint32_t done = 0; done < frames;) {
    const uint32_t n = std::min<uint32_t>(frames - done, d.options_.max_block);
    HostIo host;
    host.input = ConstAudioView{d.in_ptrs_.data(), static_cast<uint32_t>(d.in_ptrs_.size()), done, n};
    host.output = AudioView{d.out_ptrs_.data(), static_cast<uint32_t>(d.out_ptrs_.size()), done, n};
    // Endpoints address host buffers from offset 0 of their view: hand
    // them views whose window starts at this piece.
    d.callback_(SampleTime{start + done}, n, host);
    done += n;
    d.blocks_.fetch_add(1, std::memory_order_relaxed);
  }
  return 0;
}

int JackDriver::xrun(void* self) {
  static_cast<JackDriver*>(self)->xruns_.fetch_add(1, std::memory_order_relaxed);
  return 0;
}

void JackDriver::shutdown(void* self) {
  static_cast<JackDriver*>(self)->gone_.store(true, std::memory_order_release);
}

}  // namespace ac
