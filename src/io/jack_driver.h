#pragma once
// The JACK driver: audiocloud as a JACK client. The graph's `input` and
// `output` endpoints become JACK ports (in_1.., out_1..); JACK's process
// callback runs the block (in pieces of at most the graph's block size when
// JACK's period is longer). JACK's frame time is the block's sample time.
// xruns are counted; if the server goes away the driver says so and the
// caller stops.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/expected.h"
#include "core/sample_time.h"
#include "graph/node.h"

namespace ac {

struct JackDriverOptions {
  std::string client_name = "audiocloud";
  uint32_t inputs = 0;           // capture ports (the graph's `input` channels)
  uint32_t outputs = 2;          // playback ports (the graph's `output` channels)
  double sample_rate = 48000.0;  // must match the server's
  FrameCount max_block = 64;     // longest piece passed to the callback
};

class JackDriver {
 public:
  using Callback = std::function<void(SampleTime time, FrameCount frames, HostIo& host)>;

  // [control] Connects to the server (JACK_DEFAULT_SERVER or the default),
  // never starting one. Errors say what failed (no server, rate mismatch).
  static Expected<std::unique_ptr<JackDriver>> open(const JackDriverOptions& options);
  ~JackDriver();

  // [control] Activates the client: the callback runs on JACK's thread.
  Expected<void> start(Callback callback);
  // [control] Deactivates and closes; idempotent.
  void stop();

  bool server_gone() const { return gone_.load(std::memory_order_acquire); }
  uint64_t xruns() const { return xruns_.load(std::memory_order_relaxed); }
  uint64_t blocks() const { return blocks_.load(std::memory_order_relaxed); }  // graph blocks run
  const std::string& client_name() const { return name_; }

 private:
  JackDriver() = default;
  static int process(uint32_t frames, void* self);
  static int xrun(void* self);
  static void shutdown(void* self);

  void* client_ = nullptr;  // jack_client_t*
  std::string name_;
  JackDriverOptions options_;
  std::vector<void*> in_ports_, out_ports_;
  std::vector<const float*> in_ptrs_;
  std::vector<float*> out_ptrs_;
  Callback callback_;
  std::atomic<bool> gone_{false};
  std::atomic<uint64_t> xruns_{0};
  std::atomic<uint64_t> blocks_{0};
};

}  // namespace ac
