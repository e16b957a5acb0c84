#include "clock/media_clock.h"

namespace ac {

int64_t media_samples(PtpNanos ptp, uint32_t rate) {
  // Seconds and nanoseconds apart: ns * rate does not fit 64 bits.
  const int64_t sec = ptp.ns / 1000000000, ns = ptp.ns % 1000000000;
  return sec * rate + (ns * rate) / 1000000000;
}

PtpNanos media_sample_time(int64_t samples, uint32_t rate) {
  // The first nanosecond at which the sample has begun (rounded up), so
  // that media_samples() of it gives the sample back.
  const int64_t sec = samples / rate, rem = samples % rate;
  return PtpNanos{sec * 1000000000 + (rem * 1000000000 + rate - 1) / rate};
}

uint32_t rtp_timestamp(PtpNanos ptp, uint32_t rate, uint32_t offset) {
  return static_cast<uint32_t>(static_cast<uint64_t>(media_samples(ptp, rate)) + offset);
}

int64_t unwrap_rtp(uint32_t ts, uint32_t offset, int64_t near_samples) {
  const auto near_ts = static_cast<uint32_t>(static_cast<uint64_t>(near_samples) + offset);
  const auto diff = static_cast<int32_t>(ts - near_ts);  // signed distance on the 32-bit circle
  return near_samples + diff;
}

}  // namespace ac
