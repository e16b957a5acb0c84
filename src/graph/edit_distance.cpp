#include "graph/edit_distance.h"

#include <algorithm>

namespace ac {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = SIZE_MAX;
  for (const auto& c : candidates) {
    const size_t d = edit_distance(name, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  const size_t longer = std::max(name.size(), best.size());
  const size_t limit = std::clamp<size_t>(longer / 3, 1, 3);
  if (best_d <= limit) return best;
  // A shortened or lengthened name ("freq" for "frequency", "output" for
  // "out") is a likely mistake even when many letters differ.
  std::string prefix_match;
  for (const auto& c : candidates) {
    const bool related = name.size() >= 2 && c.size() >= 2 &&
                         (c.compare(0, name.size(), name) == 0 || name.compare(0, c.size(), c) == 0);
    if (related && (prefix_match.empty() || c.size() < prefix_match.size())) prefix_match = c;
  }
  return prefix_match;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string c = closest_name(name, candidates);
  return c.empty() ? std::string{} : ", did you mean '" + c + "'?";
}

}  // namespace ac
