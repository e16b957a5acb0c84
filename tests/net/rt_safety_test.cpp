// The net layer's node types under the real-time guard: a sender and a
// receiver of the same stream on loopback in one graph, so the receiver's
// audio side reads a jitter buffer that its thread is filling.
#include <gtest/gtest.h>
#include <unistd.h>

#include "guarded_run.h"
#include "net/net_nodes.h"
#include "render_helpers.h"

namespace ac {
namespace {

std::string graph(int port) {
  const std::string at = "\"127.0.0.1:" + std::to_string(port) + "\"";
  return "nodes:\n"
         "  s:   {type: sine, params: {frequency: 440}}\n"
         "  tx:  {type: aes67.tx, channels: 1, params: {destination: " +
         at +
         ", packet_time: 125us, priority: 0}}\n"
         "  rx:  {type: aes67.rx, channels: 1, params: {source: " +
         at +
         ", packet_time: 125us, link_offset: 2, priority: 0}}\n"
         "  out: {type: output, channels: 1}\n"
         "connections:\n  - s.out -> tx.in\n  - rx.out -> out.in\n";
}

TEST(NetRtSafety, AllNetNodeTypesAreCovered) {
  NodeRegistry r;
  register_net_nodes(r);
  test::expect_all_types_covered(graph(5004), r);
}

TEST(NetRtSafety, SenderAndReceiverRunWithoutAllocatingOrLocking) {
  const NodeRegistry r = test::test_registry([](NodeRegistry& reg) { register_net_nodes(reg); });
  const int port = 30000 + static_cast<int>(getpid() % 20000);
  for (uint32_t block : {64u, 256u}) {
    const auto v = test::run_guarded(graph(port), r, 800, block);
    EXPECT_EQ(v.total(), 0u) << "block " << block << ": " << v.allocations << " allocations, " << v.frees << " frees, "
                             << v.locks << " locks; first: " << v.first;
  }
}

}  // namespace
}  // namespace ac
