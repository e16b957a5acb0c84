#include "app/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace ac {

ProgressBar::ProgressBar(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO)) {}

void ProgressBar::update(int64_t done, int64_t total, double sample_rate) {
  if (!enabled_ || total <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total && now - last_ < std::chrono::milliseconds(50)) return;
  last_ = now;
  constexpr int kWidth = 40;
  const double f = static_cast<double>(done) / static_cast<double>(total);
  const int filled = static_cast<int>(f * kWidth);
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
  bar[kWidth] = 0;
  std::fprintf(stderr, "\r[%s] %3d%%  %.1f / %.1f s", bar, static_cast<int>(f * 100.0),
               static_cast<double>(done) / sample_rate, static_cast<double>(total) / sample_rate);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r%*s\r", 70, "");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace ac
