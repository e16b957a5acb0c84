#pragma once
// How nodes open the files they read and write (sound files, plug-ins,
// logs), so that a run can confine some of them: a directory given to
// `run --allow-files DIR` is a confined root, and every path beneath it is
// opened relative to the root with openat2(RESOLVE_BENEATH) — no `..`,
// absolute symlink or symlink chain inside it can lead out, whatever the
// path says. Paths elsewhere open as usual (a graph file the user runs is
// trusted with the user's own rights). docs/security.md has the policy.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.h"

namespace ac {

// [control] From now on, paths lexically beneath `dir` stay beneath it.
// Returns the directory's canonical path (what later paths are compared
// with). An error if it is not an existing directory.
Expected<std::string> confine_files_beneath(const std::string& dir);
// [control] Forgets every confined root (tests).
void clear_confined_roots();
// [control] The confined root `path` lies beneath, lexically ("" if none).
std::string confined_root_of(const std::string& path);

// [control] open(2) of `path`, confined when it lies beneath a confined
// root. The error names the path and says why (an escape says so).
Expected<int> open_file(const std::string& path, int flags, mode_t mode = 0644);
// [control] The whole file, refused beyond `max_bytes`.
Expected<std::vector<uint8_t>> read_whole_file(const std::string& path, uint64_t max_bytes);

// [any] Whether `relative` is a plain relative path: not absolute, no `..`
// component, no NUL, not empty.
bool is_plain_relative_path(const std::string& relative);

}  // namespace ac
