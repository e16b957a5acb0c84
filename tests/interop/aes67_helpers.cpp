// Helpers of the AES67 interop tests: the sent signal and where the
// received one sits in it.
#include "aes67_helpers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "dsp/sound_file.h"
#include "run_command.h"

namespace ac::aes67_test {

// `channels` seeded noises, one a channel, into `sink` (a node body whose
// input is `in`).
std::string noise_graph(uint32_t channels, const std::string& sink) {
  std::string g = "nodes:\n";
  for (uint32_t c = 0; c < channels; ++c)
    g += "  n" + std::to_string(c) + ": {type: noise, params: {seed: " + std::to_string(11 + c) + ", level: -6}}\n";
  g += "  sink: " + sink + "\nconnections:\n";
  for (uint32_t c = 0; c < channels; ++c)
    g += "  - n" + std::to_string(c) + ".out -> sink.in[" + std::to_string(c) + "]\n";
  return g;
}

// The sent signal, as an integer-valued float per sample (24-bit steps).
std::vector<std::vector<float>> reference(const test::TempDir& tmp, uint32_t channels, const std::string& encoding,
                                          int seconds) {
  const std::string g = test::write_text(
      tmp, "ref.yaml", noise_graph(channels, "{type: output, channels: " + std::to_string(channels) + "}"));
  const auto r = test::run_command(std::string(AUDIOCLOUD_BINARY) + " render " + g + " -d " + std::to_string(seconds) +
                                   "s -q --encoding " + encoding + " -o " + tmp.path("ref.wav"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto x = read_sound_file(tmp.path("ref.wav"), nullptr);
  return x ? *x : std::vector<std::vector<float>>{};
}

Match match(const std::vector<std::vector<float>>& sent, const std::vector<std::vector<float>>& got, size_t limit) {
  Match m;
  if (got.empty() || sent.empty() || got.size() != sent.size()) return m;
  size_t i0 = 0;
  while (i0 < got[0].size() && got[0][i0] == 0.0f) ++i0;
  const size_t window = 64;
  if (i0 + window > got[0].size()) return m;
  size_t j0 = 0;
  for (; j0 + window <= sent[0].size(); ++j0) {
    bool same = true;
    for (size_t k = 0; k < window && same; ++k) same = sent[0][j0 + k] == got[0][i0 + k];
    if (same) break;
  }
  if (j0 + window > sent[0].size()) return m;
  m.found = true;
  m.got_at = i0;
  m.sent_at = j0;
  // The last packet may be cut off by the stop: leave 10 ms at the end.
  const size_t n = std::min({got[0].size() - i0, sent[0].size() - j0, limit + 480}) - 480;
  for (size_t k = 0; k < n; ++k) {
    bool same = true;
    for (size_t c = 0; c < got.size(); ++c) same = same && got[c][i0 + k] == sent[c][j0 + k];
    m.mismatched += !same;
  }
  m.compared = n;
  return m;
}

std::vector<std::vector<float>> recorded(const std::string& path) {
  auto x = read_sound_file(path, nullptr);
  EXPECT_TRUE(x) << (x ? "" : x.error().message);
  return x ? *x : std::vector<std::vector<float>>{};
}

bool had_stall(const std::string& log) {
  // "... N silent frames for skipped blocks" and "N frames dropped (sender
  // behind)" (sender), "N silent frames in place of skipped blocks"
  // (recorder), "stopped after ... K xruns".
  for (const char* label : {" silent frames", " xruns", " frames dropped"}) {
    for (size_t at = log.find(label); at != std::string::npos; at = log.find(label, at + 1)) {
      const size_t start = log.find_last_of(" (", at - 1) + 1;
      if (start < at && log.compare(start, at - start, std::string(at - start, '0')) != 0 &&
          log.find_first_not_of("0123456789", start) == at)
        return true;
    }
  }
  return false;
}

bool run_again_after_stall(const std::string& log, int attempt) {
  if (attempt >= 3 || !had_stall(log)) return false;
  std::printf("a stall (xrun) on this machine in attempt %d: the case runs again\n", attempt);
  return true;
}

}  // namespace ac::aes67_test
