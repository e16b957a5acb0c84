// `audiocloud patch --control PATH PATCH`: sends one patch to the control
// socket of `audiocloud run --control PATH` and prints the answer. Exit 0
// when the running graph applied it, 1 otherwise.
#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "app/control_socket.h"

namespace ac {

int run_patch(const std::string& control, const std::string& patch) {
  if (patch.find('\n') != std::string::npos) {
    std::cerr << "error: a patch is one line (YAML flow style or JSON)\n";
    return 1;
  }
  auto answer = send_control_line(control, patch);
  if (!answer) {
    std::cerr << "error: " << answer.error().message << "\n";
    return 1;
  }
  std::printf("%s\n", answer->c_str());
  return *answer == "applied" ? 0 : 1;
}

}  // namespace ac
