#pragma once
// Test hosts in network namespaces the test creates and always removes:
// n0..n(N-1) with addresses 10.79.0.1.., joined by one veth pair (two
// nodes) or by a bridge in a namespace of its own (more). Names carry the
// test process's pid, so parallel tests do not collide. Needs root (CI
// runs as root).
#include <string>

namespace ac::test {

class VethLan {
 public:
  // `subnet` is the first three octets ("10.79.0"); node i gets .i+1.
  explicit VethLan(int nodes, const std::string& subnet = "10.79.0");
  ~VethLan();
  VethLan(const VethLan&) = delete;
  VethLan& operator=(const VethLan&) = delete;

  bool ok() const { return ok_; }
  std::string ns(int i) const { return tag_ + "n" + std::to_string(i); }
  std::string iface(int i) const { return tag_ + "v" + std::to_string(i); }
  std::string address(int i) const { return subnet_ + "." + std::to_string(i + 1); }
  // "ip netns exec NAME " to prefix a command with.
  std::string in(const std::string& name) const { return "ip netns exec " + name + " "; }
  std::string in(int node) const { return in(ns(node)); }
  // The bridge's namespace (more than two nodes), for impairing a link.
  std::string bridge_ns() const { return tag_ + "br"; }
  std::string bridge_port(int i) const { return tag_ + "b" + std::to_string(i); }

 protected:
  bool sh(const std::string& cmd);

 private:
  std::string tag_, subnet_;
  bool ok_ = false;
  bool bridged_ = false;
  int count_ = 0;
};

}  // namespace ac::test
