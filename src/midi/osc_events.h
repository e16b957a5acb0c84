#pragma once
// `osc_events`: UMP events that arrive from outside the graph — over OSC as
// /events/<id> — enter the graph on this node's `midi` port, each on the
// sample it was scheduled for (or at the start of the next block). The
// control thread posts through a lock-free ring; the audio side holds
// events until their block.
#include <atomic>
#include <string>
#include <vector>

#include "core/spsc_ring.h"
#include "graph/node.h"
#include "graph/node_type.h"

namespace ac {

class OscEventsNode final : public Node, public EventInlet {
 public:
  static constexpr uint32_t kCapacity = 1024;

  OscEventsNode() : Node({}), ring_(kCapacity), pending_(kCapacity) {}
  Expected<void> prepare(const StreamConfig&) override { return {}; }
  void process(ProcessContext& ctx) noexcept override;

  // [control] Queues a UMP packet for sample time `at` (negative: as soon
  // as possible). False when the queue is full.
  bool post(int64_t at, const uint32_t (&words)[4]) noexcept override;
  EventInlet* inlet() override { return this; }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::vector<std::string> counters() const override {
    if (dropped() == 0) return {};
    return {std::to_string(dropped()) + " events dropped (queue or block full)"};
  }

 private:
  struct Item {
    int64_t at;
    uint32_t words[4];
  };
  SpscRing<Item> ring_;
  std::vector<Item> pending_;  // audio side
  uint32_t pending_count_ = 0;
  std::atomic<uint64_t> dropped_{0};
};

NodeType osc_events_node_type();

}  // namespace ac
