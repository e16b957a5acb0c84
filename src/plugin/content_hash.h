#pragma once
// SHA-256 (FIPS 180-4), for naming compiled plug-ins in the cache by their
// content: a changed module, compiler or glue never loads a stale object.
#include <cstdint>
#include <span>
#include <string>

namespace ac::wasm {

class Sha256 {
 public:
  Sha256();
  void update(std::span<const uint8_t> data);
  void update(const std::string& text);
  std::string hex_digest();  // finishes; the object is spent afterwards

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  uint64_t length_ = 0;  // bytes
  size_t used_ = 0;
};

}  // namespace ac::wasm
