#include "graph/port_ref.h"

#include <cctype>
#include <charconv>

namespace ac {
namespace {

Unexpected bad(size_t column, std::string message) {
  SourceLocation w;
  w.column = static_cast<uint32_t>(column);
  return unexpected(make_error(ErrorDomain::graph, std::move(message), w));
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// Parses one reference in text[begin, end).
Expected<PortRef> parse_ref(std::string_view text, size_t begin, size_t end) {
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  PortRef ref;
  ref.column = static_cast<uint32_t>(begin);
  if (begin == end) return bad(begin, "expected a port such as 'synth.out' or 'mix.in[0,1]'");
  size_t i = begin;
  while (i < end && is_name_char(text[i])) ++i;
  ref.node = std::string(text.substr(begin, i - begin));
  if (ref.node.empty()) return bad(i, "expected a node name");
  if (i < end && text[i] == '.') {
    const size_t p0 = ++i;
    while (i < end && is_name_char(text[i])) ++i;
    ref.port = std::string(text.substr(p0, i - p0));
    if (ref.port.empty()) return bad(p0, "expected a port name after '.'");
  }
  if (i < end && text[i] == '[') {
    const size_t close = text.find(']', i);
    if (close == std::string_view::npos || close >= end) return bad(i, "missing ']'");
    std::vector<uint32_t> chans;
    size_t j = i + 1;
    while (j < close) {
      auto read_int = [&](uint32_t& v) -> bool {
        while (j < close && text[j] == ' ') ++j;
        const auto r = std::from_chars(text.data() + j, text.data() + close, v);
        if (r.ec != std::errc{}) return false;
        j = static_cast<size_t>(r.ptr - text.data());
        while (j < close && text[j] == ' ') ++j;
        return true;
      };
      uint32_t a = 0;
      if (!read_int(a)) return bad(j, "expected a channel number (from 0)");
      uint32_t b = a;
      if (j < close && text[j] == '-') {
        ++j;
        if (!read_int(b) || b < a) return bad(j, "expected a range like [0-3]");
        if (b - a > 1024) return bad(j, "channel range is too large");
      }
      for (uint32_t c = a; c <= b; ++c) chans.push_back(c);
      if (j < close) {
        if (text[j] != ',') return bad(j, "expected ',' or ']' in a channel list");
        ++j;
      }
    }
    if (chans.empty()) return bad(i, "empty channel list");
    ref.channels = std::move(chans);
    i = close + 1;
  }
  if (i != end) return bad(i, "unexpected '" + std::string(1, text[i]) + "' in a port reference");
  return ref;
}

}  // namespace

Expected<ConnectionText> parse_connection(std::string_view text) {
  const size_t arrow = text.find("->");
  if (arrow == std::string_view::npos) {
    return bad(0, "expected a connection 'source.port -> destination.port'");
  }
  if (text.find("->", arrow + 2) != std::string_view::npos) {
    return bad(text.find("->", arrow + 2), "one connection has one '->'; write chains as separate lines");
  }
  auto from = parse_ref(text, 0, arrow);
  if (!from) return unexpected(from.error());
  auto to = parse_ref(text, arrow + 2, text.size());
  if (!to) return unexpected(to.error());
  return ConnectionText{std::move(*from), std::move(*to)};
}

}  // namespace ac
