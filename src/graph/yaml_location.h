#pragma once
// yaml-cpp positions (0-based, -1 when unknown) as SourceLocations
// (1-based, 0 when unknown), for every error that points into YAML.
#include <yaml-cpp/yaml.h>

#include <string>

#include "core/error.h"

namespace ac {

inline SourceLocation location_of(const YAML::Mark& mark, const std::string& file) {
  SourceLocation w;
  w.file = file;
  if (mark.line >= 0) {
    w.line = static_cast<uint32_t>(mark.line + 1);
    w.column = static_cast<uint32_t>(mark.column + 1);
  }
  return w;
}

}  // namespace ac
