#pragma once
// One side of a connection as written in a graph file:
//   node            the node's only port
//   node.port       all channels of a port
//   node.port[1]    one channel;  [0,1] a list;  [0-3] a range;  [0,0] repeats
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.h"

namespace ac {

struct PortRef {
  std::string node;
  std::string port;                               // "" = the node's only port
  std::optional<std::vector<uint32_t>> channels;  // absent = all
  uint32_t column = 0;                            // 0-based offset of this reference in the text
};

struct ConnectionText {
  PortRef from;
  PortRef to;
};

// Parses "a.out[0] -> b.in". Errors carry the offset of the bad part in
// `where.column` (0-based, relative to the text) for the caller to shift.
Expected<ConnectionText> parse_connection(std::string_view text);

}  // namespace ac
