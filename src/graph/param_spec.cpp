#include "graph/param_spec.h"

#include <sstream>

namespace ac {

namespace {
std::string format_number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}
}  // namespace

std::string ParamSpec::describe_range() const {
  switch (kind) {
    case ParamKind::number:
    case ParamKind::integer: {
      std::string r = format_number(min) + " .. " + format_number(max);
      if (!unit.empty()) r += " " + unit;
      return r;
    }
    case ParamKind::choice: {
      std::string r = "one of ";
      for (size_t i = 0; i < choices.size(); ++i) r += (i ? ", " : "") + choices[i];
      return r;
    }
    case ParamKind::text:
      return "text";
  }
  return {};
}

}  // namespace ac
