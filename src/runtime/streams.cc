#include "runtime/streams.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "base/cpu_info.h"
#include "base/thread_pool.h"
#include "runtime/async_request.h"

namespace sparrow::runtime {

struct Streams::State {
  std::mutex mutex;
  std::condition_variable work;
  std::deque<AsyncRequest*> queue;
  bool stop = false;
};

namespace {

// One stream: pin, build the pool, then take requests until told to stop.
void stream_loop(const std::shared_ptr<Streams::State>& state, int threads, std::vector<int> cpus) {
  if (!cpus.empty()) base::pin_current_thread(cpus[0]);
  std::vector<int> helper_cpus(cpus.begin() + (cpus.empty() ? 0 : 1), cpus.end());
  base::ThreadPool pool(threads, helper_cpus);
  base::ThreadPool::Scope scope(&pool);
  ExecutionScratch scratch;
  std::unique_lock lock(state->mutex);
  for (;;) {
    state->work.wait(lock, [&] { return state->stop || !state->queue.empty(); });
    if (state->queue.empty()) return;  // stop requested and nothing left
    AsyncRequest* request = state->queue.front();
    state->queue.pop_front();
    lock.unlock();
    request->execute(scratch);
    lock.lock();
  }
}

}  // namespace

Streams::Streams(const Config& config) : state_(std::make_shared<State>()) {
  const std::vector<int>& allowed = base::cpu_info().allowed_cpus;
  size_t next_cpu = 0;
  for (int64_t s = 0; s < config.num_streams; ++s) {
    int threads = config.threads_of_stream(s);
    std::vector<int> cpus;
    for (int t = 0; t < threads; ++t, ++next_cpu)
      if (config.enable_cpu_pinning) cpus.push_back(allowed[next_cpu % allowed.size()]);
    threads_.emplace_back(stream_loop, state_, threads, std::move(cpus));
  }
}

Streams::~Streams() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stop = true;
  }
  state_->work.notify_all();
  for (std::thread& t : threads_) {
    // A callback that drops the last handle to its compiled model destroys this object on a stream thread,
    // which cannot join itself; that thread owns a share of the state and finishes on its own.
    if (t.get_id() == std::this_thread::get_id()) {
      t.detach();
    } else {
      t.join();
    }
  }
}

void Streams::submit(AsyncRequest* request) {
  {
    std::lock_guard lock(state_->mutex);
    state_->queue.push_back(request);
  }
  state_->work.notify_one();
}

bool Streams::withdraw(AsyncRequest* request) {
  std::lock_guard lock(state_->mutex);
  auto it = std::find(state_->queue.begin(), state_->queue.end(), request);
  if (it == state_->queue.end()) return false;
  state_->queue.erase(it);
  return true;
}

}  // namespace sparrow::runtime
