#include "core/realtime_thread.h"

#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace ac {

std::string try_realtime_priority(int priority) {
  sched_param p{};
  p.sched_priority = priority;
  int err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);
  if (err == 0) return "";
  // Without CAP_SYS_NICE, RLIMIT_RTPRIO caps the priority a user may take
  // (the audio group's limits.d entry, as jackd2 sets it up): take the
  // highest allowed rather than none.
  rlimit limit{};
  if (err == EPERM && getrlimit(RLIMIT_RTPRIO, &limit) == 0 && limit.rlim_cur > 0 &&
      limit.rlim_cur < static_cast<rlim_t>(priority)) {
    p.sched_priority = static_cast<int>(limit.rlim_cur);
    err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);
    if (err == 0) return "";
  }
  return std::string("real-time scheduling (SCHED_FIFO priority ") + std::to_string(priority) +
         ") was refused: " + std::strerror(err) +
         "; as an ordinary user, join the audio group and give it an rtprio and memlock limit in "
         "/etc/security/limits.d (docs/security.md, \"Real-time rights\")";
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
