#include "plugin/wasm_instance.h"

#include <algorithm>
#include <cstring>

#include "core/spsc_ring.h"

namespace ac::wasm {

struct LogLine {
  uint16_t length = 0;
  char text[126] = {};
};

class LogRing : public SpscRing<LogLine> {
 public:
  LogRing() : SpscRing<LogLine>(64) {}
};

Instance::Instance() : log_(std::make_unique<LogRing>()) {}
Instance::~Instance() = default;

void Instance::log(const uint8_t* text, uint32_t length) noexcept {
  LogLine line;
  line.length = static_cast<uint16_t>(std::min<uint32_t>(length, sizeof line.text));
  std::memcpy(line.text, text, line.length);
  if (!log_->try_push(line)) log_dropped_.fetch_add(1, std::memory_order_relaxed);
}

void Instance::drain_log(const std::function<void(std::string_view)>& each) {
  LogLine line;
  while (log_->try_pop(line)) each(std::string_view(line.text, line.length));
}

}  // namespace ac::wasm
