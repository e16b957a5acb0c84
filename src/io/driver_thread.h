#pragma once
// The thread of a driver that runs its own loop (the dummy, ALSA and
// offline drivers): started on the control thread, it asks for real-time
// scheduling (noting why not when refused), flushes denormals, and runs the
// loop until the loop returns or stop() is asked; then it is finished.
// JACK's driver has none: JACK's process thread is the library's.
#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace ac {

class DriverThread {
 public:
  DriverThread() = default;
  ~DriverThread() { stop(); }
  DriverThread(const DriverThread&) = delete;
  DriverThread& operator=(const DriverThread&) = delete;

  // [control] Runs `loop` on a new thread at SCHED_FIFO `realtime_priority`
  // (0: normal priority, not asked). False if it was already started.
  bool start(int realtime_priority, std::function<void()> loop);
  // [control] Asks the loop to end (running() turns false) and joins it;
  // idempotent.
  void stop();
  // [control] Waits for the loop to end by itself, then joins it.
  void join();
  // [driver thread] Whether the loop should go on.
  bool running() const { return running_.load(std::memory_order_acquire); }
  // [any] True once the loop has returned.
  bool finished() const { return finished_.load(std::memory_order_acquire); }
  // [any] Why real-time scheduling was refused ("" if granted or not asked).
  std::string realtime_warning() const;

 private:
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> finished_{false};
  std::atomic<bool> rt_failed_{false};
  std::string rt_warning_;  // written before rt_failed_ is set
};

}  // namespace ac
