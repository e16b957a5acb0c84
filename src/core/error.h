#pragma once
// One error value for set-up, parsing and I/O. Audio-thread code never builds
// one (it returns status codes); control code returns Expected<T>.
#include <cstdint>
#include <string>

namespace ac {

// Where in a source file something was written. Lines and columns are 1-based;
// 0 means "unknown".
struct SourceLocation {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;

  bool known() const { return line != 0; }
};

// Which layer's rules an error broke. One category per layer (docs/architecture.md, "Conventions").
enum class ErrorDomain : uint8_t { core, graph, dsp, midi, osc, plugin, clock, io, net, cluster, control, app };

struct Error {
  ErrorDomain domain = ErrorDomain::core;
  std::string message;  // says what was wrong and what was expected
  SourceLocation where;

  // "file:line:column: error: message", or just the message when the
  // location is unknown. This is the text users see.
  std::string to_string() const;
};

Error make_error(ErrorDomain domain, std::string message, SourceLocation where = {});

}  // namespace ac
