#pragma once
// Reads what an `event_log` node wrote: one (sample time, first UMP word)
// per line, comment lines skipped.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace ac::test {

struct LogLine {
  int64_t time = 0;
  uint32_t word = 0;
  bool operator==(const LogLine&) const = default;
};

std::ostream& operator<<(std::ostream& os, const LogLine& l);

std::vector<LogLine> read_event_log(const std::string& path);

}  // namespace ac::test
