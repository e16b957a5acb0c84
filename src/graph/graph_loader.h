#pragma once
// Loads a graph file (YAML, docs/spec/graph-format.md) into a validated
// Graph. Every error names file:line:column and says what was expected.
#include <string>
#include <string_view>

#include "core/expected.h"
#include "graph/graph.h"
#include "graph/node_registry.h"

namespace ac {

// [control] Reads and validates the file at `path`.
Expected<Graph> load_graph_file(const std::string& path, const NodeRegistry& registry);

// [control] Validates `text`; `file_name` is used in messages.
Expected<Graph> load_graph_text(std::string_view text, const std::string& file_name, const NodeRegistry& registry);

}  // namespace ac
