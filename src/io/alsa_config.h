#pragma once
// The decisions of the ALSA driver, as pure functions tested without
// hardware: which hardware configuration to ask a device for, what to do
// about each error alsa-lib returns (xrun recovery), and how samples are
// converted between the engine's floats and the device's format.
#include <cstdint>
#include <string>
#include <vector>

#include "core/expected.h"

namespace ac {

// Sample formats the driver speaks, in order of preference (float first:
// no conversion; then the widest integers).
enum class AlsaFormat : uint8_t { float32_le, s32_le, s24_3le, s16_le };
enum class AlsaAccess : uint8_t { mmap_interleaved, rw_interleaved };

const char* alsa_format_name(AlsaFormat f);
uint32_t alsa_format_bytes(AlsaFormat f);  // per sample

// What a device accepts, as its hardware parameter space reports it.
struct AlsaCapabilities {
  uint32_t rate_min = 0, rate_max = 0;
  uint32_t channels_min = 0, channels_max = 0;
  uint32_t period_min = 0, period_max = 0;  // frames
  uint32_t buffer_min = 0, buffer_max = 0;  // frames
  std::vector<AlsaFormat> formats;
  bool mmap_interleaved = false;
  bool rw_interleaved = false;
};

struct AlsaRequest {
  std::string device = "default";
  bool capture = false;  // for messages
  uint32_t rate = 48000;
  uint32_t channels = 2;
  uint32_t period = 64;  // frames per period
  uint32_t periods = 2;  // periods in the buffer
};

struct AlsaConfig {
  AlsaFormat format = AlsaFormat::float32_le;
  AlsaAccess access = AlsaAccess::mmap_interleaved;
  uint32_t rate = 48000;
  uint32_t channels = 2;
  uint32_t period = 64;
  uint32_t buffer = 128;

  std::string describe() const;  // "48000 Hz, 2 ch, FLOAT_LE, mmap, period 64, buffer 128"
};

// Picks the configuration to ask for: the exact rate (no resampling: a
// device that cannot run at the graph's rate is an error that suggests
// plughw:), the channel count, the preferred format and access the device
// offers, the period and buffer clamped into the device's ranges. Errors
// name the device and what it does accept.
Expected<AlsaConfig> choose_alsa_config(const AlsaRequest& request, const AlsaCapabilities& caps);

// What to do about an error code (negative errno) from a read, write, wait
// or avail call.
enum class AlsaAction : uint8_t {
  retry,    // try the call again (EAGAIN, EINTR)
  prepare,  // snd_pcm_prepare, refill, restart: an xrun (EPIPE) or a bad state
  resume,   // snd_pcm_resume until it stops saying EAGAIN (ESTRPIPE: suspended)
  fail,     // give up: the device is gone or keeps failing
};

class AlsaRecovery {
 public:
  static constexpr uint32_t kMaxConsecutive = 8;  // errors in a row before giving up

  AlsaAction on_error(int err);
  void on_success() { consecutive_ = 0; }

  uint64_t xruns() const { return xruns_; }
  uint64_t suspends() const { return suspends_; }
  const std::string& failure() const { return failure_; }  // after AlsaAction::fail

 private:
  uint32_t consecutive_ = 0;
  uint64_t xruns_ = 0;
  uint64_t suspends_ = 0;
  std::string failure_;
};

// [audio] Interleaves `frames` frames of `channels` float channels into the
// device format at `dst` (clamped to full scale, rounded to nearest).
void alsa_write_samples(AlsaFormat f, const float* const* src, uint32_t channels, uint32_t frames, void* dst) noexcept;
// [audio] The reverse: device format at `src` into float channels.
void alsa_read_samples(AlsaFormat f, const void* src, uint32_t channels, uint32_t frames, float* const* dst) noexcept;

}  // namespace ac
