#pragma once
// CBOR (RFC 8949), the part the node fabric's intent messages use:
// unsigned and negative integers, byte and text strings, arrays, maps,
// false/true/null. Pure code on bytes.
//
// encode() writes the core deterministic encoding (RFC 8949 §4.2.1):
// shortest integer and length forms, definite lengths, map keys in the
// bytewise order of their encodings. decode() reads one item and accepts
// longer-than-needed integer forms, but refuses what docs/spec/wire.md
// refuses: indefinite lengths, tags, floats, simple values other than
// false/true/null, nesting deeper than the limit, a key twice in a map,
// text that is not UTF-8, bytes after the item. Each refusal names the
// byte offset.
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/expected.h"

namespace ac::cbor {

struct Value {
  enum class Kind : uint8_t { unsigned_int, negative_int, bytes, text, array, map, boolean, null };
  Kind kind = Kind::null;
  uint64_t number = 0;                           // unsigned_int: the value; negative_int: -1 - value
  bool flag = false;                             // boolean
  std::string string;                            // bytes or text
  std::vector<Value> items;                      // array
  std::vector<std::pair<Value, Value>> entries;  // map, in the order read or built

  static Value uint(uint64_t v);
  static Value text(std::string s);
  static Value bytes(std::string s);
  static Value boolean(bool b);
  static Value array(std::vector<Value> items);
  static Value map(std::vector<std::pair<Value, Value>> entries);

  bool is_uint() const { return kind == Kind::unsigned_int; }
  // The value under unsigned key `key` in a map, or nullptr.
  const Value* find(uint64_t key) const;
  bool operator==(const Value&) const = default;
};

inline constexpr int kMaxDepth = 8;

// [any] One item filling `bytes` exactly.
Expected<Value> decode(std::span<const uint8_t> bytes, int max_depth = kMaxDepth);
// [any] Deterministic encoding.
std::vector<uint8_t> encode(const Value& v);

// "a1 00 01" style hex, and back (spaces ignored).
std::string to_hex(std::span<const uint8_t> bytes);
Expected<std::vector<uint8_t>> from_hex(const std::string& hex);

}  // namespace ac::cbor
