#include "io/alsa_driver.h"

#include <alsa/asoundlib.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <tuple>

#include "clock/delay_locked_loop.h"
#include "core/audio_section.h"
#include "io/alsa_nodes.h"

namespace ac {
namespace {

snd_pcm_t* pcm(void* p) {
  return static_cast<snd_pcm_t*>(p);
}

snd_pcm_format_t to_alsa(AlsaFormat f) {
  switch (f) {
    case AlsaFormat::float32_le:
      return SND_PCM_FORMAT_FLOAT_LE;
    case AlsaFormat::s32_le:
      return SND_PCM_FORMAT_S32_LE;
    case AlsaFormat::s24_3le:
      return SND_PCM_FORMAT_S24_3LE;
    case AlsaFormat::s16_le:
      return SND_PCM_FORMAT_S16_LE;
  }
  return SND_PCM_FORMAT_UNKNOWN;
}

Unexpected fail(const AlsaRequest& r, const std::string& what, int err) {
  return unexpected(make_error(ErrorDomain::io, std::string("ALSA ") + (r.capture ? "capture" : "playback") +
                                                    " device '" + r.device + "': " + what + ": " + snd_strerror(err)));
}

AlsaCapabilities capabilities_of(snd_pcm_t* p, snd_pcm_hw_params_t* hw) {
  AlsaCapabilities c;
  snd_pcm_hw_params_any(p, hw);
  int dir = 0;
  unsigned v = 0;
  snd_pcm_uframes_t f = 0;
  if (snd_pcm_hw_params_get_rate_min(hw, &v, &dir) == 0) c.rate_min = v;
  if (snd_pcm_hw_params_get_rate_max(hw, &v, &dir) == 0) c.rate_max = v;
  if (snd_pcm_hw_params_get_channels_min(hw, &v) == 0) c.channels_min = v;
  if (snd_pcm_hw_params_get_channels_max(hw, &v) == 0) c.channels_max = v;
  if (snd_pcm_hw_params_get_period_size_min(hw, &f, &dir) == 0) c.period_min = static_cast<uint32_t>(f);
  if (snd_pcm_hw_params_get_period_size_max(hw, &f, &dir) == 0)
    c.period_max = static_cast<uint32_t>(std::min<snd_pcm_uframes_t>(f, UINT32_MAX));
  if (snd_pcm_hw_params_get_buffer_size_min(hw, &f) == 0) c.buffer_min = static_cast<uint32_t>(f);
  if (snd_pcm_hw_params_get_buffer_size_max(hw, &f) == 0)
    c.buffer_max = static_cast<uint32_t>(std::min<snd_pcm_uframes_t>(f, UINT32_MAX));
  for (AlsaFormat fmt : {AlsaFormat::float32_le, AlsaFormat::s32_le, AlsaFormat::s24_3le, AlsaFormat::s16_le}) {
    if (snd_pcm_hw_params_test_format(p, hw, to_alsa(fmt)) == 0) c.formats.push_back(fmt);
  }
  c.mmap_interleaved = snd_pcm_hw_params_test_access(p, hw, SND_PCM_ACCESS_MMAP_INTERLEAVED) == 0;
  c.rw_interleaved = snd_pcm_hw_params_test_access(p, hw, SND_PCM_ACCESS_RW_INTERLEAVED) == 0;
  return c;
}

// Opens `r.device` and applies the configuration choose_alsa_config() picks.
Expected<AlsaConfig> open_pcm(const AlsaRequest& r, void*& handle) {
  snd_pcm_t* p = nullptr;
  if (int e = snd_pcm_open(&p, r.device.c_str(), r.capture ? SND_PCM_STREAM_CAPTURE : SND_PCM_STREAM_PLAYBACK, 0);
      e < 0) {
    return fail(r, "cannot open", e);
  }
  handle = p;
  snd_pcm_hw_params_t* hw = nullptr;
  snd_pcm_hw_params_alloca(&hw);
  auto chosen = choose_alsa_config(r, capabilities_of(p, hw));
  if (!chosen) return unexpected(chosen.error());
  AlsaConfig c = *chosen;
  snd_pcm_hw_params_any(p, hw);
  const auto access =
      c.access == AlsaAccess::mmap_interleaved ? SND_PCM_ACCESS_MMAP_INTERLEAVED : SND_PCM_ACCESS_RW_INTERLEAVED;
  if (int e = snd_pcm_hw_params_set_access(p, hw, access); e < 0) return fail(r, "cannot set access", e);
  if (int e = snd_pcm_hw_params_set_format(p, hw, to_alsa(c.format)); e < 0) return fail(r, "cannot set format", e);
  if (int e = snd_pcm_hw_params_set_channels(p, hw, c.channels); e < 0) return fail(r, "cannot set channels", e);
  if (int e = snd_pcm_hw_params_set_rate(p, hw, c.rate, 0); e < 0) return fail(r, "cannot set the rate", e);
  snd_pcm_uframes_t period = c.period, buffer = c.buffer;
  int dir = 0;
  if (int e = snd_pcm_hw_params_set_period_size_near(p, hw, &period, &dir); e < 0)
    return fail(r, "cannot set the period", e);
  if (int e = snd_pcm_hw_params_set_buffer_size_near(p, hw, &buffer); e < 0) return fail(r, "cannot set the buffer", e);
  if (int e = snd_pcm_hw_params(p, hw); e < 0) return fail(r, "cannot apply the configuration", e);
  snd_pcm_hw_params_get_period_size(hw, &period, &dir);
  snd_pcm_hw_params_get_buffer_size(hw, &buffer);
  c.period = static_cast<uint32_t>(period);
  c.buffer = static_cast<uint32_t>(buffer);
  snd_pcm_sw_params_t* sw = nullptr;
  snd_pcm_sw_params_alloca(&sw);
  snd_pcm_sw_params_current(p, sw);
  snd_pcm_sw_params_set_avail_min(p, sw, period);
  // Started explicitly, after the buffer is primed.
  snd_pcm_sw_params_set_start_threshold(p, sw, r.capture ? 1 : buffer);
  if (int e = snd_pcm_sw_params(p, sw); e < 0) return fail(r, "cannot apply software parameters", e);
  return c;
}

// The first `channels` channel pointers of `buffer`, `offset` frames in (a
// device with more channels than the buffer repeats its last one).
void channel_table(AudioBuffer& buffer, uint32_t channels, FrameCount offset, float** out) {
  for (uint32_t ch = 0; ch < channels && ch < 64; ++ch)
    out[ch] = buffer.channel(std::min(ch, buffer.channel_count() - 1)) + offset;
}

// alsa-lib prints its own diagnostics to stderr; our errors already say
// what failed, naming the device.
void quiet_alsa_errors(const char*, int, const char*, int, const char*, ...) {}

int64_t now_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return int64_t{t.tv_sec} * 1000000000 + t.tv_nsec;
}

}  // namespace

