#pragma once
// Decodes every field of a UMP packet into readable text, e.g.
//   "MIDI 2.0 note on group 2 channel 5 note=60 velocity=65535 attribute_type=3 attribute=4660"
//   "flex data: set tempo group 0 ten_ns_per_quarter=50000000 (120 bpm)"
// for event logs, `audiocloud` diagnostics and tests. Invalid packets are
// described as far as they go, with the problem at the end.
#include <cstdint>
#include <string>

namespace ac::ump {

// `words` holds the packet's words (its message type says how many).
std::string describe(const uint32_t* words);

}  // namespace ac::ump
