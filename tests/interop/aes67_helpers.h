#pragma once
// Helpers of the AES67 interop tests: seeded noise graphs, the signal they
// send (rendered offline, 24-bit steps) and where a received recording
// sits in it, frame for frame.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "render_helpers.h"

namespace ac::aes67_test {

// `channels` seeded noises, one a channel, into `sink` (a node body whose
// input is `in`).
std::string noise_graph(uint32_t channels, const std::string& sink);

// The sent signal, as an integer-valued float per sample (24-bit steps):
// the noise graph rendered for `seconds`.
std::vector<std::vector<float>> reference(const test::TempDir& tmp, uint32_t channels, const std::string& encoding,
                                          int seconds = 20);

// Where `got` (after its leading silence) starts in `sent`, then how many
// frames match exactly and how many do not, over every channel: from there
// to 10 ms before the shorter one ends (a stop may cut the last packet off),
// at most `limit` frames.
struct Match {
  size_t compared = 0, mismatched = 0;
  bool found = false;
  size_t got_at = 0, sent_at = 0;  // the first matching frame in each
};
Match match(const std::vector<std::vector<float>>& sent, const std::vector<std::vector<float>>& got,
            size_t limit = std::numeric_limits<size_t>::max() - 480);

// Whether a `run` log shows a stall: its driver skipped blocks ("K xruns"
// with K > 0), a node filled skipped blocks with silence, or a sender fell
// behind and dropped frames. A sender that
// stalled sent its signal shifted (the noise went on after the gap), so a
// bit-exact comparison with the offline render does not apply: the tests
// run such a case again (at most 3 times), and say so.
bool had_stall(const std::string& log);
// Whether attempt `attempt` (from 1) of a case should be run again: `log`
// shows a stall and attempts are left (3 in all). Says so on stdout.
bool run_again_after_stall(const std::string& log, int attempt);

// A recording, read whole (a failed read fails the test).
std::vector<std::vector<float>> recorded(const std::string& path);

}  // namespace ac::aes67_test
