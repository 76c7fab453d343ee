// Streams: the threads that run inferences. Each stream is one thread with its own intra-op pool (the
// stream's share of INFERENCE_NUM_THREADS) and its own scratch memory; all streams serve one FIFO queue of
// requests, so a request runs on whichever stream frees first. The compiled graph and its weights are shared
// by every stream, read-only.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include "runtime/config.h"

namespace sparrow::runtime {

class AsyncRequest;

class Streams {
 public:
  explicit Streams(const Config& config);
  // Stops the threads. No request may be queued (requests keep their compiled model, and so this, alive).
  ~Streams();
  Streams(const Streams&) = delete;
  Streams& operator=(const Streams&) = delete;

  void submit(AsyncRequest* request);
  // Removes a queued request; false if it is not in the queue (already taken by a stream, or never queued).
  bool withdraw(AsyncRequest* request);

  struct State;

 private:
  std::shared_ptr<State> state_;  // shared with the threads, so a stream thread may outlive this object
  std::vector<std::thread> threads_;
};

}  // namespace sparrow::runtime
