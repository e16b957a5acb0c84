#include "app/recorder_report.h"

#include <cstdio>

namespace ac {

bool report_recorders(const RecorderList& recorders, bool quiet) {
  bool ok = true;
  for (const auto& [id, r] : recorders) {
    if (const std::string why = r->writer_error(); !why.empty()) {
      std::fprintf(stderr, "recorder %s: %s\n", id.c_str(), why.c_str());
      ok = false;
    }
    if (quiet) continue;
    std::printf("  recorder %s: %lld frames to %s", id.c_str(), static_cast<long long>(r->frames_recorded()),
                r->path().c_str());
    if (r->filled_frames())
      std::printf(", %llu silent frames in place of skipped blocks",
                  static_cast<unsigned long long>(r->filled_frames()));
    if (r->discontinuities())
      std::printf(", %llu timeline jumps not filled", static_cast<unsigned long long>(r->discontinuities()));
    if (r->dropped_frames()) std::printf(", %llu frames DROPPED", static_cast<unsigned long long>(r->dropped_frames()));
    std::printf("\n");
  }
  return ok;
}

}  // namespace ac