Expected<std::unique_ptr<AlsaDriver>> AlsaDriver::open(const AlsaDriverOptions& o) {
  snd_lib_error_set_handler(&quiet_alsa_errors);
  std::unique_ptr<AlsaDriver> d(new AlsaDriver());
  d->options_ = o;
  const FrameCount period = o.period ? o.period : o.max_block;
  if (o.playback_device.empty() && o.capture_device.empty()) {
    return unexpected(make_error(ErrorDomain::io, "ALSA: neither a playback nor a capture device was given"));
  }
  if (!o.playback_device.empty()) {
    AlsaRequest r{
        o.playback_device, false, static_cast<uint32_t>(o.sample_rate), std::max(1u, o.playback_channels), period,
        o.periods};
    auto c = open_pcm(r, d->playback_);
    if (!c) return unexpected(c.error());
    d->playback_config_ = *c;
    d->period_ = c->period;
  }
  if (!o.capture_device.empty()) {
    AlsaRequest r{o.capture_device,
                  true,
                  static_cast<uint32_t>(o.sample_rate),
                  std::max(1u, o.capture_channels),
                  d->playback_ ? d->period_ : period,
                  o.periods};
    auto c = open_pcm(r, d->capture_);
    if (!c) return unexpected(c.error());
    d->capture_config_ = *c;
    if (d->playback_ && c->period != d->period_) {
      return unexpected(make_error(ErrorDomain::io, "ALSA: the capture device's period (" + std::to_string(c->period) +
                                                        ") differs from the playback device's (" +
                                                        std::to_string(d->period_) + ")"));
    }
    d->period_ = c->period;
    if (d->playback_) d->linked_ = snd_pcm_link(pcm(d->capture_), pcm(d->playback_)) == 0;
  }
  d->out_ = std::make_unique<AudioBuffer>(std::max(1u, o.playback_channels), d->period_);
  d->in_ = std::make_unique<AudioBuffer>(std::max(1u, o.capture_channels), d->period_);
  const uint32_t widest = std::max(d->playback_config_.channels, d->capture_config_.channels);
  d->scratch_.assign(static_cast<size_t>(d->period_) * widest * 4, 0);
  return d;
}

