#pragma once
// A process started by a test and always ended by it (SIGKILL to its whole
// process group on destruction), with a bounded wait.
#include <sys/types.h>

#include <optional>
#include <string>

namespace ac::test {

class ChildProcess {
 public:
  // [control] Runs `command` under /bin/sh in its own process group, output
  // to `log_path`.
  ChildProcess(const std::string& command, const std::string& log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Exit status if it ended within `seconds` (-1: killed by a signal).
  std::optional<int> wait_for_exit(double seconds);
  void signal(int sig);
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

}  // namespace ac::test
