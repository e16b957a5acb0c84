#include "net/aes67_format.h"

#include <cmath>
#include <cstdlib>

namespace ac::rtp {
namespace {

// Packets per second of each packet time.
uint32_t packets_per_second(PacketTime t) {
  switch (t) {
    case PacketTime::us125:
      return 8000;
    case PacketTime::us250:
      return 4000;
    case PacketTime::us333:
      return 3000;
    case PacketTime::ms1:
      return 1000;
    case PacketTime::ms4:
      return 250;
  }
  return 1000;
}

Unexpected fail(const std::string& why) {
  return unexpected(make_error(ErrorDomain::io, why));
}

}  // namespace

uint32_t StreamFormat::frames_per_packet() const {
  return sample_rate / packets_per_second(packet_time);
}

const char* to_string(Encoding e) {
  return e == Encoding::l24 ? "L24" : "L16";
}

const char* to_string(PacketTime t) {
  switch (t) {
    case PacketTime::us125:
      return "125us";
    case PacketTime::us250:
      return "250us";
    case PacketTime::us333:
      return "333us";
    case PacketTime::ms1:
      return "1ms";
    case PacketTime::ms4:
      return "4ms";
  }
  return "?";
}

const char* ptime_text(PacketTime t) {
  switch (t) {
    case PacketTime::us125:
      return "0.125";
    case PacketTime::us250:
      return "0.250";
    case PacketTime::us333:
      return "0.333";
    case PacketTime::ms1:
      return "1";
    case PacketTime::ms4:
      return "4";
  }
  return "1";
}

Expected<Encoding> encoding_from_name(const std::string& name) {
  if (name == "L24" || name == "l24") return Encoding::l24;
  if (name == "L16" || name == "l16") return Encoding::l16;
  return fail("encoding '" + name + "': AES67 carries L24 or L16");
}

Expected<PacketTime> packet_time_from_ms(double ms) {
  struct Known {
    double ms;
    PacketTime t;
  };
  static constexpr Known kKnown[] = {{0.125, PacketTime::us125},
                                     {0.25, PacketTime::us250},
                                     {1.0 / 3.0, PacketTime::us333},
                                     {1.0, PacketTime::ms1},
                                     {4.0, PacketTime::ms4}};
  for (const Known& k : kKnown)
    if (std::fabs(ms - k.ms) < 0.0075) return k.t;  // 0.12 and 0.33 as devices round them
  return fail("packet time " + std::to_string(ms) + " ms: AES67 uses 0.125, 0.25, 0.333, 1 or 4 ms");
}

Expected<PacketTime> packet_time_from_text(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return fail("packet time '" + text + "': expected 125us, 250us, 333us, 1ms or 4ms");
  const std::string unit(end);
  if (unit == "us" || unit == "µs") return packet_time_from_ms(v / 1000.0);
  if (unit == "ms" || unit.empty()) return packet_time_from_ms(v);
  return fail("packet time '" + text + "': expected 125us, 250us, 333us, 1ms or 4ms");
}

Expected<void> check_format(const StreamFormat& f, size_t mtu) {
  if (f.sample_rate != 44100 && f.sample_rate != 48000 && f.sample_rate != 96000)
    return fail("sample rate " + std::to_string(f.sample_rate) + " Hz: AES67 streams run at 48000 or 96000 Hz (44100)");
  if (f.channels < 1 || f.channels > 64)
    return fail(std::to_string(f.channels) + " channels: a stream carries 1 to 64");
  if (f.sample_rate % packets_per_second(f.packet_time) != 0)
    return fail(std::string("packet time ") + to_string(f.packet_time) + " at " + std::to_string(f.sample_rate) +
                " Hz is not a whole number of frames");
  if (f.payload_bytes() + kPacketOverheadBytes > mtu) {
    const size_t room = mtu - kPacketOverheadBytes;
    const size_t per_frame = size_t{f.channels} * f.bytes_per_sample();
    return fail(std::to_string(f.channels) + " channels of " + to_string(f.encoding) + " at " +
                to_string(f.packet_time) + " need " + std::to_string(f.payload_bytes()) +
                " bytes a packet; an MTU of " + std::to_string(mtu) + " leaves " + std::to_string(room) + " (at most " +
                std::to_string(room / (size_t{f.frames_per_packet()} * f.bytes_per_sample())) +
                " channels, or a shorter packet time: " + std::to_string(room / per_frame) + " frames)");
  }
  return {};
}

}  // namespace ac::rtp
