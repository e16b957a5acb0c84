#include "event_log_reader.h"

#include <fstream>
#include <sstream>

namespace ac::test {

std::ostream& operator<<(std::ostream& os, const LogLine& l) {
  return os << l.time << " " << std::hex << l.word << std::dec;
}

std::vector<LogLine> read_event_log(const std::string& path) {
  std::ifstream in(path);
  std::vector<LogLine> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    LogLine l;
    s >> l.time >> std::hex >> l.word;
    out.push_back(l);
  }
  return out;
}

}  // namespace ac::test
