#include "graph/time_spec.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace ac {
namespace {

const char* kForms =
    "expected a time such as 48000 (samples), '1200 samples', '1.5s', '250ms', '3 beats', "
    "'2 bars' or bar:beat[:tick] like '2:1'";

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool parse_double(std::string_view s, double& out) {
  s = trim(s);
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc{} && r.ptr == s.data() + s.size() && std::isfinite(out);
}

bool parse_int(std::string_view s, int64_t& out) {
  s = trim(s);
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

Unexpected bad(std::string_view text, const std::string& why = kForms) {
  return unexpected(make_error(ErrorDomain::graph, "bad time '" + std::string(text) + "': " + why));
}

Expected<double> beats_to_samples(double beats, const TimeContext& ctx, std::string_view text) {
  if (!ctx.tempo_bpm) return bad(text, "musical time needs 'tempo:' at the top of the graph");
  return beats * 60.0 / *ctx.tempo_bpm * ctx.sample_rate;
}

Expected<int64_t> to_frames(double samples, std::string_view text) {
  if (samples < 0) return bad(text, "times must not be negative");
  if (samples > 9.0e15) return bad(text, "time is too large");
  return static_cast<int64_t>(std::llround(samples));
}

Expected<int64_t> parse(std::string_view raw, const TimeContext& ctx, bool allow_position) {
  const std::string_view text = trim(raw);
  int64_t n = 0;
  if (parse_int(text, n)) {
    if (n < 0) return bad(text, "times must not be negative");
    return n;
  }
  if (text.find(':') != std::string_view::npos) {
    if (!allow_position) return bad(text, "a length cannot be a bar:beat position; use '3 beats'");
    int64_t parts[3] = {0, 1, 0};
    size_t count = 0;
    std::string_view rest = text;
    while (count < 3) {
      const size_t colon = rest.find(':');
      if (!parse_int(rest.substr(0, colon), parts[count])) return bad(text);
      ++count;
      if (colon == std::string_view::npos) break;
      rest = rest.substr(colon + 1);
      if (count == 3) return bad(text);
    }
    if (count < 2) return bad(text);
    if (parts[0] < 1 || parts[1] < 1 || parts[1] > ctx.beats_per_bar || parts[2] < 0 || parts[2] >= kTicksPerBeat) {
      return bad(text, "bar and beat count from 1 (beat 1.." + std::to_string(ctx.beats_per_bar) +
                           "), ticks from 0 to " + std::to_string(kTicksPerBeat - 1));
    }
    const double beats = static_cast<double>((parts[0] - 1) * ctx.beats_per_bar + (parts[1] - 1)) +
                         static_cast<double>(parts[2]) / kTicksPerBeat;
    auto s = beats_to_samples(beats, ctx, text);
    if (!s) return unexpected(s.error());
    return to_frames(*s, text);
  }
  // A number followed by a unit.
  size_t unit_at = text.size();
  while (unit_at > 0 && std::isalpha(static_cast<unsigned char>(text[unit_at - 1]))) --unit_at;
  const std::string_view unit = text.substr(unit_at);
  double v = 0;
  if (unit.empty() || !parse_double(text.substr(0, unit_at), v)) return bad(text);
  if (unit == "s" || unit == "sec") return to_frames(v * ctx.sample_rate, text);
  if (unit == "ms") return to_frames(v * ctx.sample_rate / 1000.0, text);
  if (unit == "samples" || unit == "sample" || unit == "smp") {
    if (v != std::floor(v)) return bad(text, "a sample count must be a whole number");
    return to_frames(v, text);
  }
  if (unit == "beats" || unit == "beat" || unit == "bars" || unit == "bar") {
    const double beats = unit[0] == 'b' && unit[1] == 'a' ? v * ctx.beats_per_bar : v;
    auto s = beats_to_samples(beats, ctx, text);
    if (!s) return unexpected(s.error());
    return to_frames(*s, text);
  }
  return bad(text);
}

}  // namespace

Expected<int64_t> parse_time_point(std::string_view text, const TimeContext& ctx) {
  return parse(text, ctx, true);
}

Expected<int64_t> parse_duration(std::string_view text, const TimeContext& ctx) {
  return parse(text, ctx, false);
}

}  // namespace ac
