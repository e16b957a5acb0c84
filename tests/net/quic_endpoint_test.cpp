// The fabric endpoint on loopback: two nodes with certificates from one
// cluster CA authenticate each other, exchange hellos and intent messages
// and carry audio datagrams; peers with a certificate from another CA, an
// expired one, a revoked one, a name that is not theirs, or no certificate
// and another protocol (ngtcp2's own HTTP/3 client, a real peer) are
// refused, and the refusal says why. Expired and revoked certificates are
// made with openssl, independently of our GnuTLS code.
#include "net/quic_endpoint.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "net/certificates.h"
#include "net/fabric_tls.h"
#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

// What one node heard, for the test thread to wait on.
class Recorder final : public net::FabricEvents {
 public:
  void connected(net::ConnectionId id, const wire::Hello& peer) override {
    std::lock_guard lock(mutex_);
    peers.emplace_back(id, peer.name);
    changed_.notify_all();
  }
  void message(net::ConnectionId, const wire::Message& m) override {
    std::lock_guard lock(mutex_);
    messages.push_back(m);
    changed_.notify_all();
  }
  void datagram(net::ConnectionId, std::span<const uint8_t> bytes) override {
    std::lock_guard lock(mutex_);
    datagrams.emplace_back(bytes.begin(), bytes.end());
    changed_.notify_all();
  }
  void closed(net::ConnectionId id, const std::string& why) override {
    std::lock_guard lock(mutex_);
    closes.emplace_back(id, why);
    changed_.notify_all();
  }
  // Waits up to `seconds` for `done` (read under the lock).
  bool wait(const std::function<bool()>& done, double seconds = 10.0) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::duration<double>(seconds), done);
  }
  std::string all_closes() {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [id, why] : closes) out += "[" + std::to_string(id) + "] " + why + "\n";
    return out;
  }

  std::vector<std::pair<net::ConnectionId, std::string>> peers, closes;
  std::vector<wire::Message> messages;
  std::vector<std::vector<uint8_t>> datagrams;

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
};

wire::Hello hello_for(const std::string& name) {
  wire::Hello h;
  h.name = name;
  h.software = "audiocloud test";
  h.sample_rates = {48000};
  h.cores = 2;
  return h;
}

struct Node {
  Recorder events;
  std::unique_ptr<net::QuicEndpoint> endpoint;
};

// The cluster: a CA and node certificates in one folder.
class Cluster {
 public:
  Cluster() { ok_ = net::make_ca(tmp_.path(""), "cluster", 30).has_value(); }
  bool ok() const { return ok_; }
  std::string path(const std::string& f) const { return tmp_.path(f); }
  net::FabricCredentials credentials(const std::string& node) {
    if (!std::ifstream(path(node + ".pem"))) (void)net::make_node_certificate(tmp_.path(""), node, tmp_.path(""), 30);
    return {path("ca.pem"), path(node + ".pem"), path(node + ".key"), ""};
  }
  std::unique_ptr<Node> start(const net::FabricCredentials& c, const std::string& name, bool check_own = true) {
    auto node = std::make_unique<Node>();
    auto tls = net::FabricTls::load(c, check_own);
    EXPECT_TRUE(tls) << (tls ? "" : tls.error().message);
    if (!tls) return nullptr;
    net::EndpointOptions o;
    o.listen = "127.0.0.1:0";
    o.tls = *tls;
    o.hello = hello_for(name);
    o.events = &node->events;
    auto e = net::QuicEndpoint::start(o);
    EXPECT_TRUE(e) << (e ? "" : e.error().message);
    if (!e) return nullptr;
    node->endpoint = std::move(*e);
    return node;
  }
  // openssl's own CA tool over our CA's files: a node certificate valid
  // from `start` to `end` (YYYYMMDDHHMMSSZ), and revocation.
  bool openssl_ca(const std::string& args) {
    const std::string conf = test::write_text(tmp_, "openssl-ca.cnf",
                                              "[ca]\ndefault_ca = d\n[d]\ndatabase = " + path("index.txt") +
                                                  "\nnew_certs_dir = " + path("") + "\nserial = " + path("serial") +
                                                  "\ndefault_md = sha256\npolicy = p\ndefault_crl_days = 30\n"
                                                  "[p]\ncommonName = supplied\n");
    if (!std::ifstream(path("index.txt"))) {
      test::write_text(tmp_, "index.txt", "");
      test::write_text(tmp_, "serial", "1000\n");
    }
    const auto r = test::run_command("cd " + path("") + " && openssl ca -batch -config " + conf +
                                     " -cert ca.pem -keyfile ca.key " + args + " 2>&1");
    if (r.exit_code != 0) ADD_FAILURE() << r.output;
    return r.exit_code == 0;
  }
  bool openssl_node(const std::string& name, const std::string& start, const std::string& end) {
    const auto req = test::run_command("cd " + path("") +
                                       " && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                                       "-keyout " +
                                       name + ".key -subj /CN=" + name + " -out " + name + ".csr 2>&1");
    if (req.exit_code != 0) ADD_FAILURE() << req.output;
    return req.exit_code == 0 &&
           openssl_ca("-notext -in " + name + ".csr -out " + name + ".pem -startdate " + start + " -enddate " + end);
  }

