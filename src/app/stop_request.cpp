#include "app/stop_request.h"

#include <atomic>
#include <csignal>

namespace ac {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
void on_signal(int signal) {
  g_signal.store(signal);
  request_stop();
}

}  // namespace

void install_stop_signals() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

void request_stop() noexcept {
  g_stop.store(true);
}

bool stop_requested() noexcept {
  return g_stop.load();
}

int stop_signal() noexcept {
  return g_signal.load();
}

}  // namespace ac
