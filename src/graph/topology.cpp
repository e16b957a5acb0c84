#include "graph/topology.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <set>

namespace ac {

std::vector<std::vector<uint32_t>> strongly_connected(uint32_t n, const std::vector<TopologyEdge>& edges) {
  std::vector<std::vector<uint32_t>> adj(n);
  for (const auto& e : edges) adj[e.from].push_back(e.to);
  std::vector<int64_t> index(n, -1), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<uint32_t> stack;
  std::vector<std::vector<uint32_t>> out;
  int64_t next = 0;
  // Iterative Tarjan: graphs of thousands of nodes must not overflow the stack.
  struct Frame {
    uint32_t v;
    size_t child;
  };
  for (uint32_t root = 0; root < n; ++root) {
    if (index[root] >= 0) continue;
    std::vector<Frame> frames{{root, 0}};
    index[root] = low[root] = next++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!frames.empty()) {
      Frame& f = frames.back();
      if (f.child < adj[f.v].size()) {
        const uint32_t w = adj[f.v][f.child++];
        if (index[w] < 0) {
          index[w] = low[w] = next++;
          stack.push_back(w);
          on_stack[w] = true;
          frames.push_back({w, 0});
        } else if (on_stack[w]) {
          low[f.v] = std::min(low[f.v], index[w]);
        }
        continue;
      }
      const uint32_t v = f.v;
      frames.pop_back();
      if (!frames.empty()) low[frames.back().v] = std::min(low[frames.back().v], low[v]);
      if (low[v] == index[v]) {
        std::vector<uint32_t> comp;
        uint32_t w = 0;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          comp.push_back(w);
        } while (w != v);
        out.push_back(std::move(comp));
      }
    }
  }
  return out;
}

std::vector<uint32_t> topological_order(uint32_t n, const std::vector<TopologyEdge>& edges) {
  std::vector<std::vector<uint32_t>> adj(n);
  std::vector<uint32_t> indegree(n, 0);
  for (const auto& e : edges) {
    adj[e.from].push_back(e.to);
    ++indegree[e.to];
  }
  std::priority_queue<uint32_t, std::vector<uint32_t>, std::greater<>> ready;
  for (uint32_t v = 0; v < n; ++v) {
    if (indegree[v] == 0) ready.push(v);
  }
  std::vector<uint32_t> order;
  order.reserve(n);
  while (!ready.empty()) {
    const uint32_t v = ready.top();
    ready.pop();
    order.push_back(v);
    for (uint32_t w : adj[v]) {
      if (--indegree[w] == 0) ready.push(w);
    }
  }
  if (order.size() != n) return {};
  return order;
}

std::vector<uint32_t> find_cycle(const std::vector<uint32_t>& component, const std::vector<TopologyEdge>& edges) {
  const std::set<uint32_t> in(component.begin(), component.end());
  const uint32_t start = *std::min_element(component.begin(), component.end());
  // Breadth-first search from start back to start inside the component gives
  // a shortest cycle, which reads best in a message.
  std::set<uint32_t> seen;
  std::vector<std::pair<uint32_t, int64_t>> nodes{{start, -1}};
  size_t head = 0;
  while (head < nodes.size()) {
    const auto [v, p] = nodes[head];
    for (const auto& e : edges) {
      if (e.from != v || !in.count(e.to)) continue;
      if (e.to == start) {
        std::vector<uint32_t> cycle;
        for (int64_t i = static_cast<int64_t>(head); i >= 0; i = nodes[static_cast<size_t>(i)].second) {
          cycle.push_back(nodes[static_cast<size_t>(i)].first);
        }
        std::reverse(cycle.begin(), cycle.end());
        return cycle;
      }
      if (seen.insert(e.to).second) nodes.emplace_back(e.to, static_cast<int64_t>(head));
    }
    ++head;
  }
  return {start};
}

}  // namespace ac
