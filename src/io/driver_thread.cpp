#include "io/driver_thread.h"

#include "core/denormals.h"
#include "core/realtime_thread.h"

namespace ac {

bool DriverThread::start(int realtime_priority, std::function<void()> loop) {
  if (running_.exchange(true)) return false;
  finished_.store(false, std::memory_order_release);
  thread_ = std::thread([this, realtime_priority, loop = std::move(loop)] {
    if (realtime_priority > 0) {
      if (std::string why = try_realtime_priority(realtime_priority); !why.empty()) {
        rt_warning_ = std::move(why);
        rt_failed_.store(true, std::memory_order_release);
      }
    }
    enable_flush_denormals();
    loop();
    finished_.store(true, std::memory_order_release);
  });
  return true;
}

void DriverThread::stop() {
  running_.store(false, std::memory_order_release);
  if (thread_.joinable()) thread_.join();
}

void DriverThread::join() {
  if (thread_.joinable()) thread_.join();
  running_.store(false, std::memory_order_release);
}

std::string DriverThread::realtime_warning() const {
  return rt_failed_.load(std::memory_order_acquire) ? rt_warning_ : std::string{};
}

}  // namespace ac
