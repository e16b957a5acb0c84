#pragma once
// Band-limited wavetables for the saw and square oscillators. One table per
// harmonic count; an oscillator at frequency f plays the table with the most
// harmonics that all stay below Nyquist, so nothing it plays can alias
// except the interpolation error (below -90 dB for the upper tables). This
// is "better than PolyBLEP": PolyBLEP still aliases by tens of dB at high
// pitches.
#include <cstdint>
#include <vector>

namespace ac {

enum class Waveform : uint8_t { saw, square };

class WavetableBank {
 public:
  static constexpr uint32_t kTableSize = 4096;  // samples per cycle
  static constexpr uint32_t kMaxHarmonics = 1024;

  // [control] The shared bank for a waveform, built once (IFFT per table,
  // ~10 ms) on first use. Thread-safe.
  static const WavetableBank& get(Waveform w);

  // [any] The table (kTableSize + 1 samples, the last repeating the first)
  // for a tone of `harmonic_limit` harmonics at most.
  const float* table_for(uint32_t harmonic_limit) const noexcept {
    const uint32_t h = harmonic_limit >= kMaxHarmonics ? kMaxHarmonics : harmonic_limit;
    return tables_[index_of_limit_[h]].data();
  }

 private:
  explicit WavetableBank(Waveform w);
  std::vector<uint32_t> counts_;
  std::vector<std::vector<float>> tables_;
  std::vector<uint16_t> index_of_limit_;  // harmonic limit -> table index
};

}  // namespace ac
