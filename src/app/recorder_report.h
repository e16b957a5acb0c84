#pragma once
// The end-of-run lines about each file_recorder in a graph, shared by
// `render` and `run`: what was recorded where, and anything that did not go
// as recorded (silence in place of skipped blocks, dropped frames, timeline
// jumps, a writer error).
#include <string>
#include <utility>
#include <vector>

#include "dsp/file_recorder.h"

namespace ac {

using RecorderList = std::vector<std::pair<std::string, const FileRecorderNode*>>;

// Prints one line per recorder to stdout (unless `quiet`) and each writer
// error to stderr. Returns false if any recorder's writer failed.
bool report_recorders(const RecorderList& recorders, bool quiet = false);

}  // namespace ac
