#pragma once
// Runs a graph under the real-time guard: compiles and activates it on the
// control thread, then runs blocks (odd-sized ones too, so events and ramps
// cut blocks everywhere) with the guard armed, and returns what it saw.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/node_registry.h"
#include "rt_guard.h"

namespace ac::test {

// What the graph did while guarded, beyond the guard's own findings: a run
// that allocates nothing because every node faulted proves nothing.
struct GuardedOutcome {
  std::vector<std::string> faults;  // "id: why", per node that stopped working
  float output_peak = 0.0f;         // largest |sample| the host output received
};

RtViolations run_guarded(const std::string& yaml, const NodeRegistry& registry, int blocks, uint32_t block_size = 64,
                         GuardedOutcome* outcome = nullptr);

// Fails the test for every type in `registry` (except `skip`) whose name
// does not appear as `type: NAME` in `yaml`.
void expect_all_types_covered(const std::string& yaml, const NodeRegistry& registry,
                              const std::vector<std::string>& skip = {});

}  // namespace ac::test
