#pragma once
// PTP over UDP/IPv4 multicast (IEEE 1588-2008 annex D): the event socket
// (port 319) and the general socket (320) on one interface, joined to
// 224.0.1.129, with kernel time stamps: SO_TIMESTAMPING software stamps for
// receive and transmit, falling back to SO_TIMESTAMPNS (receive) and a
// clock read after send (transmit) where the kernel refuses. Whether the
// interface offers hardware stamps and a PHC is detected and reported.
// Time stamps are returned on CLOCK_MONOTONIC_RAW (the VirtualClock's base).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clock_time.h"
#include "core/expected.h"

namespace ac::ptp {

struct Received {
  std::vector<uint8_t> bytes;
  LocalNanos stamp;  // when it arrived
  bool event = false;
};

class Socket {
 public:
  // [control] Opens both sockets on `iface`. Needs no privilege beyond
  // binding ports below 1024 (root or CAP_NET_BIND_SERVICE).
  static Expected<Socket> open(const std::string& iface);
  Socket(Socket&&) noexcept;
  Socket& operator=(Socket&&) = delete;
  ~Socket();

  // Waits up to `timeout_ms` for a packet on either socket.
  std::optional<Received> receive(int timeout_ms);
  // Sends to the PTP multicast group; for event messages with `stamp`,
  // returns the transmit time stamp.
  Expected<std::optional<LocalNanos>> send(std::span<const uint8_t> bytes, bool event, bool stamp);

  const std::string& timestamping() const { return timestamping_; }  // "software (SO_TIMESTAMPING)" ...
  const std::string& hardware() const { return hardware_; }          // what the interface offers
  const std::string& address() const { return address_; }            // the interface's IPv4 address
  uint64_t missing_tx_stamps() const { return missing_tx_stamps_; }  // sends whose stamp never came back

 private:
  Socket() = default;
  int event_fd_ = -1, general_fd_ = -1;
  bool so_timestamping_ = false;
  uint64_t missing_tx_stamps_ = 0;
  std::string timestamping_, hardware_, address_, iface_;
};

// The system clock's time `realtime` on CLOCK_MONOTONIC_RAW, by the two
// clocks read now.
LocalNanos realtime_to_raw(RealtimeNanos realtime);

}  // namespace ac::ptp
