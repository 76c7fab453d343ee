#include "runtime/async_request.h"

#include "sparrow/error.h"

namespace sparrow::runtime {
namespace {

std::exception_ptr cancelled() { return std::make_exception_ptr(Error("the inference was cancelled")); }

}  // namespace

AsyncRequest::AsyncRequest(const Executor& executor, Streams& streams, size_t num_inputs, size_t num_outputs,
                           bool profile)
    : executor_(executor), streams_(streams), profiling_(profile), inputs_(num_inputs), outputs_(num_outputs) {}

AsyncRequest::~AsyncRequest() {
  std::unique_lock lock(mutex_);
  destroying_ = true;
  if (state_ == State::queued && streams_.withdraw(this)) state_ = State::idle;
  // A stream may have taken the request from the queue without starting it yet (it could not keep the owner
  // alive any more): it finds destroying_ set and withdraws it.
  cancel_ = true;
  idle_.wait(lock, [&] { return !busy() && streams_inside_ == 0; });
}

void AsyncRequest::start() {
  {
    std::lock_guard lock(mutex_);
    SPARROW_CHECK(!destroying_, "start_async: the infer request is being destroyed");
    SPARROW_CHECK(!busy(), "start_async: the infer request is busy (queued or running); wait for it first");
    state_ = State::queued;
    error_ = nullptr;
    cancel_ = false;
  }
  streams_.submit(this);
}

void AsyncRequest::execute(ExecutionScratch& scratch) {
  // Declared first, released last: the owner may be destroyed when this goes, on this thread.
  std::shared_ptr<void> keep_alive = owner_.lock();
  {
    std::lock_guard lock(mutex_);
    if (destroying_ || (owned_ && !keep_alive)) {
      // Dropped while queued, after a stream took it from the queue: withdrawn like the queued requests the
      // destructor takes back, with no run and no callback.
      state_ = State::idle;
      idle_.notify_all();
      return;
    }
    ++streams_inside_;
    state_ = State::running;
  }
  std::exception_ptr error;
  try {
    outputs_ = executor_.run(inputs_, scratch, profiling_ ? &profile_ : nullptr, &cancel_);
  } catch (...) {
    error = cancel_ ? cancelled() : std::current_exception();
  }
  Callback callback;
  {
    std::lock_guard lock(mutex_);
    error_ = error;
    state_ = State::callback;
    callback_thread_ = std::this_thread::get_id();
    callback = callback_;
  }
  if (callback) {
    try {
      callback(error);
    } catch (...) {  // the callback's own failure is not the inference's; wait() reports the inference
    }
  }
  std::lock_guard lock(mutex_);
  // Drop this thread's reference to the error under the lock: wait() may have returned it to a caller who
  // reads it now, and the ordering is then visible to ThreadSanitizer (exception_ptr counts are not).
  error = nullptr;
  if (callback_thread_ == std::this_thread::get_id()) callback_thread_ = {};
  if (state_ == State::callback) state_ = State::idle;
  --streams_inside_;
  idle_.notify_all();
}

void AsyncRequest::rethrow_error() const {
  if (error_) std::rethrow_exception(error_);
}

void AsyncRequest::wait() {
  std::unique_lock lock(mutex_);
  SPARROW_CHECK(callback_thread_ != std::this_thread::get_id(),
                "wait: called from the request's own callback, which would wait for itself");
  idle_.wait(lock, [&] { return state_ == State::idle; });
  rethrow_error();
}

bool AsyncRequest::wait_for(std::chrono::nanoseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!idle_.wait_for(lock, timeout, [&] { return state_ == State::idle; })) return false;
  rethrow_error();
  return true;
}

void AsyncRequest::cancel() {
  std::lock_guard lock(mutex_);
  if (state_ == State::queued && streams_.withdraw(this)) {
    state_ = State::idle;
    error_ = cancelled();
    idle_.notify_all();
  } else if (busy()) {
    cancel_ = true;
  }
}

void AsyncRequest::set_callback(Callback callback) {
  std::lock_guard lock(mutex_);
  callback_ = std::move(callback);
}

void AsyncRequest::check_not_busy(const char* what) const {
  std::lock_guard lock(mutex_);
  SPARROW_CHECK(!busy(), what, ": the infer request is busy (queued or running); wait for it first");
}

}  // namespace sparrow::runtime
