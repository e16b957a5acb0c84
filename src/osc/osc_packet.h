#pragma once
// OSC 1.0 packets as pure code: a packet is one message or a bundle
// ("#bundle", a timetag, then size-prefixed elements, each a message or a
// bundle). Decoding flattens a bundle into its messages, each carrying the
// timetag of the innermost bundle that holds it; encoding writes the reply
// messages the server sends. No sockets; fuzzed (fuzz/osc_packet_fuzz.cpp).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/expected.h"
#include "osc/osc_message.h"

namespace ac {

// Bundles nested deeper than this are refused (a packet is at most a
// datagram; this bounds the recursion, not the size).
inline constexpr int kMaxOscBundleDepth = 8;

// [any] The messages of one packet, in order. An error says what is wrong
// with it; a packet with any malformed part is refused whole.
Expected<std::vector<OscMessage>> decode_osc_packet(std::span<const uint8_t> bytes);

// [any] One message's bytes: `path`, then arguments of types i, h, f, d, s
// (OscArg::type says which).
std::vector<uint8_t> encode_osc_message(const std::string& path, const std::vector<OscArg>& args);

// Arguments for encode_osc_message.
OscArg osc_float(float v);
OscArg osc_int64(int64_t v);
OscArg osc_string(std::string s);

}  // namespace ac
