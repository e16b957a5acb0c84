#include "graph/parallel_executor.h"

#include <sched.h>

#include <algorithm>

#include "core/audio_section.h"
#include "core/cycle_clock.h"
#include "core/futex.h"
#include "core/realtime_thread.h"

namespace ac {

uint32_t ParallelExecutor::available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return std::max(1u, std::thread::hardware_concurrency());
  return static_cast<uint32_t>(std::max(1, CPU_COUNT(&set)));
}

ParallelExecutor::ParallelExecutor(const ParallelExecutorOptions& options)
    : threads_(options.threads ? options.threads : available_cpus()),
      options_(options),
      root_cursor_(std::make_unique<RootCursor[]>(threads_)) {
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
  if (options_.realtime_priority > 0) {
    const std::string why = try_realtime_priority(options_.realtime_priority);
    if (!why.empty() && index == 1) {
      rt_warning_ = why;
      rt_failed_.store(true, std::memory_order_release);
    }
  }
  uint32_t seen = 0;  // the last block this worker looked at
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
    active_.fetch_add(1, std::memory_order_seq_cst);
    if (epoch_.load(std::memory_order_seq_cst) == now) {
      AudioSection section;
      work(now, index);
    }
    active_.fetch_sub(1, std::memory_order_seq_cst);
  }
}

void ParallelExecutor::push_ready(Plan& plan, uint32_t epoch, uint32_t step) noexcept {
  ReadySlot& r = plan.ready[tail_.fetch_add(1, std::memory_order_relaxed)];
  r.step = step;
  r.tag.store(epoch, std::memory_order_release);
}

uint32_t ParallelExecutor::claim_root(const Plan& plan, uint32_t thread) noexcept {
  const auto roots = static_cast<uint32_t>(plan.roots.size());
  for (uint32_t k = 0; k < threads_; ++k) {
    const uint32_t owner = (thread + k) % threads_;
    RootCursor& c = root_cursor_[owner];
    // Cheap check before the write: a finished share costs no cache-line steal.
    if (owner + c.next.load(std::memory_order_relaxed) * threads_ >= roots) continue;
    const uint32_t i = owner + c.next.fetch_add(1, std::memory_order_acq_rel) * threads_;
    if (i < roots) return plan.roots[i];
  }
  return UINT32_MAX;
}

uint32_t ParallelExecutor::run_chain(Plan& plan, uint32_t epoch, uint32_t s) noexcept {
  uint32_t ran = 0;
  while (s != UINT32_MAX) {
    const uint64_t t0 = cycle_now();
    run_step(plan, s, time_, frames_, host_);
    auto& ticks = plan.counters[s].ticks;
    ticks.store(ticks.load(std::memory_order_relaxed) + (cycle_now() - t0), std::memory_order_relaxed);
    ++ran;
    const PlanStep& step = plan.steps[s];
    uint32_t next = UINT32_MAX;
    for (uint32_t k = 0; k < step.successor_count; ++k) {
      const uint32_t succ = plan.successors[step.first_successor + k];
      const uint64_t target = plan.steps[succ].initial_pending * block_;
      if (plan.counters[succ].finished_inputs.fetch_add(1, std::memory_order_acq_rel) + 1 != target) continue;
      if (next == UINT32_MAX)
        next = succ;
      else
        push_ready(plan, epoch, succ);
    }
    s = next;
  }
  return ran;
}

void ParallelExecutor::work(uint32_t epoch, uint32_t thread) noexcept {
  Plan& plan = *plan_;
  const auto steps = static_cast<uint32_t>(plan.steps.size());
  // Finished steps are counted locally and handed to remaining_ only when
  // this thread runs out of work: one shared write per burst, not per step.
  uint32_t finished = 0;
  for (uint32_t root = claim_root(plan, thread); root != UINT32_MAX; root = claim_root(plan, thread)) {
    finished += run_chain(plan, epoch, root);
  }
  for (;;) {
    // Then branches from the ready list. Every ready step but one per
    // finished step is pushed there, so a claimed slot is either filled
    // soon or never (its would-be step ran as a continuation): wait for it
    // until the block is done.
    if (finished) remaining_.fetch_sub(finished, std::memory_order_acq_rel);
    finished = 0;
    const uint32_t index = head_.fetch_add(1, std::memory_order_acq_rel);
    if (index >= steps) return;
    ReadySlot& slot = plan.ready[index];
    while (slot.tag.load(std::memory_order_acquire) != epoch) {
      if (remaining_.load(std::memory_order_acquire) == 0) return;
      cpu_relax();
    }
    finished += run_chain(plan, epoch, slot.step);
  }
}

void ParallelExecutor::run(Plan& plan, SampleTime time, FrameCount frames, HostIo* host) noexcept {
  AudioSection section;
  frames = std::min(frames, plan.config.max_block);
  set_block_frames(plan, frames);
  const auto steps = static_cast<uint32_t>(plan.steps.size());
  if (steps == 0) return;
  // No worker is inside work() now (see epoch_), so this set-up is private
  // until the odd epoch is published.
  const uint32_t epoch = (epoch_.load(std::memory_order_relaxed) | 1u) + 2u;  // next odd value
  plan_ = &plan;
  time_ = time;
  frames_ = frames;
  host_ = host;
  block_ = ++plan.parallel_blocks;
  remaining_.store(steps, std::memory_order_relaxed);
  head_.store(0, std::memory_order_relaxed);
  tail_.store(0, std::memory_order_relaxed);
  for (uint32_t t = 0; t < threads_; ++t) root_cursor_[t].next.store(0, std::memory_order_relaxed);
  epoch_.store(epoch, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) futex_wake_all(epoch_);
  work(epoch, 0);
  // Done when every step is; then close the block (even epoch) so no late
  // worker enters, and wait for those inside to leave.
  while (remaining_.load(std::memory_order_acquire) != 0) cpu_relax();
  epoch_.store(epoch + 1, std::memory_order_seq_cst);
  while (active_.load(std::memory_order_seq_cst) != 0) cpu_relax();
}

}  // namespace ac
