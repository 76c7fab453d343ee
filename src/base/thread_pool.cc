#include "base/thread_pool.h"

#include <pthread.h>
#include <time.h>

#include "base/cpu_info.h"

namespace sparrow::base {
namespace {

thread_local ThreadPool* current_pool = nullptr;

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Spins until done() or the budget runs out; true when done() held. It never yields: under contention a
// sched_yield can cost a whole time slice, which turned a 100 us spin into milliseconds per node. When
// threads outnumber cores a spinner wastes at most the budget before it sleeps.
template <class Done>
bool spin_until(Done done, std::chrono::microseconds budget) {
  const auto deadline = std::chrono::steady_clock::now() + budget;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      cpu_relax();
    }
    if (std::chrono::steady_clock::now() > deadline) return done();
  }
}

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
    stop_.store(true, std::memory_order_release);
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
  for (;;) {
    auto news = [&] {
      return stop_.load(std::memory_order_acquire) || generation_.load(std::memory_order_acquire) != seen;
    };
    if (!spin_until(news, kSpin)) {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, news);
    }
    if (stop_.load(std::memory_order_acquire)) return;
    seen = generation_.load(std::memory_order_acquire);
    std::exception_ptr error;
    try {
      run_range(index, static_cast<size_t>(size()));
    } catch (...) {
      error = std::current_exception();
    }
    if (error) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = error;
    }
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard lock(mutex_);  // pairs with the caller's check-then-sleep: no lost wake-up
      done_.notify_one();
    }
  }
}

void ThreadPool::parallel_for(size_t n, const RangeFn& fn) {
  if (n == 0) return;
  if (helpers_.empty() || n == 1) {
    fn(0, n);
    return;
  }
  // No helper reads the job fields now: the previous job ended with pending_ == 0.
  fn_ = &fn;
  n_ = n;
  {
    std::lock_guard lock(mutex_);
    error_ = nullptr;
    pending_.store(helpers_.size(), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  std::exception_ptr error;
  {
    // A parallel_for issued by fn on this thread runs inline.
    Scope inline_only(nullptr);
    try {
      run_range(0, static_cast<size_t>(size()));
    } catch (...) {
      error = std::current_exception();
    }
  }
  auto finished = [&] { return pending_.load(std::memory_order_acquire) == 0; };
  if (!spin_until(finished, kSpin)) {
    std::unique_lock lock(mutex_);
    done_.wait(lock, finished);
  }
  std::lock_guard lock(mutex_);
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