AlsaDriver::~AlsaDriver() {
  stop();
  if (capture_) {
    if (linked_) snd_pcm_unlink(pcm(capture_));
    snd_pcm_close(pcm(capture_));
  }
  if (playback_) snd_pcm_close(pcm(playback_));
}

Expected<void> AlsaDriver::start(BlockCallback callback) {
  if (thread_.running()) return {};  // already started
  callback_ = std::move(callback);
  thread_.start(options_.realtime_priority, [this] { loop(); });
  return {};
}

void AlsaDriver::stop() {
  thread_.stop();
}

std::string AlsaDriver::failure() const {
  return failed_.load(std::memory_order_acquire) ? failure_ : std::string{};
}

DriverStatus AlsaDriver::status() const {
  DriverStatus s;
  s.blocks = blocks();
  s.frames = frames_.load(std::memory_order_relaxed);
  s.xruns = xruns();
  s.estimated_rate = estimated_rate();
  s.clock = DriverClock::device;
  s.period = period_;
  s.finished = finished();
  if (s.finished) {
    s.failure = failure();
    if (!s.failure.empty()) s.failure = "ALSA: " + s.failure;
  }
  s.realtime_warning = realtime_warning();
  return s;
}

std::vector<std::string> AlsaDriver::describe() const {
  std::vector<std::string> lines;
  if (has_playback()) lines.push_back("ALSA playback " + options_.playback_device + ": " + playback_config_.describe());
  if (has_capture()) lines.push_back("ALSA capture " + options_.capture_device + ": " + capture_config_.describe());
  return lines;
}

// A device that takes no period for 100 ms (several times the longest
// buffer anyone runs live) has stalled: its own clock stopped. Counted, and
// the longest gap kept, so that what follows (a bridge's overruns) can be
// told from a fault of ours.
void AlsaDriver::note_gap(int64_t woke_ns) noexcept {
  if (last_period_ns_ > 0) {
    const int64_t gap = woke_ns - last_period_ns_;
    if (gap > longest_gap_ns_.load(std::memory_order_relaxed)) longest_gap_ns_.store(gap, std::memory_order_relaxed);
    const auto buffer_ns = static_cast<int64_t>(1e9 * period_ * std::max(options_.periods, 2u) / options_.sample_rate);
    if (gap > std::max<int64_t>(buffer_ns, 100'000'000)) stalls_.fetch_add(1, std::memory_order_relaxed);
  }
  last_period_ns_ = woke_ns;
}

std::vector<std::string> AlsaDriver::report() const {
  char line[160];
  std::snprintf(line, sizeof line,
                "ALSA: longest gap between periods %.1f ms, %llu stalls (no period for 100 ms or more)",
                static_cast<double>(longest_gap_ns_.load(std::memory_order_relaxed)) / 1e6,
                static_cast<unsigned long long>(stalls_.load(std::memory_order_relaxed)));
  return {line};
}

DeviceShape AlsaDriver::shape() const {
  DeviceShape d;
  d.capture_channels = has_capture() ? options_.capture_channels : 0;
  d.playback_channels = has_playback() ? options_.playback_channels : 0;
  d.period = period_;
  return d;
}

Expected<std::unique_ptr<DriverEdit>> AlsaDriver::prepare_edit(const Graph& next) {
  AlsaDriverOptions wanted;
  alsa_options_from_graph(next, wanted);
  const uint32_t playback = has_playback() ? playback_config_.channels : 0;
  const uint32_t capture = has_capture() ? capture_config_.channels : 0;
  for (const auto& [what, want, have] : {std::tuple{"playback", wanted.playback_channels, playback},
                                         std::tuple{"capture", wanted.capture_channels, capture}}) {
    if (want <= have) continue;
    return unexpected(make_error(ErrorDomain::io, std::string("this patch needs ") + std::to_string(want) + " ALSA " +
                                                      what + " channel" + (want == 1 ? "" : "s") +
                                                      ", but the device runs " + std::to_string(have) +
                                                      " (a running device is not reopened: restart with the new "
                                                      "graph)"));
  }
  return std::unique_ptr<DriverEdit>{};
}

