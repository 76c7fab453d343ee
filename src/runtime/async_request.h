// The state machine behind InferRequest: idle -> queued -> running -> callback -> idle.
//
// - start() queues the request on its compiled model's streams; a stream runs it and then calls the
//   callback on its own thread. The callback may start the request again (callback -> queued).
// - wait() blocks until the request is idle and rethrows the last run's error.
// - cancel() withdraws a queued request, or makes a running one stop before its next node.
// - Inputs and outputs may be read or replaced only while the request is idle or in its callback.
// - A running request keeps its owner (set_owner: the public handle's state) alive until its callback has
//   returned, so dropping every handle while it runs is safe: it finishes in the background. The destructor
//   withdraws a queued run, and waits for a stream that took it from the queue but has not started it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/executor.h"
#include "runtime/streams.h"

namespace sparrow::runtime {

class AsyncRequest {
 public:
  using Callback = std::function<void(std::exception_ptr)>;

  // `executor` and `streams` must outlive the request.
  AsyncRequest(const Executor& executor, Streams& streams, size_t num_inputs, size_t num_outputs, bool profile);
  ~AsyncRequest();
  AsyncRequest(const AsyncRequest&) = delete;
  AsyncRequest& operator=(const AsyncRequest&) = delete;

  void start();
  void wait();
  bool wait_for(std::chrono::nanoseconds timeout);
  void cancel();
  void set_callback(Callback callback);
  // What a running request keeps alive (its handle's shared state, which owns this object).
  void set_owner(std::weak_ptr<void> owner) {
    owner_ = std::move(owner);
    owned_ = true;
  }

  // Throws "busy" unless the request is idle or in its callback. `what` names the caller's operation.
  void check_not_busy(const char* what) const;
  // Valid while not busy (check_not_busy first).
  std::vector<Tensor>& inputs() { return inputs_; }
  const std::vector<Tensor>& outputs() const { return outputs_; }
  const std::vector<NodeProfile>& profile() const { return profile_; }
  bool profiling() const { return profiling_; }

  // Called by a stream that took the request from the queue.
  void execute(ExecutionScratch& scratch);

 private:
  enum class State { idle, queued, running, callback };
  bool busy() const { return state_ == State::queued || state_ == State::running; }
  void rethrow_error() const;

  const Executor& executor_;
  Streams& streams_;
  const bool profiling_;
  std::weak_ptr<void> owner_;
  bool owned_ = false;  // set_owner was called: an expired owner means the request was dropped
  std::vector<Tensor> inputs_;
  std::vector<Tensor> outputs_;
  std::vector<NodeProfile> profile_;

  mutable std::mutex mutex_;
  std::condition_variable idle_;
  State state_ = State::idle;
  std::exception_ptr error_;
  Callback callback_;
  std::thread::id callback_thread_;  // the stream thread running the callback, if any
  int streams_inside_ = 0;           // stream threads inside execute() for this request
  bool destroying_ = false;
  std::atomic<bool> cancel_{false};
};

}  // namespace sparrow::runtime
