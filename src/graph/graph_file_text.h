#pragma once
// A graph file's text, read the way untrusted input must be: only from a
// regular file, bounded in size, and refused when it is not text — each
// with an error that says which (a directory, a FIFO, a device, too large,
// a binary), never echoing the bytes it found.
#include <string>
#include <string_view>

#include "core/expected.h"

namespace ac {

// [control] The file's bytes, at most kMaxGraphFileBytes (graph_loader.h).
Expected<std::string> read_graph_file(const std::string& path);

// [control] Refuses text with control characters (a binary file, a NUL),
// naming the first one's line and column.
Expected<void> check_text(std::string_view text, const std::string& file_name);

}  // namespace ac
