#pragma once
// One OSC 1.0 message as plain values, whatever decoded it: liblo on a
// socket (from_liblo), or bytes handed in by a test or a fuzzer
// (decode_osc_message, through liblo's deserialiser). What the router
// (osc/osc_router.h) works on.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clock_time.h"
#include "core/expected.h"

namespace ac {

struct OscArg {
  char type = 'N';                // OSC type tag: i f s h d m T F N I S c t b ...
  int64_t integer = 0;            // i, h, c, t
  double number = 0.0;            // f, d
  std::string text;               // s, S
  std::array<uint8_t, 4> midi{};  // m: port id, status, data 1, data 2
  std::vector<uint8_t> blob;      // b

  // The argument as a number, if it is one (i, h, f, d).
  std::optional<double> as_number() const;
};

struct OscMessage {
  std::string path;
  std::vector<OscArg> args;
  // When it applies, on the system clock (the timescale of OSC timetags);
  // none: immediately (a message on its own, or the "immediately" timetag).
  std::optional<RealtimeNanos> at;
};

// [any] An NTP timetag (seconds since 1900, 2^-32 fractions) on the
// system clock; none for the "immediately" timetag (0, 1).
std::optional<RealtimeNanos> osc_timetag_to_realtime(uint32_t seconds, uint32_t fraction);

// [any] A message from the arguments liblo hands a method handler
// (`types`, `argv` as lo_arg**, the lo_message for its timetag).
OscMessage osc_message_from_liblo(const char* path, const char* types, void** argv, int argc, void* message);

// [any] One OSC message (not a bundle) from its bytes; the error says
// why they are not one.
Expected<OscMessage> decode_osc_message(std::span<const uint8_t> bytes);

}  // namespace ac
