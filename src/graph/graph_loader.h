#pragma once
// Loads a graph file (YAML, docs/spec/graph-format.md) into a validated
// Graph. Every error names file:line:column and says what was expected.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.h"
#include "graph/graph.h"
#include "graph/node_registry.h"

namespace ac {

// What the command line sets over the file (`render -r 96000 --block 32`):
// applied before any time in the file is converted to samples.
struct GraphOverrides {
  std::optional<double> sample_rate;
  std::optional<FrameCount> block_size;
};

// Graph files larger than this are refused before they are read: the
// largest sensible graph (thousands of nodes) is well under 1 MB.
inline constexpr size_t kMaxGraphFileBytes = 16u << 20;

// [control] Reads and validates the file at `path`: a regular file of at
// most kMaxGraphFileBytes, of text (a directory, a FIFO, a device or a
// binary file each get their own error).
Expected<Graph> load_graph_file(const std::string& path, const NodeRegistry& registry,
                                const GraphOverrides& overrides = {});

// [control] Validates `text`; `file_name` is used in messages.
Expected<Graph> load_graph_text(std::string_view text, const std::string& file_name, const NodeRegistry& registry,
                                const GraphOverrides& overrides = {});

}  // namespace ac
