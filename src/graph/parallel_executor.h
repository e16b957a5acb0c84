#pragma once
// The parallel executor: a pool of worker threads runs a Plan that was
// compiled for it (CompileOptions::threads == threads()). The compiler's
// static schedule gives each thread an ordered list of steps; a thread
// waits only for inputs produced on another thread (one flag per such
// step), so chains and independent work run without any shared write per
// step. Output is bit-identical to the serial executor: every node computes
// from the same inputs, and each input's mixing order is fixed by the Plan.
//
// Nobody waits on a thread that is late: a thread that needs a step from
// another list takes that list (if no one runs it) and runs it up to that
// step, and the driver finishes any list not taken. All waits are for
// steps earlier in one topological order, so this cannot deadlock.
// Between blocks workers spin briefly, then sleep on a futex; the driver
// wakes them with one syscall only if some are asleep.
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "graph/executor.h"

namespace ac {

struct ParallelExecutorOptions {
  uint32_t threads = 0;  // total, the caller's included; 0 = the CPUs this process may use
  // Workers follow the thread that calls run() (the driver's): SCHED_FIFO
  // at its priority, capped here, when it runs real-time; normal priority
  // when it does not. A worker above the driver could take the driver's
  // core and spin there while the driver, preempted, owes it a step
  // (measured: 2 threads slower than one). 0 = workers never real-time.
  int realtime_priority = 0;
  uint32_t spin_iterations = 20000;  // ~50-100 us of spinning before sleeping
};

class ParallelExecutor final : public Executor {
 public:
  // [control] Starts threads - 1 workers.
  explicit ParallelExecutor(const ParallelExecutorOptions& options = {});
  ~ParallelExecutor() override;
  ParallelExecutor(const ParallelExecutor&) = delete;
  ParallelExecutor& operator=(const ParallelExecutor&) = delete;

  // [audio] Runs one block on the pool. `plan` must be parallel-safe.
  void run(Plan& plan, SampleTime time, FrameCount frames, HostIo* host) noexcept override;
  uint32_t threads() const override { return threads_; }

  // [control] Why workers could not follow the driver to real-time
  // priority ("" if they did or had no need to). Read after the first block.
  std::string realtime_warning() const;

  // [any] The number of CPUs this process may run on (its affinity mask and
  // its cgroup CPU quota).
  static uint32_t available_cpus();

 private:
  void worker_main(uint32_t index);
  // Runs lists, own first, until every list of the block is taken.
  void work(uint32_t thread) noexcept;
  // With `list` held: runs its steps in order until `until` is done (or to
  // the end when until == UINT32_MAX).
  void run_list(uint32_t list, uint32_t until) noexcept;
  // Waits until step `p` (another thread's) is done, helping if its list
  // is idle.
  void wait_for(uint32_t p) noexcept;
  bool try_hold(uint32_t list) noexcept;

  const uint32_t threads_;
  const ParallelExecutorOptions options_;
  std::vector<std::thread> workers_;

  // The current block, published by the release store of an odd epoch_.
  // epoch_ is odd while a block runs and even between blocks; a worker
  // works only after announcing itself in active_ and then seeing the odd
  // epoch it woke for, so nobody is inside work() while run() sets up the
  // next block, and run() returns only once active_ is back to zero.
  Plan* plan_ = nullptr;
  SampleTime time_{};
  FrameCount frames_ = 0;
  HostIo* host_ = nullptr;
  uint64_t block_ = 0;  // the Plan's parallel block number: the value of done flags
  alignas(64) std::atomic<uint32_t> epoch_{0};
  alignas(64) std::atomic<uint32_t> sleepers_{0};
  alignas(64) std::atomic<uint32_t> active_{0};  // workers inside work()
  std::atomic<bool> stop_{false};
  std::atomic<bool> rt_failed_{false};
  std::string rt_warning_;  // written by worker 1 before rt_failed_ is set
  // The workers' priority (0: normal), from the driver's at its first block.
  std::atomic<int> worker_priority_{0};
  bool driver_seen_ = false;  // the driver's priority was read (driver only)
};

}  // namespace ac
