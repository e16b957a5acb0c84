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
    : threads_(options.threads ? options.threads : available_cpus()), options_(options) {
  for (uint32_t i = 1; i < threads_; ++i) workers_.emplace_back([this, i] { worker_main(i); });
}

ParallelExecutor::~ParallelExecutor() {
  stop_.store(true, std::memory_order_release);
  epoch_.fetch_add(1, std::memory_order_acq_rel);
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
  // The epoch when the pool was made, not when this thread got going: a
  // pool destroyed before its threads ran has already moved past it.
  uint32_t seen = 0;
  for (;;) {
    // Spin briefly (blocks come back to back), then sleep until woken.
    uint32_t now = epoch_.load(std::memory_order_acquire);
    for (uint32_t i = 0; now == seen && i < options_.spin_iterations; ++i) {
      cpu_relax();
      now = epoch_.load(std::memory_order_acquire);
    }
    while (now == seen) {
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      futex_wait(epoch_, seen);
      sleepers_.fetch_sub(1, std::memory_order_seq_cst);
      now = epoch_.load(std::memory_order_acquire);
    }
    seen = now;
    if (stop_.load(std::memory_order_acquire)) return;
    // Announce, then re-check: if the block already finished, run() may
    // have returned and its Plan may be gone, so touch nothing.
    active_.fetch_add(1, std::memory_order_seq_cst);
    if (epoch_.load(std::memory_order_seq_cst) == now && remaining_.load(std::memory_order_seq_cst) != 0) {
      AudioSection section;
      work(now);
    }
    active_.fetch_sub(1, std::memory_order_seq_cst);
  }
}

void ParallelExecutor::push_ready(uint32_t epoch, uint32_t step) noexcept {
  const uint32_t slot = tail_.fetch_add(1, std::memory_order_relaxed);
  ReadySlot& r = plan_.load(std::memory_order_relaxed)->ready[slot];
  r.step = step;
  r.tag.store(epoch, std::memory_order_release);
}

void ParallelExecutor::work(uint32_t epoch) noexcept {
  Plan& plan = *plan_.load(std::memory_order_acquire);
  const uint32_t steps = static_cast<uint32_t>(plan.steps.size());
  for (;;) {
    if (remaining_.load(std::memory_order_acquire) == 0) return;
    uint64_t head = head_.load(std::memory_order_acquire);
    // A worker late for its block sees another epoch in head and leaves: it
    // can never take a step of the next block with this block's view.
    if (static_cast<uint32_t>(head >> 32) != epoch) return;
    const auto index = static_cast<uint32_t>(head);
    if (index >= steps || plan.ready[index].tag.load(std::memory_order_acquire) != epoch) {
      cpu_relax();  // nothing ready yet: another thread's step will release some
      continue;
    }
    if (!head_.compare_exchange_weak(head, head + 1, std::memory_order_acq_rel)) continue;
    const uint32_t s = plan.ready[index].step;
    const uint64_t t0 = cycle_now();
    run_step(plan, s, time_, frames_, host_);
    auto& ticks = plan.step_ticks[s];
    ticks.store(ticks.load(std::memory_order_relaxed) + (cycle_now() - t0), std::memory_order_relaxed);
    const PlanStep& step = plan.steps[s];
    for (uint32_t k = 0; k < step.successor_count; ++k) {
      const uint32_t next = plan.successors[step.first_successor + k];
      if (plan.pending[next].fetch_sub(1, std::memory_order_acq_rel) == 1) push_ready(epoch, next);
    }
    remaining_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void ParallelExecutor::run(Plan& plan, SampleTime time, FrameCount frames, HostIo* host) noexcept {
  AudioSection section;
  frames = std::min(frames, plan.config.max_block);
  set_block_frames(plan, frames);
  const auto steps = static_cast<uint32_t>(plan.steps.size());
  if (steps == 0) return;
  // Everything below is published to the workers by the epoch store; no
  // worker touches it until then (the previous block finished completely).
  uint32_t epoch = epoch_.load(std::memory_order_relaxed) + 1;
  if (epoch == 0) epoch = 1;  // 0 is the tag of never-filled slots
  plan_.store(&plan, std::memory_order_relaxed);
  time_ = time;
  frames_ = frames;
  host_ = host;
  for (uint32_t s = 0; s < steps; ++s) plan.pending[s].store(plan.steps[s].initial_pending, std::memory_order_relaxed);
  remaining_.store(steps, std::memory_order_relaxed);
  tail_.store(0, std::memory_order_relaxed);
  head_.store(static_cast<uint64_t>(epoch) << 32, std::memory_order_relaxed);
  for (uint32_t s = 0; s < steps; ++s) {
    if (plan.steps[s].initial_pending == 0) push_ready(epoch, s);
  }
  epoch_.store(epoch, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) futex_wake_all(epoch_);
  work(epoch);
  // The block is done when every step is, and the Plan is ours again once
  // no worker is inside work() (a worker there with nothing left leaves at
  // once; one preempted there is waited for).
  while (remaining_.load(std::memory_order_acquire) != 0) cpu_relax();
  while (active_.load(std::memory_order_seq_cst) != 0) cpu_relax();
}

}  // namespace ac
