#include "netns.h"

#include <unistd.h>

#include "run_command.h"

namespace ac::test {

namespace {
int next_lan = 0;  // several LANs in one test process get distinct names
}

VethLan::VethLan(int nodes, const std::string& subnet)
    : tag_("ac" + std::to_string(getpid() % 100000) + (next_lan ? "x" + std::to_string(next_lan) : "")),
      subnet_(subnet) {
  ++next_lan;
  if (nodes == 2) {  // two nodes: one veth pair, no bridge in the path
    ok_ = sh("ip netns add " + ns(0)) && sh("ip netns add " + ns(1)) &&
          sh("ip link add " + iface(0) + " type veth peer name " + iface(1)) &&
          sh("ip link set " + iface(0) + " netns " + ns(0)) && sh("ip link set " + iface(1) + " netns " + ns(1));
    count_ = 2;
    for (int i = 0; ok_ && i < 2; ++i) {
      ok_ = sh(in(ns(i)) + "ip addr add " + address(i) + "/24 dev " + iface(i)) &&
            sh(in(ns(i)) + "ip link set " + iface(i) + " up") && sh(in(ns(i)) + "ip link set lo up") &&
            sh(in(ns(i)) + "ip route add 224.0.0.0/4 dev " + iface(i));  // multicast leaves by the veth
    }
    return;
  }
  // No multicast snooping: every port hears every group at once.
  ok_ = sh("ip netns add " + bridge_ns()) && sh(in(bridge_ns()) + "ip link add br0 type bridge mcast_snooping 0") &&
        sh(in(bridge_ns()) + "ip link set br0 up");
  bridged_ = true;
  for (int i = 0; ok_ && i < nodes; ++i) {
    const std::string v = iface(i), b = bridge_port(i);
    ok_ = sh("ip netns add " + ns(i)) && sh("ip link add " + v + " type veth peer name " + b) &&
          sh("ip link set " + v + " netns " + ns(i)) && sh("ip link set " + b + " netns " + bridge_ns()) &&
          sh(in(bridge_ns()) + "ip link set " + b + " master br0") &&
          sh(in(bridge_ns()) + "ip link set " + b + " up") &&
          sh(in(ns(i)) + "ip addr add " + address(i) + "/24 dev " + v) && sh(in(ns(i)) + "ip link set " + v + " up") &&
          sh(in(ns(i)) + "ip link set lo up") && sh(in(ns(i)) + "ip route add 224.0.0.0/4 dev " + v);
    count_ = i + 1;
  }
}

VethLan::~VethLan() {
  for (int i = 0; i < count_; ++i) run_command("ip netns del " + ns(i));
  if (bridged_) run_command("ip netns del " + bridge_ns());
}

bool VethLan::sh(const std::string& cmd) {
  return run_command(cmd).exit_code == 0;
}

}  // namespace ac::test