Expected<std::unique_ptr<Driver>> open_alsa_driver(const DriverSetup& setup) {
  AlsaDriverOptions o;
  alsa_options_from_graph(*setup.graph, o);
  const DriverParams& p = setup.params;
  o.playback_device = driver_param(p, "device", o.playback_device);
  o.capture_device = driver_param(p, "capture-device", o.capture_device);
  if (o.playback_channels == 0) o.playback_device.clear();  // no output endpoint: capture only
  if (o.capture_channels == 0) o.capture_device.clear();
  auto period = driver_param_uint(p, "period", 0);
  if (!period) return unexpected(period.error());
  if (*period) o.period = *period;
  auto periods = driver_param_uint(p, "periods", 0);
  if (!periods) return unexpected(periods.error());
  if (*periods) o.periods = *periods;
  // Bridged, the graph's thread counts the duration; ALSA runs whole
  // periods, one bridge callback each.
  o.stop_after_frames = setup.bridged ? -1 : setup.stop_after_frames;
  if (setup.bridged) o.max_block = 8192;
  auto opened = AlsaDriver::open(o);
  if (!opened) return unexpected(opened.error());
  return std::unique_ptr<Driver>(std::move(*opened));
}

int AlsaDriver::restart() noexcept {
  for (void* p : {playback_, capture_}) {
    if (!p || (p == capture_ && linked_)) continue;  // linked: prepared with playback
    if (int e = snd_pcm_prepare(pcm(p)); e < 0) return e;
  }
  if (playback_) {
    // Prime the whole buffer with silence: the first period the graph
    // renders then plays one buffer later, and the device starts full.
    out_->clear();
    for (uint32_t done = 0; done < playback_config_.buffer;) {
      const FrameCount n = std::min<FrameCount>(period_, playback_config_.buffer - done);
      if (int e = transfer_out(n); e < 0) return e;
      done += n;
    }
    if (int e = snd_pcm_start(pcm(playback_)); e < 0) return e;
  }
  if (capture_ && !linked_) {
    if (int e = snd_pcm_start(pcm(capture_)); e < 0) return e;
  }
  return 0;
}

int AlsaDriver::transfer_out(FrameCount frames) noexcept {
  snd_pcm_t* p = pcm(playback_);
  const AlsaConfig& c = playback_config_;
  const uint32_t frame_bytes = c.channels * alsa_format_bytes(c.format);
  float* ptrs[64];
  for (FrameCount done = 0; done < frames;) {
    channel_table(*out_, c.channels, done, ptrs);
    if (c.access == AlsaAccess::mmap_interleaved) {
      const snd_pcm_channel_area_t* areas = nullptr;
      snd_pcm_uframes_t offset = 0, n = frames - done;
      if (int e = snd_pcm_mmap_begin(p, &areas, &offset, &n); e < 0) return e;
      auto* base = static_cast<uint8_t*>(areas[0].addr) + areas[0].first / 8 + offset * frame_bytes;
      alsa_write_samples(c.format, ptrs, c.channels, static_cast<uint32_t>(n), base);
      const snd_pcm_sframes_t w = snd_pcm_mmap_commit(p, offset, n);
      if (w < 0) return static_cast<int>(w);
      if (static_cast<snd_pcm_uframes_t>(w) != n) return -EPIPE;
      done += static_cast<FrameCount>(n);
    } else {
      const FrameCount n = frames - done;
      alsa_write_samples(c.format, ptrs, c.channels, n, scratch_.data());
      const snd_pcm_sframes_t w = snd_pcm_writei(p, scratch_.data(), n);
      if (w < 0) return static_cast<int>(w);
      done += static_cast<FrameCount>(w);
    }
  }
  return 0;
}

int AlsaDriver::transfer_in(FrameCount frames) noexcept {
  snd_pcm_t* p = pcm(capture_);
  const AlsaConfig& c = capture_config_;
  const uint32_t frame_bytes = c.channels * alsa_format_bytes(c.format);
  float* ptrs[64];
  for (FrameCount done = 0; done < frames;) {
    channel_table(*in_, c.channels, done, ptrs);
    if (c.access == AlsaAccess::mmap_interleaved) {
      const snd_pcm_sframes_t avail = snd_pcm_avail_update(p);
      if (avail < 0) return static_cast<int>(avail);
      if (avail == 0) {
        if (int e = snd_pcm_wait(p, 1000); e < 0) return e;
        continue;
      }
      const snd_pcm_channel_area_t* areas = nullptr;
      snd_pcm_uframes_t offset = 0, n = frames - done;
      if (int e = snd_pcm_mmap_begin(p, &areas, &offset, &n); e < 0) return e;
      const auto* base = static_cast<const uint8_t*>(areas[0].addr) + areas[0].first / 8 + offset * frame_bytes;
      alsa_read_samples(c.format, base, c.channels, static_cast<uint32_t>(n), ptrs);
      const snd_pcm_sframes_t r = snd_pcm_mmap_commit(p, offset, n);
      if (r < 0) return static_cast<int>(r);
      done += static_cast<FrameCount>(r);
    } else {
      const snd_pcm_sframes_t r = snd_pcm_readi(p, scratch_.data(), frames - done);
      if (r < 0) return static_cast<int>(r);
      alsa_read_samples(c.format, scratch_.data(), c.channels, static_cast<uint32_t>(r), ptrs);
      done += static_cast<FrameCount>(r);
    }
  }
  return 0;
}

