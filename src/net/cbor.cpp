#include "net/cbor.h"

#include <algorithm>

namespace ac::cbor {

Value Value::uint(uint64_t v) {
  Value x;
  x.kind = Kind::unsigned_int;
  x.number = v;
  return x;
}
Value Value::text(std::string s) {
  Value x;
  x.kind = Kind::text;
  x.string = std::move(s);
  return x;
}
Value Value::bytes(std::string s) {
  Value x;
  x.kind = Kind::bytes;
  x.string = std::move(s);
  return x;
}
Value Value::boolean(bool b) {
  Value x;
  x.kind = Kind::boolean;
  x.flag = b;
  return x;
}
Value Value::array(std::vector<Value> items) {
  Value x;
  x.kind = Kind::array;
  x.items = std::move(items);
  return x;
}
Value Value::map(std::vector<std::pair<Value, Value>> entries) {
  Value x;
  x.kind = Kind::map;
  x.entries = std::move(entries);
  return x;
}

const Value* Value::find(uint64_t key) const {
  for (const auto& [k, v] : entries)
    if (k.kind == Kind::unsigned_int && k.number == key) return &v;
  return nullptr;
}

namespace {

// The head of an item: major type and argument, shortest form.
void put_head(std::vector<uint8_t>& out, uint8_t major, uint64_t n) {
  const auto m = static_cast<uint8_t>(major << 5);
  if (n < 24) {
    out.push_back(static_cast<uint8_t>(m | n));
    return;
  }
  int bytes = n <= 0xff ? 1 : n <= 0xffff ? 2 : n <= 0xffffffffu ? 4 : 8;
  out.push_back(static_cast<uint8_t>(m | (bytes == 1 ? 24 : bytes == 2 ? 25 : bytes == 4 ? 26 : 27)));
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
}

void put(std::vector<uint8_t>& out, const Value& v) {
  switch (v.kind) {
    case Value::Kind::unsigned_int:
      put_head(out, 0, v.number);
      break;
    case Value::Kind::negative_int:
      put_head(out, 1, v.number);
      break;
    case Value::Kind::bytes:
    case Value::Kind::text:
      put_head(out, v.kind == Value::Kind::bytes ? 2 : 3, v.string.size());
      out.insert(out.end(), v.string.begin(), v.string.end());
      break;
    case Value::Kind::array:
      put_head(out, 4, v.items.size());
      for (const Value& item : v.items) put(out, item);
      break;
    case Value::Kind::map: {
      // Keys in the bytewise order of their encodings (RFC 8949 §4.2.1).
      std::vector<std::pair<std::vector<uint8_t>, const Value*>> sorted;
      for (const auto& [k, val] : v.entries) sorted.emplace_back(encode(k), &val);
      // (A loop, not vector's operator<: GCC 12 warns falsely on its memcmp.)
      std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        for (size_t i = 0; i < a.first.size() && i < b.first.size(); ++i)
          if (a.first[i] != b.first[i]) return a.first[i] < b.first[i];
        return a.first.size() < b.first.size();
      });
      put_head(out, 5, sorted.size());
      for (const auto& [key, val] : sorted) {
        out.insert(out.end(), key.begin(), key.end());
        put(out, *val);
      }
      break;
    }
    case Value::Kind::boolean:
      out.push_back(v.flag ? 0xf5 : 0xf4);
      break;
    case Value::Kind::null:
      out.push_back(0xf6);
      break;
  }
}

