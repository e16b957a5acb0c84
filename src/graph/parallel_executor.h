#pragma once
// The parallel executor: a pool of worker threads runs a Plan by dependency
// counters. A step becomes ready when every step it reads has finished; the
// calling (driver) thread takes part. Output is bit-identical to the serial
// executor: every node computes from the same inputs, and each input's
// mixing order is fixed by the Plan. Requires a Plan compiled with
// CompileOptions::parallel (buffers reused only along dependencies).
//
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
  uint32_t threads = 0;              // total, the caller's included; 0 = the CPUs this process may use
  int realtime_priority = 0;         // SCHED_FIFO priority for workers; 0 = leave them at normal priority
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

  // [control] Why workers could not get real-time priority ("" if they did
  // or it was not asked for). Read after the first block.
  std::string realtime_warning() const;

  // [any] The number of CPUs this process may run on (its affinity mask).
  static uint32_t available_cpus();

 private:
  void worker_main(uint32_t index);
  // Runs ready steps of block `epoch` (odd) until none is left to claim.
  void work(uint32_t epoch, uint32_t thread) noexcept;
  // Runs `s` and then, along continuations, the successor each finished
  // step makes ready first; pushes the others. Returns steps run.
  uint32_t run_chain(Plan& plan, uint32_t epoch, uint32_t s) noexcept;
  // The next root for `thread`: its own share first, then others'.
  uint32_t claim_root(const Plan& plan, uint32_t thread) noexcept;
  void push_ready(Plan& plan, uint32_t epoch, uint32_t step) noexcept;

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
  alignas(64) std::atomic<uint32_t> epoch_{0};
  uint64_t block_ = 0;  // the Plan's parallel block number, for ready targets
  // Root steps are shared out by index: thread t takes roots t, t+T, ...
  // (the same each block, so chains stay on one core), from its own cursor;
  // a thread with none left steals from the others' cursors.
  struct alignas(64) RootCursor {
    std::atomic<uint32_t> next{0};
  };
  std::unique_ptr<RootCursor[]> root_cursor_;
  alignas(64) std::atomic<uint32_t> head_{0};       // next ready slot to claim
  alignas(64) std::atomic<uint32_t> tail_{0};       // next ready slot to fill
  alignas(64) std::atomic<uint32_t> remaining_{0};  // steps of this block not finished
  alignas(64) std::atomic<uint32_t> sleepers_{0};
  alignas(64) std::atomic<uint32_t> active_{0};  // workers inside work()
  std::atomic<bool> stop_{false};
  std::atomic<bool> rt_failed_{false};
  std::string rt_warning_;  // written by worker 1 before rt_failed_ is set
};

}  // namespace ac
