#include "io/alsa_config.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

namespace ac {
namespace {

Unexpected fail(const AlsaRequest& r, std::string message) {
  return unexpected(make_error(ErrorDomain::io, std::string("ALSA ") + (r.capture ? "capture" : "playback") +
                                                    " device '" + r.device + "': " + std::move(message)));
}

std::string range(uint32_t lo, uint32_t hi) {
  return lo == hi ? std::to_string(lo) : std::to_string(lo) + ".." + std::to_string(hi);
}

// Full scale of an integer format, as a float multiplier: symmetric, so
// +1.0 and -1.0 map to +max and -max.
double full_scale(AlsaFormat f) {
  switch (f) {
    case AlsaFormat::s16_le:
      return 32767.0;
    case AlsaFormat::s24_3le:
      return 8388607.0;
    case AlsaFormat::s32_le:
      return 2147483647.0;
    case AlsaFormat::float32_le:
      break;
  }
  return 1.0;
}

int32_t to_int(float x, double scale) noexcept {
  const double v = std::nearbyint(static_cast<double>(x) * scale);
  return static_cast<int32_t>(std::clamp(v, -scale - 1.0, scale));
}

}  // namespace

const char* alsa_format_name(AlsaFormat f) {
  switch (f) {
    case AlsaFormat::float32_le:
      return "FLOAT_LE";
    case AlsaFormat::s32_le:
      return "S32_LE";
    case AlsaFormat::s24_3le:
      return "S24_3LE";
    case AlsaFormat::s16_le:
      return "S16_LE";
  }
  return "?";
}

uint32_t alsa_format_bytes(AlsaFormat f) {
  switch (f) {
    case AlsaFormat::s16_le:
      return 2;
    case AlsaFormat::s24_3le:
      return 3;
    case AlsaFormat::float32_le:
    case AlsaFormat::s32_le:
      break;
  }
  return 4;
}

std::string AlsaConfig::describe() const {
  return std::to_string(rate) + " Hz, " + std::to_string(channels) + " ch, " + alsa_format_name(format) + ", " +
         (access == AlsaAccess::mmap_interleaved ? "mmap" : "read/write") + ", period " + std::to_string(period) +
         ", buffer " + std::to_string(buffer);
}

Expected<AlsaConfig> choose_alsa_config(const AlsaRequest& r, const AlsaCapabilities& caps) {
  AlsaConfig c;
  if (r.rate < caps.rate_min || r.rate > caps.rate_max) {
    return fail(r, "cannot run at " + std::to_string(r.rate) + " Hz (it offers " + range(caps.rate_min, caps.rate_max) +
                       " Hz); use a plughw: device to resample");
  }
  c.rate = r.rate;
  if (r.channels < caps.channels_min || r.channels > caps.channels_max) {
    return fail(r, "has " + range(caps.channels_min, caps.channels_max) + " channels, the graph uses " +
                       std::to_string(r.channels) + "; use a plughw: device to remap");
  }
  c.channels = r.channels;
  const AlsaFormat kPreference[] = {AlsaFormat::float32_le, AlsaFormat::s32_le, AlsaFormat::s24_3le,
                                    AlsaFormat::s16_le};
  bool found = false;
  for (AlsaFormat f : kPreference) {
    if (std::find(caps.formats.begin(), caps.formats.end(), f) != caps.formats.end()) {
      c.format = f;
      found = true;
      break;
    }
  }
  if (!found) return fail(r, "offers none of FLOAT_LE, S32_LE, S24_3LE, S16_LE; use a plughw: device to convert");
  if (caps.mmap_interleaved) {
    c.access = AlsaAccess::mmap_interleaved;
  } else if (caps.rw_interleaved) {
    c.access = AlsaAccess::rw_interleaved;
  } else {
    return fail(r, "offers no interleaved access; use a plughw: device");
  }
  if (caps.period_min > caps.period_max || caps.buffer_min > caps.buffer_max) {
    return fail(r, "reports no usable period or buffer size");
  }
  c.period = std::clamp(r.period, caps.period_min, caps.period_max);
  const uint64_t want = static_cast<uint64_t>(c.period) * std::max(2u, r.periods);
  c.buffer = static_cast<uint32_t>(std::clamp<uint64_t>(want, caps.buffer_min, caps.buffer_max));
  if (c.buffer < c.period) c.period = c.buffer;  // a buffer holds at least one period
  return c;
}

AlsaAction AlsaRecovery::on_error(int err) {
  if (++consecutive_ > kMaxConsecutive) {
    failure_ = "the device keeps failing (" + std::to_string(kMaxConsecutive) +
               " errors in a row, the last: " + std::strerror(-err) + ")";
    return AlsaAction::fail;
  }
  switch (-err) {
    case EAGAIN:
    case EINTR:
      return AlsaAction::retry;
    case EPIPE:
      ++xruns_;
      return AlsaAction::prepare;
    case ESTRPIPE:
      ++suspends_;
      return AlsaAction::resume;
    case EBADFD:
      return AlsaAction::prepare;
    case ENODEV:
      failure_ = "the device was disconnected";
      return AlsaAction::fail;
    default:
      failure_ = std::string("unrecoverable error: ") + std::strerror(-err);
      return AlsaAction::fail;
  }
}

void alsa_write_samples(AlsaFormat f, const float* const* src, uint32_t channels, uint32_t frames, void* dst) noexcept {
  auto* out = static_cast<uint8_t*>(dst);
  const double scale = full_scale(f);
  const uint32_t bytes = alsa_format_bytes(f);
  for (uint32_t i = 0; i < frames; ++i) {
    for (uint32_t c = 0; c < channels; ++c, out += bytes) {
      const float x = src[c][i];
      if (f == AlsaFormat::float32_le) {
        std::memcpy(out, &x, 4);
        continue;
      }
      const int32_t v = to_int(x, scale);
      const auto u = static_cast<uint32_t>(v);
      for (uint32_t b = 0; b < bytes; ++b) out[b] = static_cast<uint8_t>(u >> (8 * b));
    }
  }
}

void alsa_read_samples(AlsaFormat f, const void* src, uint32_t channels, uint32_t frames, float* const* dst) noexcept {
  const auto* in = static_cast<const uint8_t*>(src);
  const double scale = full_scale(f);
  const uint32_t bytes = alsa_format_bytes(f);
  for (uint32_t i = 0; i < frames; ++i) {
    for (uint32_t c = 0; c < channels; ++c, in += bytes) {
      if (f == AlsaFormat::float32_le) {
        std::memcpy(&dst[c][i], in, 4);
        continue;
      }
      uint32_t u = 0;
      for (uint32_t b = 0; b < bytes; ++b) u |= uint32_t{in[b]} << (8 * b);
      // Sign-extend the top byte of narrower formats.
      const uint32_t shift = 32 - 8 * bytes;
      const int32_t v = static_cast<int32_t>(u << shift) >> shift;
      dst[c][i] = static_cast<float>(static_cast<double>(v) / scale);
    }
  }
}

}  // namespace ac
