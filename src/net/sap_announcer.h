#pragma once
// Announces one stream with SAP (RFC 2974) on the interface it is sent
// from: at once, again after 1 and 2 s (a listener that just started finds
// it fast), then every 5 s (AES67 devices use 5 to 30 s; at ~300 bytes an
// announcement that is 0.5 kbit/s, far below RFC 2974's 4 kbit/s for the
// group), so a receiver subscribing by name waits 5 s at most; a deletion
// when it stops.
// Its own thread; nothing here touches the audio thread.
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/expected.h"
#include "net/udp_socket.h"

namespace ac::net {

class SapAnnouncer {
 public:
  SapAnnouncer() = default;
  ~SapAnnouncer();
  SapAnnouncer(const SapAnnouncer&) = delete;
  SapAnnouncer& operator=(const SapAnnouncer&) = delete;

  // [control] Starts announcing `sdp` from `origin` (the sender's IPv4
  // address) on `interface` ("" = the kernel's choice).
  Expected<void> start(const std::string& sdp, const std::string& origin, const SocketOptions& options);
  // [control] Sends the deletion and stops; idempotent.
  void stop();
  uint64_t announcements() const { return sent_; }

 private:
  void loop();
  bool send(bool deletion);

  UdpSocket socket_;
  std::string sdp_;
  std::string origin_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  uint64_t sent_ = 0;
};

}  // namespace ac::net