// Well-formed UTF-8: no overlong forms, no surrogates, nothing past
// U+10FFFF.
bool valid_utf8(const std::string& s) {
  static constexpr uint32_t kLeast[4] = {0, 0x80, 0x800, 0x10000};
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    uint32_t cp = c;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xe0) == 0xc0) {
      extra = 1;
      cp = c & 0x1fu;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      cp = c & 0x0fu;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (s.size() - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3fu);
    }
    if (cp < kLeast[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

class Reader {
 public:
  Reader(std::span<const uint8_t> b, int max_depth) : b_(b), max_depth_(max_depth) {}

  Expected<Value> item(int depth) {
    if (depth > max_depth_) return fail("nested deeper than " + std::to_string(max_depth_));
    if (at_ >= b_.size()) return fail("the item ends early");
    const size_t start = at_;
    const uint8_t initial = b_[at_++];
    const uint8_t major = initial >> 5, info = initial & 0x1f;
    if (major == 7) return simple(info, start);
    if (major == 6) return fail_at(start, "tags are not used");
    if (info == 31) return fail_at(start, "indefinite lengths are not allowed");
    uint64_t n = 0;
    if (!argument(info, n))
      return fail_at(start, info > 27 ? "reserved additional information" : "the item ends early");
    switch (major) {
      case 0:
        return Value::uint(n);
      case 1: {
        Value v;
        v.kind = Value::Kind::negative_int;
        v.number = n;
        return v;
      }
      case 2:
      case 3: {
        if (n > b_.size() - at_) return fail_at(start, "a string longer than what follows");
        std::string s(reinterpret_cast<const char*>(b_.data() + at_), static_cast<size_t>(n));
        at_ += static_cast<size_t>(n);
        if (major == 3 && !valid_utf8(s)) return fail_at(start, "text that is not UTF-8");
        return major == 2 ? Value::bytes(std::move(s)) : Value::text(std::move(s));
      }
      case 4:
        return array(n, depth, start);
      default:
        return map(n, depth, start);
    }
  }
  size_t position() const { return at_; }
  Unexpected fail(const std::string& what) const { return fail_at(at_, what); }

 private:
  Unexpected fail_at(size_t offset, const std::string& what) const {
    return unexpected(make_error(ErrorDomain::net, "CBOR at byte " + std::to_string(offset) + ": " + what));
  }
  bool argument(uint8_t info, uint64_t& n) {
    if (info < 24) {
      n = info;
      return true;
    }
    if (info > 27) return false;
    const size_t bytes = size_t{1} << (info - 24);
    if (bytes > b_.size() - at_) return false;
    for (size_t i = 0; i < bytes; ++i) n = (n << 8) | b_[at_++];
    return true;
  }
  Expected<Value> simple(uint8_t info, size_t start) {
    if (info == 20 || info == 21) return Value::boolean(info == 21);
    if (info == 22) return Value{};
    if (info >= 25 && info <= 27) return fail_at(start, "floats are not used");
    if (info == 31) return fail_at(start, "a break outside an indefinite-length item");
    return fail_at(start, "simple values other than false, true and null are not used");
  }
  Expected<Value> array(uint64_t n, int depth, size_t start) {
    // Every item takes a byte at least: a count beyond what is left is a lie.
    if (n > b_.size() - at_) return fail_at(start, "an array longer than what follows");
    Value v = Value::array({});
    for (uint64_t i = 0; i < n; ++i) {
      auto x = item(depth + 1);
      if (!x) return unexpected(x.error());
      v.items.push_back(std::move(*x));
    }
    return v;
  }
  Expected<Value> map(uint64_t n, int depth, size_t start) {
    if (n > (b_.size() - at_) / 2) return fail_at(start, "a map longer than what follows");
    Value v = Value::map({});
    for (uint64_t i = 0; i < n; ++i) {
      const size_t key_at = at_;
      auto k = item(depth + 1);
      if (!k) return unexpected(k.error());
      for (const auto& e : v.entries)
        if (e.first == *k) return fail_at(key_at, "a map key twice");
      auto x = item(depth + 1);
      if (!x) return unexpected(x.error());
      v.entries.emplace_back(std::move(*k), std::move(*x));
    }
    return v;
  }

  std::span<const uint8_t> b_;
  int max_depth_;
  size_t at_ = 0;
};

}  // namespace

Expected<Value> decode(std::span<const uint8_t> bytes, int max_depth) {
  Reader r(bytes, max_depth);
  auto v = r.item(1);
  if (!v) return v;
  if (r.position() != bytes.size())
    return r.fail(std::to_string(bytes.size() - r.position()) + " bytes after the item");
  return v;
}

std::vector<uint8_t> encode(const Value& v) {
  std::vector<uint8_t> out;
  put(out, v);
  return out;
}

std::string to_hex(std::span<const uint8_t> bytes) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (const uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

Expected<std::vector<uint8_t>> from_hex(const std::string& hex) {
  std::vector<uint8_t> out;
  int high = -1;
  for (const char c : hex) {
    if (c == ' ' || c == '\n' || c == '\t') continue;
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (d < 0) return unexpected(make_error(ErrorDomain::net, std::string("not a hex digit: '") + c + "'"));
    if (high < 0) {
      high = d;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | d));
      high = -1;
    }
  }
  if (high >= 0) return unexpected(make_error(ErrorDomain::net, "an odd number of hex digits"));
  return out;
}

}  // namespace ac::cbor
