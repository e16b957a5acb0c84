#pragma once
// A running PTP ordinary clock: the port (ptp_port.h) on a socket
// (ptp_socket.h), driven by its own thread, disciplining a VirtualClock that
// any thread may read (the audio thread turning block starts into media
// time). `audiocloud ptp` runs one alone; `audiocloud run` runs one under a
// graph whose clock is `ptp`.
//
// As grandmaster the node's reference is the system clock, as for ptp4l: a
// second servo keeps the virtual clock on it (plus the UTC offset), since
// CLOCK_MONOTONIC_RAW runs at the crystal's rate, not NTP's.
//
// Clock confidence — what a node publishes about its time so that others
// (and a scheduler placing work) can judge it — is a snapshot updated by
// the PTP thread and read by control threads.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "clock/ptp_bmca.h"
#include "clock/ptp_message.h"
#include "clock/virtual_clock.h"
#include "core/expected.h"

namespace ac {

struct PtpClockOptions {
  std::string iface;
  std::string role = "auto";  // auto (BMCA decides), master, slave
  uint8_t domain = 0;
  std::string profile = "aes67";  // aes67 or default
  uint8_t priority1 = 128;
  // What this clock announces of itself. 248 (default): a clock that may be
  // a slave and has no reference of its own, as ptp4l announces; a real
  // grandmaster (GPS-locked: 6) says so here. Accuracy and variance stay
  // "unknown" (0xFE, 0xFFFF) unless measured.
  uint8_t clock_class = 248;
};

struct ClockConfidence {
  ptp::PortState state = ptp::PortState::initializing;
  ptp::ClockIdentity grandmaster{};
  uint8_t grandmaster_class = 0;
  int64_t offset_ns = 0;        // the last measured offset from the master
  double offset_mean_ns = 0.0;  // over the last kWindow measurements (outliers left out)
  double offset_rms_ns = 0.0;   // likewise
  int64_t path_delay_ns = 0;
  double frequency_ppb = 0.0;    // the virtual clock against the local crystal
  double locked_seconds = -1.0;  // time since lock (slave: servo locked; master: since master); -1 = not
  uint64_t syncs = 0;
  uint64_t malformed = 0;  // received packets that were not valid PTP (counted, dropped)
  // Every packet dropped, by why: malformed ones and those the port would
  // not take (another domain, an Announce 255 steps away).
  std::array<uint64_t, ptp::kRejectionKinds> rejections{};
  uint64_t missing_tx_stamps = 0;
  uint64_t outliers = 0;  // offsets the servo left out as late time stamps
  static constexpr size_t kWindow = 16;

  // Locked as a slave or serving as master: media time can be trusted.
  bool usable() const noexcept;
};

class PtpClock {
 public:
  // [control] Opens the sockets and starts the PTP thread.
  static Expected<std::unique_ptr<PtpClock>> start(const PtpClockOptions& options);
  ~PtpClock();  // stops the thread
  PtpClock(const PtpClock&) = delete;
  PtpClock& operator=(const PtpClock&) = delete;

  // [any] The disciplined clock (PTP time = TAI).
  const VirtualClock& clock() const noexcept { return clock_; }
  // [control] The current confidence snapshot.
  ClockConfidence confidence() const;
  // [control] "iface (10.0.0.1), clock 00-11-22-ff-fe-33-44-55, domain 0,
  // profile aes67, auto; time stamps ...; hardware: ..."
  const std::string& description() const noexcept { return description_; }

 private:
  PtpClock() = default;
  // The PTP thread: receive, tick, send, follow the reference, publish.
  void loop();
  void send_outgoing();
  void follow_reference();
  void publish_confidence();

  struct State;
  std::unique_ptr<State> state_;
  VirtualClock clock_;
  std::string description_;
  std::atomic<bool> running_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  ClockConfidence confidence_;
};

}  // namespace ac
