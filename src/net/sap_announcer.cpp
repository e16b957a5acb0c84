#include "net/sap_announcer.h"

#include <arpa/inet.h>

#include <chrono>

#include "net/sap_packet.h"

namespace ac::net {

SapAnnouncer::~SapAnnouncer() {
  stop();
}

Expected<void> SapAnnouncer::start(const std::string& sdp, const std::string& origin, const SocketOptions& options) {
  auto s = UdpSocket::sender(Endpoint{sap::kGroup, sap::kPort}, options);
  if (!s) return unexpected(s.error());
  socket_ = std::move(*s);
  sdp_ = sdp;
  origin_ = origin;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
  return {};
}

void SapAnnouncer::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  send(/*deletion=*/true);
}

bool SapAnnouncer::send(bool deletion) {
  sap::Packet p;
  p.deletion = deletion;
  p.message_id_hash = sap::message_id_hash(sdp_);
  in_addr a{};
  inet_pton(AF_INET, origin_.c_str(), &a);
  const auto* b = reinterpret_cast<const uint8_t*>(&a.s_addr);
  for (size_t i = 0; i < 4; ++i) p.origin[i] = b[i];
  p.sdp = sdp_;
  const bool ok = socket_.send(sap::encode(p));
  sent_ += ok;
  return ok;
}

void SapAnnouncer::loop() {
  using std::chrono::seconds;
  const seconds waits[] = {seconds(1), seconds(1), seconds(5)};
  std::unique_lock<std::mutex> lock(mutex_);
  for (size_t i = 0; !stopping_; i = i < 2 ? i + 1 : 2) {
    lock.unlock();
    send(false);
    lock.lock();
    wake_.wait_for(lock, waits[i], [this] { return stopping_; });
  }
}

}  // namespace ac::net
