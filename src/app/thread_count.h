#pragma once
// `--threads` for `render` and `run`: a number or `auto` (the CPUs this
// process may run on: its affinity mask and its cgroup's CPU quota). More
// threads than CPUs only take turns on them (1000 on 2 CPUs ran 170x
// slower), so a larger number is clamped, with a warning; 0 is an error.
#include <cstdint>
#include <string>

#include "core/expected.h"

namespace ac {

struct ThreadCount {
  uint32_t threads = 1;
  std::string warning;  // "" unless the request was clamped
};

// [control] `text` as given ("" = `fallback`); `cpus` those available.
Expected<ThreadCount> parse_thread_count(const std::string& text, uint32_t cpus, uint32_t fallback);

}  // namespace ac
