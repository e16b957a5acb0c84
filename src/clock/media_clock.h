#pragma once
// The AES67 media clock (AES67-2018 5.x, RFC 7273 `mediaclk:direct`): the
// RTP timestamp of a stream at rate R is the count of sample periods since
// the PTP epoch, plus the stream's offset, modulo 2^32. And the way back: an
// RTP timestamp unwrapped to the sample time nearest a reference.
#include <cstdint>

namespace ac {

// Samples at `rate` elapsed between the PTP epoch and `ptp_ns` (floor).
int64_t media_samples(int64_t ptp_ns, uint32_t rate);
// PTP time (ns) at which media sample `samples` begins (rounded up).
int64_t media_sample_time_ns(int64_t samples, uint32_t rate);
// The RTP timestamp for PTP time `ptp_ns`: (samples + offset) mod 2^32.
uint32_t rtp_timestamp(int64_t ptp_ns, uint32_t rate, uint32_t offset);
// The sample count whose RTP timestamp is `ts`, nearest to `near_samples`
// (unwraps the 32-bit counter).
int64_t unwrap_rtp(uint32_t ts, uint32_t offset, int64_t near_samples);

}  // namespace ac
