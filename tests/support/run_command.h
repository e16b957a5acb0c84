#pragma once
// Runs a shell command for CLI tests, capturing its output and exit code.
#include <string>

namespace ac::test {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// [control] Runs `command` under /bin/sh with a 120 s watchdog (timeout(1)).
CommandResult run_command(const std::string& command);

}  // namespace ac::test
