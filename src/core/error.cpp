#include "core/error.h"

#include <utility>

namespace ac {

std::string Error::to_string() const {
  if (!where.known()) {
    if (where.file.empty()) return "error: " + message;
    return where.file + ": error: " + message;
  }
  return where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": error: " + message;
}

Error make_error(ErrorDomain domain, std::string message, SourceLocation where) {
  return Error{domain, std::move(message), std::move(where)};
}

}  // namespace ac
