#pragma once
// Real-time scheduling and memory locking, where the system permits them.
// Both fail without privileges (CAP_SYS_NICE / RLIMIT_RTPRIO, RLIMIT_MEMLOCK);
// callers report that once and carry on at normal priority.
#include <string>

namespace ac {

// [control, on the thread itself] SCHED_FIFO at `priority` (1..99) for the
// calling thread. Returns "" on success, else why not.
std::string try_realtime_priority(int priority);

// [any, about the calling thread] Its SCHED_FIFO or SCHED_RR priority; 0
// when it runs at normal priority. One non-blocking system call.
int current_realtime_priority() noexcept;

// [on the thread itself] Back to normal (SCHED_OTHER) priority.
void drop_realtime_priority() noexcept;

// [control] mlockall(current and future). Returns "" on success, else why not.
std::string try_lock_memory();

}  // namespace ac
