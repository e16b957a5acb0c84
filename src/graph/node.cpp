#include "graph/node.h"

namespace ac {

Node::Node(const std::vector<ParamSpec>& params) : params_(params.size()) {
  for (size_t i = 0; i < params.size(); ++i) {
    params_[i].set(static_cast<float>(params[i].default_value));
  }
}

Node::~Node() = default;

void Node::set_param(ParamId id, float value, FrameCount ramp_frames) noexcept {
  if (id >= params_.size()) return;
  params_[id].ramp_to(value, ramp_frames);
}

Expected<std::vector<uint8_t>> Node::save_state() {
  return unexpected(make_error(ErrorDomain::graph, "this node type keeps no state to carry over"));
}

Expected<void> Node::load_state(std::span<const uint8_t>) {
  return unexpected(make_error(ErrorDomain::graph, "this node type takes no state"));
}

}  // namespace ac