 private:
  test::TempDir tmp_;
  bool ok_ = false;
};

bool refused_with(Recorder& r, const std::string& text) {
  return r.wait([&] {
    for (const auto& [id, why] : r.closes)
      if (why.find(text) != std::string::npos) return true;
    return false;
  });
}

TEST(QuicEndpoint, TwoNodesAuthenticateExchangeIntentAndCarryAudio) {
  Cluster cluster;
  ASSERT_TRUE(cluster.ok());
  auto a = cluster.start(cluster.credentials("node-a"), "node-a");
  auto b = cluster.start(cluster.credentials("node-b"), "node-b");
  ASSERT_TRUE(a && b);
  auto id = b->endpoint->connect("127.0.0.1:" + std::to_string(a->endpoint->port()));
  ASSERT_TRUE(id);
  ASSERT_TRUE(b->events.wait([&] { return !b->events.peers.empty() || !b->events.closes.empty(); }))
      << "no handshake within 10 s";
  ASSERT_EQ(b->events.peers.size(), 1u) << b->events.all_closes();
  EXPECT_EQ(b->events.peers[0].second, "node-a");
  ASSERT_TRUE(a->events.wait([&] { return !a->events.peers.empty(); }));
  EXPECT_EQ(a->events.peers[0].second, "node-b");
  const net::ConnectionId at_a = a->events.peers[0].first;

  // Intent: an offer from b arrives at a as sent.
  wire::LinkOffer offer;
  offer.link = 7;
  offer.bus = "main";
  offer.latency_us = 2500;
  offer.flow = 3;
  b->endpoint->send(*id, offer);
  ASSERT_TRUE(a->events.wait([&] {
    for (const auto& m : a->events.messages)
      if (std::holds_alternative<wire::LinkOffer>(m)) return true;
    return false;
  }));
  for (const auto& m : a->events.messages) {
    if (const auto* got = std::get_if<wire::LinkOffer>(&m)) {
      EXPECT_EQ(*got, offer);
    }
  }

  // Audio: 500 datagrams of 1 ms each way, paced; on loopback all arrive,
  // each byte for byte.
  for (int i = 0; i < 500; ++i) {
    std::vector<uint8_t> d(300, static_cast<uint8_t>(i));
    d[0] = static_cast<uint8_t>(i >> 8);
    b->endpoint->send_datagram(*id, d);
    a->endpoint->send_datagram(at_a, d);
    std::this_thread::sleep_for(std::chrono::microseconds(1000));
  }
  EXPECT_TRUE(a->events.wait([&] { return a->events.datagrams.size() >= 500; }));
  EXPECT_TRUE(b->events.wait([&] { return b->events.datagrams.size() >= 500; }));
  for (size_t i = 0; i < a->events.datagrams.size(); ++i) {
    ASSERT_EQ(a->events.datagrams[i].size(), 300u);
    EXPECT_EQ(a->events.datagrams[i][1], static_cast<uint8_t>(i)) << "datagram " << i << " out of order or changed";
  }
  EXPECT_EQ(a->endpoint->connection_counters(at_a).datagrams_dropped, 0u);

  // Keepalives hold an idle connection past the 1 s idle timeout.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_TRUE(b->events.closes.empty()) << b->events.all_closes();

  // An orderly close reaches the peer with its code and reason.
  a->endpoint->close(at_a, wire::ErrorCode::none, "test over");
  EXPECT_TRUE(refused_with(b->events, "the peer closed the connection (none: test over)")) << b->events.all_closes();
}

