#include "guarded_run.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "graph/compiler.h"
#include "graph/executor.h"
#include "graph/graph_loader.h"

namespace ac::test {

RtViolations run_guarded(const std::string& yaml, const NodeRegistry& r, int blocks, uint32_t block_size,
                         GuardedOutcome* outcome) {
  auto g = load_graph_text(yaml, "rt.yaml", r);
  if (!g) {
    ADD_FAILURE() << g.error().to_string();
    return {};
  }
  g->block_size = block_size;
  auto plan = compile(*g, CompileOptions{true});
  if (!plan) {
    ADD_FAILURE() << plan.error().to_string();
    return {};
  }
  for (auto& n : (*plan)->nodes) EXPECT_TRUE(n->activate().has_value());
  std::vector<float> out_l(block_size), out_r(block_size), in_l(block_size, 0.25f), in_r(block_size, -0.25f);
  float* outs[2] = {out_l.data(), out_r.data()};
  const float* ins[2] = {in_l.data(), in_r.data()};
  HostIo host;
  host.output = AudioView{outs, 2, 0, block_size};
  host.input = ConstAudioView{ins, 2, 0, block_size};
  // Two driver event streams each way, the inputs holding a note every few
  // frames (as a driver would fill them before each block).
  std::vector<EventBuffer> event_in(2), event_out(2);
  for (auto& b : event_in) {
    for (FrameOffset f = 0; f < block_size; f += 3) b.push(UmpEvent{f, {0x20903C64u, 0, 0, 0}});
  }
  const EventBuffer* event_in_ptrs[2] = {&event_in[0], &event_in[1]};
  EventBuffer* event_out_ptrs[2] = {&event_out[0], &event_out[1]};
  host.event_input = event_in_ptrs;
  host.event_input_count = 2;
  host.event_output = event_out_ptrs;
  host.event_output_count = 2;
  float peak = 0.0f;
  reset_rt_violations();
  for (int b = 0; b < blocks; ++b) {
    const FrameCount frames = (b % 3 == 2) ? block_size / 2 + 1 : block_size;
    for (auto& o : event_out) o.clear();
    run_block(**plan, SampleTime{static_cast<int64_t>(b) * block_size}, frames, &host);
    for (FrameCount i = 0; i < frames; ++i) peak = std::max({peak, std::fabs(out_l[i]), std::fabs(out_r[i])});
  }
  const auto seen = rt_violations();
  if (outcome) {
    outcome->output_peak = peak;
    for (size_t i = 0; i < (*plan)->nodes.size(); ++i) {
      if (const std::string why = (*plan)->nodes[i]->fault(); !why.empty())
        outcome->faults.push_back((*plan)->node_ids[i] + ": " + why);
    }
  }
  for (auto& n : (*plan)->nodes) n->deactivate();
  return seen;
}

void expect_all_types_covered(const std::string& yaml, const NodeRegistry& r, const std::vector<std::string>& skip) {
  for (const NodeType* t : r.all()) {
    if (std::find(skip.begin(), skip.end(), t->name) != skip.end()) continue;
    if (yaml.find("type: " + t->name + ",") == std::string::npos &&
        yaml.find("type: " + t->name + "}") == std::string::npos) {
      ADD_FAILURE() << "node type '" << t->name << "' is not in the real-time safety graph: add it";
    }
  }
}

}  // namespace ac::test