bool AlsaDriver::recover(int err) noexcept {
  switch (recovery_.on_error(err)) {
    case AlsaAction::retry:
      return true;
    case AlsaAction::resume: {
      void* p = playback_ ? playback_ : capture_;
      int e = -EAGAIN;
      for (int i = 0; i < 1000 && e == -EAGAIN; ++i) {
        e = snd_pcm_resume(pcm(p));
        if (e == -EAGAIN) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      if (e == 0) return true;
      [[fallthrough]];  // the device cannot resume: start it afresh
    }
    case AlsaAction::prepare:
      xruns_.store(recovery_.xruns(), std::memory_order_relaxed);
      if (int e = restart(); e < 0) return recover(e);
      return true;
    case AlsaAction::fail:
      break;
  }
  failure_ = recovery_.failure();
  failed_.store(true, std::memory_order_release);
  return false;
}

void AlsaDriver::loop() {
  estimated_rate_.store(options_.sample_rate, std::memory_order_relaxed);
  int64_t frame = 0;
  DelayLockedLoop dll;
  bool dll_started = false;
  const auto narrow_after = static_cast<uint64_t>(options_.sample_rate / period_);
  snd_pcm_t* master = pcm(playback_ ? playback_ : capture_);
  if (int e = restart(); e < 0 && !recover(e)) return;
  uint32_t timeouts = 0;
  while (thread_.running()) {
    if (options_.stop_after_frames >= 0 && frame >= options_.stop_after_frames) break;
    const int w = snd_pcm_wait(master, 1000);
    if (w == 0) {  // a second without a period: the device has stalled
      if (++timeouts >= 5) {
        failure_ = "the device delivered no period for 5 s";
        failed_.store(true, std::memory_order_release);
        break;
      }
      continue;
    }
    timeouts = 0;
    if (w < 0) {
      if (!recover(w)) break;
      continue;
    }
    if (playback_) {
      const snd_pcm_sframes_t avail = snd_pcm_avail_update(master);
      if (avail < 0) {
        if (!recover(static_cast<int>(avail))) break;
        continue;
      }
      if (static_cast<FrameCount>(avail) < period_) continue;
    }
    const int64_t woke = now_ns();
    note_gap(woke);
    if (!dll_started) {
      dll.reset(static_cast<double>(woke) * 1e-9, period_ / options_.sample_rate, 1.0);
      dll_started = true;
    } else {
      dll.update(static_cast<double>(woke) * 1e-9);
      if (dll.updates() == narrow_after) dll.set_bandwidth(0.1);
      estimated_rate_.store(period_ / dll.period(), std::memory_order_relaxed);
    }
    if (capture_) {
      if (int e = transfer_in(period_); e < 0) {
        if (!recover(e)) break;
        continue;
      }
    }
    {
      AudioSection section;
      out_->clear();
      for (FrameCount done = 0; done < period_;) {
        const FrameCount n = std::min<FrameCount>(period_ - done, options_.max_block);
        HostIo host;
        float* outs[64];
        const float* ins[64];
        const uint32_t oc = std::min(64u, out_->channel_count()), ic = std::min(64u, in_->channel_count());
        for (uint32_t c = 0; c < oc; ++c) outs[c] = out_->channel(c);
        for (uint32_t c = 0; c < ic; ++c) ins[c] = in_->channel(c);
        host.output = AudioView{outs, options_.playback_channels ? oc : 0, done, n};
        host.input = ConstAudioView{ins, options_.capture_channels ? ic : 0, done, n};
        callback_(SampleTime{frame + done}, n, host);
        done += n;
        blocks_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    frame += period_;
    frames_.store(frame, std::memory_order_relaxed);
    if (playback_) {
      if (int e = transfer_out(period_); e < 0) {
        if (!recover(e)) break;
        continue;
      }
    }
    recovery_.on_success();
  }
  if (playback_ && !failed_.load()) snd_pcm_drain(pcm(playback_));
}

}  // namespace ac
