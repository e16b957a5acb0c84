#include "midi/osc_events.h"

#include "dsp/node_type_helpers.h"

namespace ac {

bool OscEventsNode::post(int64_t at, const uint32_t (&words)[4]) noexcept {
  Item it{at, {words[0], words[1], words[2], words[3]}};
  if (ring_.try_push(it)) return true;
  dropped_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

void OscEventsNode::process(ProcessContext& ctx) noexcept {
  Item it{};
  while (ring_.try_pop(it)) {
    if (pending_count_ == kCapacity) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    pending_[pending_count_++] = it;
  }
  const int64_t start = ctx.time.value, end = start + ctx.frames;
  // Move the due ones to the front, in time order (insertion: short lists).
  uint32_t due = 0;
  for (uint32_t i = 0; i < pending_count_; ++i) {
    if (pending_[i].at >= end) continue;
    Item x = pending_[i];
    pending_[i] = pending_[due];
    uint32_t j = due++;
    while (j > 0 && pending_[j - 1].at > x.at) {
      pending_[j] = pending_[j - 1];
      --j;
    }
    pending_[j] = x;
  }
  for (uint32_t i = 0; i < due; ++i) {
    const Item& x = pending_[i];
    const auto frame = static_cast<FrameOffset>(x.at <= start ? 0 : x.at - start);
    if (!ctx.emit(0, frame, x.words)) dropped_.fetch_add(1, std::memory_order_relaxed);
  }
  for (uint32_t i = due; i < pending_count_; ++i) pending_[i - due] = pending_[i];
  pending_count_ -= due;
}

NodeType osc_events_node_type() {
  NodeType t;
  t.name = "osc_events";
  t.summary = "UMP events sent over OSC (/events/<id>) enter the graph here, on their sample";
  t.is_event_inlet = true;
  t.layout = [](const NodeOptions&) -> Expected<NodeLayout> {
    NodeLayout l;
    l.event_outputs = {{"midi", 1}};
    return l;
  };
  t.create = [](const NodeOptions&, const NodeLayout&) -> Expected<std::unique_ptr<Node>> {
    return std::unique_ptr<Node>(std::make_unique<OscEventsNode>());
  };
  return t;
}

}  // namespace ac
