#pragma once
// The AES67 media clock (AES67-2018 5.x, RFC 7273 `mediaclk:direct`): the
// RTP timestamp of a stream at rate R is the count of sample periods since
// the PTP epoch, plus the stream's offset, modulo 2^32. And the way back: an
// RTP timestamp unwrapped to the sample time nearest a reference.
#include <cstdint>

#include "core/clock_time.h"

namespace ac {

// Samples at `rate` elapsed between the PTP epoch and `ptp` (floor).
int64_t media_samples(PtpNanos ptp, uint32_t rate);
// PTP time at which media sample `samples` begins (rounded up to the ns).
PtpNanos media_sample_time(int64_t samples, uint32_t rate);
// The RTP timestamp for PTP time `ptp`: (samples + offset) mod 2^32.
uint32_t rtp_timestamp(PtpNanos ptp, uint32_t rate, uint32_t offset);
// The sample count whose RTP timestamp is `ts`, nearest to `near_samples`
// (unwraps the 32-bit counter).
int64_t unwrap_rtp(uint32_t ts, uint32_t offset, int64_t near_samples);

}  // namespace ac
