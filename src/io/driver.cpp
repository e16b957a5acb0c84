#include "io/driver.h"

namespace ac {

const char* to_string(DriverClock clock) {
  switch (clock) {
    case DriverClock::none:
      return "none (offline)";
    case DriverClock::monotonic:
      return "monotonic";
    case DriverClock::device:
      return "device";
    case DriverClock::media:
      return "PTP media clock";
  }
  return "?";
}

Expected<std::unique_ptr<DriverEdit>> Driver::prepare_edit(const Graph&) {
  return std::unique_ptr<DriverEdit>{};
}

std::string driver_param(const DriverParams& params, const std::string& name, const std::string& fallback) {
  auto it = params.find(name);
  return it == params.end() ? fallback : it->second;
}

Expected<uint32_t> driver_param_uint(const DriverParams& params, const std::string& name, uint32_t fallback) {
  auto it = params.find(name);
  if (it == params.end()) return fallback;
  const std::string& v = it->second;
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
    return unexpected(make_error(ErrorDomain::io, "--" + name + ": expected a whole number, got '" + v + "'"));
  return static_cast<uint32_t>(std::stoul(v));
}

}  // namespace ac
