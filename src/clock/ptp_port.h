#pragma once
// A PTPv2 ordinary clock's single port (IEEE 1588-2008 clause 9), as pure
// code: it is fed received messages with their receive time stamps, the
// transmit time stamps of its event messages, and the time; it answers with
// messages to send. A socket layer (or a test) carries them. End-to-end
// delay, two-step Sync, the BMCA over qualified foreign masters, announce
// receipt timeout, and the servo disciplining a VirtualClock.
//
// Times: LocalNanos are the node's monotonic raw clock (what time stamps
// are taken on); PtpNanos are PTP time, VirtualClock's.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "clock/pi_servo.h"
#include "clock/ptp_bmca.h"
#include "clock/ptp_message.h"
#include "clock/virtual_clock.h"

namespace ac::ptp {

struct Profile {
  uint8_t domain = 0;
  int8_t log_announce = 1;       // 2 s (AES67 media profile default)
  int8_t log_sync = -3;          // 125 ms
  int8_t log_min_delay_req = 0;  // as the master says in Delay_Resp
  uint8_t announce_receipt_timeout = 3;
  static Profile aes67() { return {}; }
  static Profile default_profile() { return {0, 1, 0, 0, 3}; }
};

// The time properties a grandmaster announces (IEEE 1588 8.2.4): which
// timescale its time is on, TAI - UTC, leap second warnings. A port serving
// as master announces its own; a slave keeps its grandmaster's, and keeps
// them through a change of role, so that its time goes on on the same
// timescale when it takes over (ptp4l with software time stamps serves an
// arbitrary timescale that is UTC: following it and then serving TAI would
// step the time by 37 s).
struct TimeProperties {
  int16_t utc_offset = 37;
  uint16_t flags = flags::ptp_timescale | flags::utc_offset_valid;  // of the flags below
  uint8_t time_source = 0xA0;                                       // internal oscillator
  static constexpr uint16_t kKept = flags::leap61 | flags::leap59 | flags::utc_offset_valid | flags::ptp_timescale |
                                    flags::time_traceable | flags::frequency_traceable;
  bool ptp_timescale() const { return flags & flags::ptp_timescale; }
};

struct PortConfig {
  PortIdentity identity;
  Profile profile;
  DataSet self;  // the local clock's default data set (priority, quality)
  bool slave_only = false;
  bool master_only = false;  // never a slave: announces as master whatever others are (ptp4l's masterOnly)
  TimeProperties time;       // what it announces before following anyone
  PiServoOptions servo;
};

struct Outgoing {
  Message message;
  bool event = false;           // event port 319 (time stamped), else general port 320
  bool wants_tx_stamp = false;  // report the send time with on_tx_stamp()
};

// What the port knows of its own synchronisation, for `audiocloud ptp` and
// a node's published clock confidence.
struct PortStatus {
  PortState state = PortState::initializing;
  ClockIdentity grandmaster{};
  uint8_t grandmaster_class = 0;
  int64_t offset_ns = 0;      // last measured offset from the master
  int64_t path_delay_ns = 0;  // mean path delay
  double frequency_ppb = 0.0;
  std::optional<LocalNanos> locked_since;  // none: not locked
  uint64_t syncs = 0, delay_resps = 0, announces = 0;
  uint64_t rejected = 0;  // messages the port dropped (another domain, an unqualifiable Announce)
  std::array<uint64_t, kRejectionKinds> rejections{};  // of those, by kind
  uint64_t offsets = 0;                                // offsets measured and used
  uint64_t outliers = 0;                               // offsets the servo left out (late time stamps)
  TimeProperties time;                                 // what it announces as master, or its grandmaster's
  bool followed_grandmaster = false;                   // it was a slave at some point (its time came from one)
};

class Port {
 public:
  Port(const PortConfig& config, VirtualClock& clock);

  // [ptp thread] Starts listening at local time `now`.
  void start(LocalNanos now);
  // [ptp thread] A received message; `rx` is the receive time stamp for
  // event messages (the time of receipt for the others).
  void on_message(const Message& m, LocalNanos rx);
  // [ptp thread] The send time stamp of an event message sent with
  // wants_tx_stamp.
  void on_tx_stamp(MessageType type, uint16_t sequence, LocalNanos tx);
  // [ptp thread] Timers: announce and sync intervals, Delay_Req, receipt
  // timeout, state decision.
  void tick(LocalNanos now);
  // [ptp thread] What to send now.
  std::vector<Outgoing> take_outgoing();

  const PortStatus& status() const { return status_; }

 private:
  struct Foreign {
    DataSet data;
    PortIdentity port;
    std::vector<LocalNanos> seen;  // receive times of recent Announces
    Message last;
  };
  void decide(LocalNanos now);
  void become(PortState s, LocalNanos now);
  void send(Message m, bool event, bool stamp);
  Message header_for(MessageType t, uint16_t seq, int8_t log_interval) const;
  void slave_sync_complete(LocalNanos now);
  // on_message() by type (messages of our domain from another clock).
  void on_announce(const Message& m, LocalNanos rx, bool from_parent);
  void on_sync(const Message& m, LocalNanos rx);       // from the parent
  void on_follow_up(const Message& m, LocalNanos rx);  // from the parent
  void on_delay_req(const Message& m, LocalNanos rx);  // as master
  void on_delay_resp(const Message& m);                // from the parent
  void add_delay(int64_t delay);
  void reject(Rejection kind);
  void hold_over(LocalNanos now);
  int64_t interval_ns(int8_t log) const;
  int64_t delay_req_gap();
  PtpNanos ptp_at(LocalNanos local) const;

  PortConfig config_;
  VirtualClock& clock_;
  PiServo servo_;
  PortStatus status_;
  std::vector<Outgoing> out_;
  std::vector<Foreign> foreign_;
  std::optional<PortIdentity> parent_;
  // Timers.
  LocalNanos next_announce_, next_sync_, next_delay_req_, announce_deadline_;
  uint16_t announce_seq_ = 0, sync_seq_ = 0, delay_seq_ = 0;
  uint64_t random_ = 0x9E3779B97F4A7C15ull;  // xorshift state
  // Slave exchange state.
  uint16_t sync_seq_seen_ = 0;
  std::optional<LocalNanos> t2_local_;  // Sync received
  PtpNanos t1_;                         // precise origin + corrections
  bool have_t1_ = false;
  bool holding_ = false;   // running free at the learnt frequency since Syncs stopped
  double held_ppb_ = 0.0;  // the frequency applied while locked, averaged (see hold_over())
  uint64_t held_samples_ = 0;
  std::optional<LocalNanos> t3_local_;  // Delay_Req sent
  int64_t mean_delay_ = 0;
  bool have_delay_ = false;
  // The last path delay measurements: their median is the delay used (as
  // linuxptp's default moving median of 10), so one late time stamp does
  // not move the clock.
  static constexpr size_t kDelayWindow = 10;
  int64_t delays_[kDelayWindow] = {};
  size_t delay_count_ = 0, delay_next_ = 0;
};

}  // namespace ac::ptp
