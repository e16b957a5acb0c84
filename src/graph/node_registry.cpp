#include "graph/node_registry.h"

#include "graph/edit_distance.h"

namespace ac {

void NodeRegistry::add(NodeType type) {
  std::string name = type.name;
  types_.insert_or_assign(std::move(name), std::move(type));
}

const NodeType* NodeRegistry::find(const std::string& name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

std::string NodeRegistry::closest(const std::string& name) const {
  std::vector<std::string> names;
  names.reserve(types_.size());
  for (const auto& [n, t] : types_) names.push_back(n);
  return closest_name(name, names);
}

std::vector<const NodeType*> NodeRegistry::all() const {
  std::vector<const NodeType*> out;
  for (const auto& [n, t] : types_) out.push_back(&t);
  return out;
}

}  // namespace ac
