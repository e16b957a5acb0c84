#pragma once
// A one-line progress bar for long renders, drawn on stderr only when it is
// a terminal (logs stay clean).
#include <chrono>
#include <cstdint>

namespace ac {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  // [control] Redraws at most ~20 times a second.
  void update(int64_t done, int64_t total, double sample_rate);
  // [control] Clears the line.
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace ac