TEST(QuicEndpoint, APeerFromAnotherCaIsRefused) {
  Cluster cluster, other;
  ASSERT_TRUE(cluster.ok() && other.ok());
  auto a = cluster.start(cluster.credentials("node-a"), "node-a");
  // x trusts both CAs (so it accepts a) but holds a certificate of the other.
  net::FabricCredentials x = other.credentials("node-x");
  const std::string both = test::read_text(cluster.path("ca.pem")) + test::read_text(other.path("ca.pem"));
  std::ofstream(other.path("both.pem")) << both;
  x.ca = other.path("both.pem");
  auto n = cluster.start(x, "node-x", false);  // our own node would not start on it
  ASSERT_TRUE(a && n);
  ASSERT_TRUE(n->endpoint->connect("127.0.0.1:" + std::to_string(a->endpoint->port())));
  EXPECT_TRUE(refused_with(a->events, "refused peer 'node-x': its certificate is not signed by the cluster CA"))
      << a->events.all_closes();
  EXPECT_TRUE(refused_with(n->events, "the peer refused this node in the TLS handshake")) << n->events.all_closes();
  EXPECT_TRUE(a->events.peers.empty());
  EXPECT_TRUE(n->events.peers.empty());
  // Counted once the connection is gone (the network thread's next turn).
  for (int i = 0; i < 200 && a->endpoint->counters().refused == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(a->endpoint->counters().refused, 1u);
}

TEST(QuicEndpoint, ExpiredAndRevokedCertificatesAreRefused) {
  Cluster cluster;
  ASSERT_TRUE(cluster.ok());
  ASSERT_TRUE(cluster.openssl_node("old", "20200101000000Z", "20200201000000Z"));
  ASSERT_TRUE(cluster.openssl_node("gone", "20240101000000Z", "20991231000000Z"));
  ASSERT_TRUE(cluster.openssl_ca("-revoke " + cluster.path("gone.pem")));
  ASSERT_TRUE(cluster.openssl_ca("-gencrl -out " + cluster.path("crl.pem")));
  net::FabricCredentials with_crl = cluster.credentials("node-a");
  with_crl.crl = cluster.path("crl.pem");
  auto a = cluster.start(with_crl, "node-a");
  ASSERT_TRUE(a);
  const net::FabricCredentials old{cluster.path("ca.pem"), cluster.path("old.pem"), cluster.path("old.key"), ""};
  // Our own node refuses to start on it; a peer configured elsewhere might not.
  const auto refused = net::FabricTls::load(old);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("would be refused by its peers: certificate has expired"), std::string::npos)
      << refused.error().message;
  auto o = cluster.start(old, "old", false);
  auto g = cluster.start({cluster.path("ca.pem"), cluster.path("gone.pem"), cluster.path("gone.key"), ""}, "gone");
  ASSERT_TRUE(o && g);
  ASSERT_TRUE(o->endpoint->connect("127.0.0.1:" + std::to_string(a->endpoint->port())));
  EXPECT_TRUE(refused_with(a->events, "refused peer 'old': its certificate has expired")) << a->events.all_closes();
  ASSERT_TRUE(g->endpoint->connect("127.0.0.1:" + std::to_string(a->endpoint->port())));
  EXPECT_TRUE(refused_with(a->events, "refused peer 'gone': its certificate was revoked by the cluster CA"))
      << a->events.all_closes();
  EXPECT_TRUE(a->events.peers.empty());
}

TEST(QuicEndpoint, AHelloWithANameNotItsOwnIsRefused) {
  Cluster cluster;
  ASSERT_TRUE(cluster.ok());
  auto a = cluster.start(cluster.credentials("node-a"), "node-a");
  ASSERT_TRUE(a);
  // The endpoint itself will not start under another name ...
  auto tls = net::FabricTls::load(cluster.credentials("node-b"));
  ASSERT_TRUE(tls);
  Recorder r;
  net::EndpointOptions o;
  o.listen = "127.0.0.1:0";
  o.tls = *tls;
  o.hello = hello_for("node-a");
  o.events = &r;
  const auto refused = net::QuicEndpoint::start(o);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("named 'node-a' but its certificate is for 'node-b'"), std::string::npos);
}

TEST(QuicEndpoint, NoCertificatesNoFabric) {
  const auto refused = net::FabricTls::load({});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("there is no plain-text mode"), std::string::npos) << refused.error().message;
}

// ngtcp2's own client (Debian's ngtcp2-client: HTTP/3 over GnuTLS, no
// certificate) is a QUIC peer we did not write: the handshake ends in
// no_application_protocol, and the node says so and runs on.
TEST(QuicEndpoint, AnotherProtocolsClientIsRefused) {
  if (test::run_command("command -v gtlsclient").exit_code != 0) GTEST_SKIP() << "gtlsclient (ngtcp2-client) missing";
  Cluster cluster;
  ASSERT_TRUE(cluster.ok());
  auto a = cluster.start(cluster.credentials("node-a"), "node-a");
  ASSERT_TRUE(a);
  const std::string port = std::to_string(a->endpoint->port());
  const auto r = test::run_command("timeout 20 gtlsclient -q --handshake-timeout=5s --timeout=5s 127.0.0.1 " + port +
                                   " https://127.0.0.1:" + port + "/ 2>&1");
  EXPECT_NE(r.output.find("ERR_DRAINING"), std::string::npos) << "the client saw no close: " << r.output;
  EXPECT_TRUE(refused_with(a->events, "the TLS handshake failed (no_application_protocol)")) << a->events.all_closes();
  EXPECT_TRUE(a->events.peers.empty());
}

}  // namespace
}  // namespace ac
