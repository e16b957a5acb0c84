#pragma once
// Orders a graph's nodes for execution. Pure functions of the connection
// structure, tested without any DSP.
#include <cstdint>
#include <vector>

namespace ac {

struct TopologyEdge {
  uint32_t from = 0;
  uint32_t to = 0;
};

// Strongly connected components (Tarjan), each listed in discovery order;
// components come out in reverse topological order.
std::vector<std::vector<uint32_t>> strongly_connected(uint32_t vertex_count, const std::vector<TopologyEdge>& edges);

// A deterministic topological order (Kahn's algorithm taking the lowest ready
// index first), or empty when the graph has a cycle.
std::vector<uint32_t> topological_order(uint32_t vertex_count, const std::vector<TopologyEdge>& edges);

// One cycle through the given component, as a vertex list starting at its
// lowest vertex (for error messages).
std::vector<uint32_t> find_cycle(const std::vector<uint32_t>& component, const std::vector<TopologyEdge>& edges);

}  // namespace ac
