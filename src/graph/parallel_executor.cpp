#include "graph/parallel_executor.h"

#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "core/audio_section.h"
#include "core/cycle_clock.h"
#include "core/futex.h"
#include "core/realtime_thread.h"

namespace ac {

namespace {

// A cgroup v2 CPU quota ("200000 100000" in cpu.max: two CPUs' worth of
// time), rounded up; 0 when there is none.
uint32_t cgroup_cpu_quota() {
  std::FILE* f = std::fopen("/sys/fs/cgroup/cpu.max", "r");
  if (!f) return 0;
  char quota[32] = {};
  long long period = 0;
  const int got = std::fscanf(f, "%31s %lld", quota, &period);
  std::fclose(f);
  if (got != 2 || period <= 0 || std::string(quota) == "max") return 0;
  const long long q = std::atoll(quota);
  return q > 0 ? static_cast<uint32_t>((q + period - 1) / period) : 0;
}

}  // namespace

uint32_t ParallelExecutor::available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  uint32_t cpus = std::max(1u, std::thread::hardware_concurrency());
  if (sched_getaffinity(0, sizeof set, &set) == 0) cpus = static_cast<uint32_t>(std::max(1, CPU_COUNT(&set)));
  const uint32_t quota = cgroup_cpu_quota();
  return quota ? std::min(cpus, quota) : cpus;
}

ParallelExecutor::ParallelExecutor(const ParallelExecutorOptions& options)
    : threads_(options.threads ? options.threads : available_cpus()), options_(options) {
  for (uint32_t i = 1; i < threads_; ++i) workers_.emplace_back([this, i] { worker_main(i); });
}

ParallelExecutor::~ParallelExecutor() {
  stop_.store(true, std::memory_order_seq_cst);
  epoch_.fetch_add(2, std::memory_order_seq_cst);  // a change every sleeper sees
  futex_wake_all(epoch_);
  for (auto& w : workers_) w.join();
}

std::string ParallelExecutor::realtime_warning() const {
  return rt_failed_.load(std::memory_order_acquire) ? rt_warning_ : std::string{};
}

void ParallelExecutor::worker_main(uint32_t index) {
  int priority = 0;    // what this worker runs at (0: normal)
  bool tried = false;  // a failed change is not retried every block
  uint32_t seen = 0;   // the last block this worker looked at
  for (;;) {
    // Wait for a block that is running (odd) and new. Spin briefly (blocks
    // come back to back), then sleep until the epoch changes.
    uint32_t now = epoch_.load(std::memory_order_acquire);
    for (uint32_t i = 0; (now == seen || !(now & 1u)) && i < options_.spin_iterations; ++i) {
      if (stop_.load(std::memory_order_relaxed)) return;
      cpu_relax();
      now = epoch_.load(std::memory_order_acquire);
    }
    while (now == seen || !(now & 1u)) {
      if (stop_.load(std::memory_order_acquire)) return;
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      futex_wait(epoch_, now);
      sleepers_.fetch_sub(1, std::memory_order_seq_cst);
      now = epoch_.load(std::memory_order_acquire);
    }
    seen = now;
    if (stop_.load(std::memory_order_acquire)) return;
    if (const int want = worker_priority_.load(std::memory_order_acquire); want != priority && !tried) {
      // Once per change of the driver's priority, before this block's work.
      if (want == 0) {
        drop_realtime_priority();
        priority = 0;
      } else if (const std::string why = try_realtime_priority(want); why.empty()) {
        priority = want;
      } else {
        tried = true;
        if (index == 1) {
          rt_warning_ = why;
          rt_failed_.store(true, std::memory_order_release);
        }
      }
    }
    active_.fetch_add(1, std::memory_order_seq_cst);
    if (epoch_.load(std::memory_order_seq_cst) == now) {
      AudioSection section;
      work(index);
    }
    active_.fetch_sub(1, std::memory_order_seq_cst);
  }
}

bool ParallelExecutor::try_hold(uint32_t list) noexcept {
  ThreadList& l = plan_->run.lists[list];
  // Read first: a list someone runs or that is finished costs no write.
  if (l.held.load(std::memory_order_relaxed) != 0 || l.done_block.load(std::memory_order_acquire) == block_) {
    return false;
  }
  uint32_t expected = 0;
  return l.held.compare_exchange_strong(expected, 1, std::memory_order_acquire);
}

