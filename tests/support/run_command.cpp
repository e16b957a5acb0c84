#include "run_command.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>

namespace ac::test {

CommandResult run_command(const std::string& command) {
  CommandResult r;
  const std::string wrapped = "timeout 120 sh -c '" + [&] {
    std::string escaped;
    for (char c : command) escaped += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return escaped;
  }() + "' 2>&1";
  FILE* p = popen(wrapped.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace ac::test
