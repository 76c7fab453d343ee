#include "base/thread_pool.h"

#include <pthread.h>
#include <time.h>

#include "base/cpu_info.h"

namespace sparrow::base {
namespace {

thread_local ThreadPool* current_pool = nullptr;

std::chrono::nanoseconds clock_time(clockid_t clock) {
  timespec ts{};
  if (clock_gettime(clock, &ts) != 0) return std::chrono::nanoseconds(0);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

}  // namespace

ThreadPool::ThreadPool(int threads, std::vector<int> helper_cpus) {
  for (int i = 1; i < threads; ++i) {
    int cpu = helper_cpus.empty() ? -1 : helper_cpus[(i - 1) % helper_cpus.size()];
    helpers_.emplace_back([this, i, cpu] { helper_loop(static_cast<size_t>(i), cpu); });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : helpers_) t.join();
}

void ThreadPool::run_range(size_t part, size_t parts) {
  size_t begin = n_ * part / parts;
  size_t end = n_ * (part + 1) / parts;
  if (begin < end) (*fn_)(begin, end);
}

void ThreadPool::helper_loop(size_t index, int cpu) {
  if (cpu >= 0) pin_current_thread(cpu);
  size_t seen = 0;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
    if (stop_) return;
    seen = generation_;
    size_t parts = static_cast<size_t>(size());
    lock.unlock();
    std::exception_ptr error;
    try {
      run_range(index, parts);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    if (error && !error_) error_ = error;
    if (--pending_ == 0) done_.notify_one();
  }
}

void ThreadPool::parallel_for(size_t n, const RangeFn& fn) {
  if (n == 0) return;
  if (helpers_.empty() || n == 1) {
    fn(0, n);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    fn_ = &fn;
    n_ = n;
    error_ = nullptr;
    pending_ = helpers_.size();
    ++generation_;
  }
  wake_.notify_all();
  std::exception_ptr error;
  {
    // Helpers run inline if fn calls parallel_for again; so does the caller.
    Scope inline_only(nullptr);
    try {
      run_range(0, static_cast<size_t>(size()));
    } catch (...) {
      error = std::current_exception();
    }
  }
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return pending_ == 0; });
  if (!error) error = error_;
  fn_ = nullptr;
  if (error) std::rethrow_exception(error);
}

std::chrono::nanoseconds ThreadPool::helpers_cpu_time() const {
  std::chrono::nanoseconds total{0};
  for (const std::thread& t : helpers_) {
    clockid_t clock;
    if (pthread_getcpuclockid(const_cast<std::thread&>(t).native_handle(), &clock) == 0) total += clock_time(clock);
  }
  return total;
}

ThreadPool::Scope::Scope(ThreadPool* pool) : previous_(current_pool) { current_pool = pool; }
ThreadPool::Scope::~Scope() { current_pool = previous_; }
ThreadPool* ThreadPool::current() { return current_pool; }

void parallel_for(size_t n, const ThreadPool::RangeFn& fn, size_t min_per_thread) {
  ThreadPool* pool = current_pool;
  if (pool && n >= 2 * min_per_thread) {
    pool->parallel_for(n, fn);
  } else if (n > 0) {
    fn(0, n);
  }
}

std::chrono::nanoseconds thread_cpu_time() { return clock_time(CLOCK_THREAD_CPUTIME_ID); }

}  // namespace sparrow::base
