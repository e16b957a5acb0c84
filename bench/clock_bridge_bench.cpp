// The clock bridge's cost per block against the copy it replaces: the same
// stereo 64-frame blocks written into and read out of the same kind of FIFO
// without resampling. Prints ns per block for both, the ratio, and the
// bridge's share of a 64-frame period at 48 kHz (1333 us).
//
//   build/release/bench/clock_bridge_bench [seconds of audio, default 20]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "clock/clock_bridge.h"
#include "core/spsc_ring.h"

namespace {

constexpr uint32_t kBlock = 64;
constexpr double kRate = 48000.0;

template <typename F>
double best_ns_per_block(F&& run, uint64_t blocks) {
  double best = 1e300;
  for (int round = 0; round < 3; ++round) {
    const auto t0 = std::chrono::steady_clock::now();
    run(blocks);
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, ns / static_cast<double>(blocks));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 20.0;
  const auto blocks = static_cast<uint64_t>(seconds * kRate / kBlock);
  std::vector<float> l(kBlock), r(kBlock), ol(kBlock), orr(kBlock);
  for (uint32_t i = 0; i < kBlock; ++i) l[i] = r[i] = std::sin(0.1f * static_cast<float>(i));
  const float* in[2] = {l.data(), r.data()};
  float* out[2] = {ol.data(), orr.data()};
  float sink = 0.0f;

  // Baseline: interleave, push, pop, de-interleave, as the bridge does
  // around its resampler.
  ac::SpscRing<float> ring(4096);
  std::vector<float> inter(kBlock * 2), back(kBlock * 2);
  const double copy_ns = best_ns_per_block(
      [&](uint64_t n) {
        for (uint64_t b = 0; b < n; ++b) {
          for (uint32_t i = 0; i < kBlock; ++i) {
            inter[2 * i] = in[0][i];
            inter[2 * i + 1] = in[1][i];
          }
          ring.try_push_all(inter);
          ring.pop_into(back);
          for (uint32_t i = 0; i < kBlock; ++i) {
            out[0][i] = back[2 * i];
            out[1][i] = back[2 * i + 1];
          }
          sink += out[0][kBlock - 1];
        }
      },
      blocks);

  double bridge_ns = 0.0;
  for (uint32_t hlen : {32u, 48u, 96u}) {
    ac::ClockBridgeOptions o;
    o.filter_length = hlen;
    auto bridge = ac::ClockBridge::create(o);
    if (!bridge) {
      std::fprintf(stderr, "%s\n", bridge.error().message.c_str());
      return 1;
    }
    // The reader runs 100 ppm fast, so the resampler works at a real ratio.
    double tw = 0.0, tr = 0.0;
    const double ns = best_ns_per_block(
        [&](uint64_t n) {
          for (uint64_t b = 0; b < n; ++b) {
            tw += kBlock / kRate;
            (*bridge)->write(in, kBlock, tw);
            tr += kBlock / (kRate * 1.0001);
            (*bridge)->read(out, kBlock, tr);
            sink += out[0][kBlock - 1];
          }
        },
        blocks);
    if (hlen == 48) bridge_ns = ns;
    std::printf(
        "bridge (filter length %2u): %7.0f ns per stereo 64-frame block = %.2f%% of the period; %.1fx the copy\n", hlen,
        ns, 100.0 * ns / (1e9 * kBlock / kRate), ns / copy_ns);
  }
  std::printf("copy through a FIFO:        %7.0f ns per block (baseline)\n", copy_ns);
  std::printf("ratio bridge(48) / copy: %.1f\n", bridge_ns / copy_ns);
  return sink == 12345.0f ? 1 : 0;
}
