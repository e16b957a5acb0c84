#include "core/error.h"

#include <utility>

namespace ac {

namespace {

// Messages quote their input (a file name, a key, a value); a control
// character in it must not reach the terminal, so it is shown as \xNN.
std::string printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

std::string Error::to_string() const {
  const std::string file = printable(where.file), text = printable(message);
  if (!where.known()) {
    if (file.empty()) return "error: " + text;
    return file + ": error: " + text;
  }
  return file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": error: " + text;
}

Error make_error(ErrorDomain domain, std::string message, SourceLocation where) {
  return Error{domain, std::move(message), std::move(where)};
}

}  // namespace ac
