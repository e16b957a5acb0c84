#pragma once
// A PTPv2 ordinary clock's single port (IEEE 1588-2008 clause 9), as pure
// code: it is fed received messages with their receive time stamps, the
// transmit time stamps of its event messages, and the time; it answers with
// messages to send. A socket layer (or a test) carries them. End-to-end
// delay, two-step Sync, the BMCA over qualified foreign masters, announce
// receipt timeout, and the servo disciplining a VirtualClock.
//
// Times: `local` is the node's monotonic raw clock in ns (what time stamps
// are taken on); PTP time is VirtualClock's.
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

struct PortConfig {
  PortIdentity identity;
  Profile profile;
  DataSet self;  // the local clock's default data set (priority, quality)
  bool slave_only = false;
  int16_t utc_offset = 37;
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
  int64_t locked_since = -1;  // local ns, -1: not locked
  uint64_t syncs = 0, delay_resps = 0, announces = 0, rejected = 0;
  uint64_t offsets = 0;   // offsets measured and used
  uint64_t outliers = 0;  // offsets the servo left out (late time stamps)
};

class Port {
 public:
  Port(const PortConfig& config, VirtualClock& clock);

  // [ptp thread] Starts listening at local time `now`.
  void start(int64_t now);
  // [ptp thread] A received message; `rx` is the receive time stamp (local)
  // for event messages.
  void on_message(const Message& m, int64_t rx);
  // [ptp thread] The send time stamp (local) of an event message sent with
  // wants_tx_stamp.
  void on_tx_stamp(MessageType type, uint16_t sequence, int64_t tx);
  // [ptp thread] Timers: announce and sync intervals, Delay_Req, receipt
  // timeout, state decision.
  void tick(int64_t now);
  // [ptp thread] What to send now.
  std::vector<Outgoing> take_outgoing();

  const PortStatus& status() const { return status_; }

 private:
  struct Foreign {
    DataSet data;
    PortIdentity port;
    std::vector<int64_t> seen;  // receive times of recent Announces
    Message last;
  };
  void decide(int64_t now);
  void become(PortState s, int64_t now);
  void send(Message m, bool event, bool stamp);
  Message header_for(MessageType t, uint16_t seq, int8_t log_interval) const;
  void slave_sync_complete(int64_t now);
  int64_t interval_ns(int8_t log) const;
  int64_t ptp_now(int64_t local) const;

  PortConfig config_;
  VirtualClock& clock_;
  PiServo servo_;
  PortStatus status_;
  std::vector<Outgoing> out_;
  std::vector<Foreign> foreign_;
  std::optional<PortIdentity> parent_;
  // Timers (local ns).
  int64_t next_announce_ = 0, next_sync_ = 0, next_delay_req_ = 0, announce_deadline_ = 0;
  uint16_t announce_seq_ = 0, sync_seq_ = 0, delay_seq_ = 0;
  // Slave exchange state.
  uint16_t sync_seq_seen_ = 0;
  int64_t t2_local_ = -1;  // Sync received
  int64_t t1_ = 0;         // precise origin + corrections (PTP ns)
  bool have_t1_ = false;
  int64_t t3_local_ = -1;  // Delay_Req sent
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
