#include "core/realtime_thread.h"

#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstring>

namespace ac {

std::string try_realtime_priority(int priority) {
  sched_param p{};
  p.sched_priority = priority;
  const int err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);
  if (err == 0) return "";
  return std::string("cannot use SCHED_FIFO priority ") + std::to_string(priority) + ": " + std::strerror(err) +
         " (grant CAP_SYS_NICE or an rtprio limit, e.g. in /etc/security/limits.d)";
}

int current_realtime_priority() noexcept {
  int policy = 0;
  sched_param p{};
  if (pthread_getschedparam(pthread_self(), &policy, &p) != 0) return 0;
  return policy == SCHED_FIFO || policy == SCHED_RR ? p.sched_priority : 0;
}

void drop_realtime_priority() noexcept {
  sched_param p{};
  p.sched_priority = 0;
  pthread_setschedparam(pthread_self(), SCHED_OTHER, &p);
}

std::string try_lock_memory() {
  if (mlockall(MCL_CURRENT | MCL_FUTURE) == 0) return "";
  return std::string("cannot lock memory: ") + std::strerror(errno) + " (raise RLIMIT_MEMLOCK)";
}

}  // namespace ac
