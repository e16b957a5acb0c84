#include "graph/static_schedule.h"

#include <algorithm>
#include <numeric>

namespace ac {
namespace {

// Waiting for a value from another core costs a cache-line transfer or
// two; priced here at a quarter of a typical step.
constexpr double kCrossThreadPenalty = 0.25;

// A contiguous schedule is kept when its simulated length is within this
// much of the greedy one's: the model does not see what contiguity saves.
// Measured on the wide graph (64 chains of 8 biquads, 2 threads): with the
// chains alternating between threads, each thread's nodes share pages with
// the other's and every step ran ~10 % slower than with the same work split
// into two halves of the order.
constexpr double kContiguityAllowance = 0.10;

// Above this many steps, cut positions are tried on a coarse grid first,
// then refined around the best: compile time stays near-linear.
constexpr uint32_t kCutCandidates = 256;

// The time step `s` can start on thread `t`: when `t` is free and every
// input is done (plus the penalty for an input made on another thread).
double start_on(uint32_t s, uint32_t t, const std::vector<std::vector<uint32_t>>& preds,
                const std::vector<uint32_t>& thread_of, const std::vector<double>& finish,
                const std::vector<double>& free_at) {
  double start = free_at[t];
  for (uint32_t p : preds[s]) start = std::max(start, finish[p] + (thread_of[p] == t ? 0.0 : kCrossThreadPenalty));
  return start;
}

// When every step would be done if each thread ran its steps in the given
// order, waiting for inputs from other threads (plus the penalty).
double simulate(const std::vector<std::vector<uint32_t>>& preds, const std::vector<double>& cost,
                const std::vector<uint32_t>& thread_of, uint32_t threads, std::vector<double>& finish) {
  std::vector<double> free_at(threads, 0.0);
  double end = 0.0;
  for (uint32_t s = 0; s < preds.size(); ++s) {
    const uint32_t t = thread_of[s];
    finish[s] = start_on(s, t, preds, thread_of, finish, free_at) + cost[s];
    free_at[t] = finish[s];
    end = std::max(end, finish[s]);
  }
  return end;
}

// Graham's list scheduling: each step, in order, to the thread where it can
// start first. Spreads independent work evenly, interleaved.
std::vector<uint32_t> greedy(const std::vector<std::vector<uint32_t>>& preds, const std::vector<double>& cost,
                             uint32_t threads) {
  const auto steps = static_cast<uint32_t>(preds.size());
  std::vector<uint32_t> thread_of(steps, 0);
  std::vector<double> finish(steps, 0.0), free_at(threads, 0.0);
  for (uint32_t s = 0; s < steps; ++s) {
    // Ties go to the lowest thread: deterministic, and the driver (thread
    // 0) is always awake.
    uint32_t best = 0;
    double best_start = start_on(s, 0, preds, thread_of, finish, free_at);
    for (uint32_t t = 1; t < threads; ++t) {
      const double start = start_on(s, t, preds, thread_of, finish, free_at);
      if (start < best_start) {
        best = t;
        best_start = start;
      }
    }
    thread_of[s] = best;
    finish[s] = best_start + cost[s];
    free_at[best] = finish[s];
  }
  return thread_of;
}

void assign_ranges(const std::vector<uint32_t>& cuts, std::vector<uint32_t>& thread_of) {
  uint32_t t = 0;
  for (uint32_t s = 0; s < thread_of.size(); ++s) {
    while (t < cuts.size() && s >= cuts[t]) ++t;
    thread_of[s] = t;
  }
}

// The order cut into `threads` ranges, thread t running range t. Cuts start
// at equal shares of the cost and move to where the simulated length is
// shortest (a chain is best cut at its end, not in its middle).
std::vector<uint32_t> contiguous(const std::vector<std::vector<uint32_t>>& preds, const std::vector<double>& cost,
                                 uint32_t threads) {
  const auto steps = static_cast<uint32_t>(preds.size());
  std::vector<uint32_t> thread_of(steps, 0), cuts(threads - 1);  // cuts[t]: first step of thread t + 1
  const double total = std::accumulate(cost.begin(), cost.end(), 0.0);
  {
    double sum = 0.0;
    uint32_t s = 0;
    for (uint32_t t = 0; t + 1 < threads; ++t) {
      const double share = total * (t + 1) / threads;
      while (s < steps && sum + cost[s] / 2 < share) sum += cost[s++];
      cuts[t] = s;
    }
  }
  std::vector<double> finish(steps, 0.0);
  assign_ranges(cuts, thread_of);
  double best = simulate(preds, cost, thread_of, threads, finish);
  auto try_cut = [&](uint32_t t, uint32_t at) {
    const uint32_t old = cuts[t];
    cuts[t] = at;
    assign_ranges(cuts, thread_of);
    const double len = simulate(preds, cost, thread_of, threads, finish);
    if (len < best) {
      best = len;
      return true;
    }
    cuts[t] = old;
    return false;
  };
  for (int pass = 0; pass < 2; ++pass) {
    for (uint32_t t = 0; t + 1 < threads; ++t) {
      const uint32_t lo = t == 0 ? 0 : cuts[t - 1];
      const uint32_t hi = t + 2 < threads ? cuts[t + 1] : steps;
      if (hi <= lo) continue;
      const uint32_t stride = std::max(1u, (hi - lo) / kCutCandidates);
      for (uint32_t at = lo; at <= hi; at += stride) try_cut(t, at);
      const uint32_t centre = cuts[t];
      const uint32_t from = centre > lo + stride ? centre - stride : lo;
      const uint32_t to = std::min(hi, centre + stride);
      for (uint32_t at = from; at <= to; ++at) try_cut(t, at);
    }
  }
  assign_ranges(cuts, thread_of);
  return thread_of;
}

}  // namespace

StaticSchedule make_static_schedule(const std::vector<std::vector<uint32_t>>& preds, const std::vector<double>& cost,
                                    uint32_t threads) {
  const auto steps = static_cast<uint32_t>(preds.size());
  StaticSchedule out;
  out.lists.resize(threads);
  if (threads <= 1 || steps == 0) {
    out.thread_of.assign(steps, 0);
    for (uint32_t s = 0; s < steps; ++s) out.lists[0].push_back(s);
    return out;
  }
  std::vector<double> finish(steps, 0.0);
  std::vector<uint32_t> interleaved = greedy(preds, cost, threads);
  std::vector<uint32_t> ranges = contiguous(preds, cost, threads);
  const double interleaved_len = simulate(preds, cost, interleaved, threads, finish);
  const double ranges_len = simulate(preds, cost, ranges, threads, finish);
  out.thread_of =
      ranges_len <= interleaved_len * (1.0 + kContiguityAllowance) ? std::move(ranges) : std::move(interleaved);
  for (uint32_t s = 0; s < steps; ++s) out.lists[out.thread_of[s]].push_back(s);
  return out;
}

}  // namespace ac
