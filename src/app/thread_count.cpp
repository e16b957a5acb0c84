#include "app/thread_count.h"

#include <charconv>

namespace ac {

Expected<ThreadCount> parse_thread_count(const std::string& text, uint32_t cpus, uint32_t fallback) {
  if (text.empty()) return ThreadCount{fallback, ""};
  if (text == "auto") return ThreadCount{cpus, ""};
  uint32_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size())
    return unexpected(make_error(ErrorDomain::app, "--threads " + text + ": give a number of threads or 'auto'"));
  if (n == 0) return unexpected(make_error(ErrorDomain::app, "--threads 0: give 1 or more, or 'auto'"));
  if (n > cpus) {
    return ThreadCount{cpus, "--threads " + text + ": this process may run on " + std::to_string(cpus) + " CPU" +
                                 (cpus == 1 ? "" : "s") + "; using " + std::to_string(cpus)};
  }
  return ThreadCount{n, ""};
}

}  // namespace ac