void ParallelExecutor::run_list(uint32_t list, uint32_t until) noexcept {
  Plan& plan = *plan_;
  ThreadList& l = plan.run.lists[list];
  const ThreadListRange range = plan.schedule.lists[list];
  // Progress stays in a register while this thread holds the list; the
  // next holder reads it after taking `held`, which the release publishes.
  uint32_t at = range.begin + l.progress;
  // One timestamp per step, chained (as in the serial executor); the chain
  // restarts after a wait so waiting is not charged to a node.
  uint64_t t0 = cycle_now();
  while (at < range.end) {
    const uint32_t s = plan.schedule.list_steps[at];
    const PlanStep& step = plan.steps[s];
    if (step.cross_pred_count) {
      for (uint32_t k = 0; k < step.cross_pred_count; ++k)
        wait_for(plan.schedule.cross_preds[step.first_cross_pred + k]);
      t0 = cycle_now();
    }
    run_step(plan, s, time_, frames_, host_);
    const uint64_t t1 = cycle_now();
    account_step(plan, s, t1 - t0, frames_);
    t0 = t1;
    if (step.read_across) plan.run.counters[s].done_block.store(block_, std::memory_order_release);
    ++at;
    if (s == until) break;
  }
  l.progress = at - range.begin;
  if (at == range.end) l.done_block.store(block_, std::memory_order_release);
}

void ParallelExecutor::wait_for(uint32_t p) noexcept {
  Plan& plan = *plan_;
  const auto& done = plan.run.counters[p].done_block;
  while (done.load(std::memory_order_acquire) != block_) {
    const uint32_t list = plan.schedule.step_list[p];
    if (try_hold(list)) {
      run_list(list, p);
      plan.run.lists[list].held.store(0, std::memory_order_release);
    } else {
      cpu_relax();
    }
  }
}

void ParallelExecutor::work(uint32_t thread) noexcept {
  const uint32_t lists = plan_->schedule.threads;
  for (uint32_t k = 0; k < lists; ++k) {
    const uint32_t list = (thread + k) % lists;
    if (!try_hold(list)) continue;
    run_list(list, UINT32_MAX);
    plan_->run.lists[list].held.store(0, std::memory_order_release);
  }
}

void ParallelExecutor::run(Plan& plan, SampleTime time, FrameCount frames, HostIo* host) noexcept {
  if (plan.schedule.threads != threads_) {
    // Not compiled for this pool: still correct, one thread.
    run_block(plan, time, frames, host);
    return;
  }
  AudioSection section;
  if (!driver_seen_) {
    // Once, at the first block: one non-blocking system call. Workers pick
    // the priority up before their next block's work.
    driver_seen_ = true;
    worker_priority_.store(std::min(current_realtime_priority(), std::max(options_.realtime_priority, 0)),
                           std::memory_order_release);
  }
  const uint64_t start = cycle_now();
  frames = std::min(frames, plan.config.max_block);
  set_block_frames(plan, frames);
  // No worker is inside work() now (see epoch_), so this set-up is private
  // until the odd epoch is published.
  const uint32_t epoch = (epoch_.load(std::memory_order_relaxed) | 1u) + 2u;  // next odd value
  plan_ = &plan;
  time_ = time;
  frames_ = frames;
  host_ = host;
  block_ = ++plan.run.parallel_blocks;
  for (uint32_t t = 0; t < threads_; ++t) plan.run.lists[t].progress = 0;
  epoch_.store(epoch, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) futex_wake_all(epoch_);
  work(0);
  // Every list was taken by someone; wait for the ones still running, then
  // close the block (even epoch) so no late worker enters, and wait for
  // those inside to leave.
  for (uint32_t t = 0; t < threads_; ++t) {
    while (plan.run.lists[t].done_block.load(std::memory_order_acquire) != block_) cpu_relax();
  }
  epoch_.store(epoch + 1, std::memory_order_seq_cst);
  while (active_.load(std::memory_order_seq_cst) != 0) cpu_relax();
  finish_block(plan, cycle_now() - start, frames);
}

}  // namespace ac
