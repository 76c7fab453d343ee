// sparrow bench: the measurement loop of benchmark_app. Each request's callback records its latency
// (start_async to callback) and puts it back on an idle queue; the main thread takes idle requests and
// restarts them until the iteration and time limits are met, then waits for all. Duration runs from the first
// start to the last end.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

#include "bench.h"

namespace sparrow::tools::bench {
namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Slot {
  InferRequest request;
  Clock::time_point start;
};

// One line on stderr, rewritten about twice a second: elapsed time against the limit, iterations, FPS.
class Progress {
 public:
  Progress(const Limits& limits, int64_t batch, const std::atomic<size_t>& completed)
      : limits_(limits), batch_(batch), completed_(completed), begin_(Clock::now()), thread_([this] {
          loop();
        }) {}
  ~Progress() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(500), [&] { return stop_; })) {
      double s = ms_between(begin_, Clock::now()) / 1000;
      size_t n = completed_.load();
      std::string limit =
          limits_.duration_ms > 0
              ? " / " + std::to_string(static_cast<int64_t>(limits_.duration_ms / 1000)) + " s"
              : "";
      std::string iters = limits_.niter > 0 && limits_.duration_ms == 0
                              ? std::to_string(n) + " / " + std::to_string(limits_.niter) + " iterations"
                              : std::to_string(n) + " iterations";
      std::fprintf(stderr, "\r\033[K[ %.1f s%s ] %s, %.2f FPS", s, limit.c_str(), iters.c_str(),
                   s > 0 ? static_cast<double>(n) * static_cast<double>(batch_) / s : 0.0);
      std::fflush(stderr);
    }
  }

  Limits limits_;
  int64_t batch_;
  const std::atomic<size_t>& completed_;
  Clock::time_point begin_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

struct RequestQueue::State {
  bool async = true;
  std::vector<std::unique_ptr<Slot>> slots;
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<Slot*> idle;
  std::vector<double> latencies;
  Clock::time_point first_start, last_end;
  bool started = false;
  std::exception_ptr error;
  std::atomic<size_t> completed{0};

  void put_idle(Slot* slot, Clock::time_point end, std::exception_ptr e) {
    std::lock_guard lock(mutex);
    if (e && !error) error = e;
    if (!e) latencies.push_back(ms_between(slot->start, end));
    last_end = std::max(last_end, end);
    idle.push_back(slot);
    ++completed;
    cv.notify_all();
  }

  Slot* get_idle() {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return !idle.empty() || error; });
    if (error) std::rethrow_exception(error);
    Slot* slot = idle.front();
    idle.pop_front();
    return slot;
  }

  void wait_all() {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return idle.size() == slots.size(); });
    if (error) std::rethrow_exception(error);
  }

  void reset_times() {
    std::lock_guard lock(mutex);
    latencies.clear();
    started = false;
    completed = 0;
  }

  void start(Slot* slot) {
    slot->start = Clock::now();
    {
      std::lock_guard lock(mutex);
      if (!started || slot->start < first_start) first_start = slot->start;
      if (!started) last_end = slot->start;
      started = true;
    }
    if (async) {
      slot->request.start_async();
    } else {
      slot->request.infer();
      put_idle(slot, Clock::now(), nullptr);
    }
  }
};

RequestQueue::RequestQueue(const CompiledModel& compiled, size_t nireq, bool async)
    : state_(std::make_unique<State>()) {
  state_->async = async;
  for (size_t i = 0; i < nireq; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->request = compiled.create_infer_request();
    if (async) {
      State* state = state_.get();
      Slot* s = slot.get();
      slot->request.set_callback([state, s](std::exception_ptr e) { state->put_idle(s, Clock::now(), e); });
    }
    state_->idle.push_back(slot.get());
    state_->slots.push_back(std::move(slot));
  }
}

RequestQueue::~RequestQueue() {
  for (auto& slot : state_->slots) {
    try {
      slot->request.wait();
    } catch (...) {  // the error was reported where it happened
    }
  }
}

size_t RequestQueue::size() const {
  return state_->slots.size();
}

InferRequest& RequestQueue::request(size_t i) {
  return state_->slots.at(i)->request;
}

void RequestQueue::set_inputs_once(const std::vector<std::vector<Tensor>>& data,
                                   const std::vector<InputSpec>& specs) {
  for (size_t i = 0; i < state_->slots.size(); ++i) {
    const std::vector<Tensor>& config = data[i % data.size()];
    for (size_t j = 0; j < specs.size(); ++j)
      state_->slots[i]->request.set_tensor(specs[j].port.name, config[j].copy());
  }
}

double RequestQueue::first_inference(const std::vector<Tensor>* data, const std::vector<InputSpec>& specs) {
  state_->reset_times();
  Slot* slot = state_->get_idle();
  if (data)
    for (size_t j = 0; j < specs.size(); ++j) slot->request.set_tensor(specs[j].port.name, (*data)[j]);
  state_->start(slot);
  state_->wait_all();
  double ms = state_->latencies.empty() ? 0.0 : state_->latencies[0];
  state_->reset_times();
  return ms;
}

Measurement RequestQueue::run(const Limits& limits, const std::vector<std::vector<Tensor>>* full_mode_data,
                              const std::vector<InputSpec>& specs, const std::vector<int64_t>& batches,
                              bool progress) {
  State& s = *state_;
  s.reset_times();
  const size_t nireq = s.slots.size();
  std::unique_ptr<Progress> bar;
  if (progress) bar = std::make_unique<Progress>(limits, batches[0], s.completed);
  size_t iteration = 0;
  int64_t frames = 0;
  const Clock::time_point begin = Clock::now();
  double elapsed_ms = 0;
  while ((limits.niter > 0 && iteration < static_cast<size_t>(limits.niter)) ||
         (limits.duration_ms > 0 && elapsed_ms < limits.duration_ms) || (s.async && iteration % nireq != 0)) {
    Slot* slot = s.get_idle();
    const size_t c = full_mode_data ? iteration % full_mode_data->size() : 0;
    if (full_mode_data)
      for (size_t j = 0; j < specs.size(); ++j)
        slot->request.set_tensor(specs[j].port.name, (*full_mode_data)[c][j]);
    s.start(slot);
    frames += batches[c % batches.size()];
    ++iteration;
    elapsed_ms = ms_between(begin, Clock::now());
  }
  s.wait_all();
  bar.reset();

  Measurement m;
  m.iterations = iteration;
  {
    std::lock_guard lock(s.mutex);
    m.duration_ms = ms_between(s.first_start, s.last_end);
    m.latencies_ms = s.latencies;
  }
  m.fps = m.duration_ms > 0 ? 1000.0 * static_cast<double>(frames) / m.duration_ms : 0.0;
  return m;
}

}  // namespace sparrow::tools::bench
