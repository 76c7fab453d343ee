// A fixed team of threads for one stream's intra-op parallelism.
//
// Contract:
// - ThreadPool(T) starts T-1 helper threads; the thread that calls parallel_for is the T-th member and takes
//   part in the work, so a pool of 1 starts no thread and runs everything inline.
// - parallel_for(n, fn) splits [0, n) into at most T contiguous ranges of near-equal length, calls
//   fn(begin, end) once per non-empty range, and returns when every range is done. The split depends only on
//   n and T, so results are deterministic. The first exception thrown by fn is rethrown in the caller.
// - Only one thread may call parallel_for on a pool at a time (the stream's own thread). A parallel_for
//   issued from inside fn runs inline.
// - The free function parallel_for uses the pool installed on the calling thread by ThreadPool::Scope, or
//   runs inline when there is none: ops call it without knowing which stream runs them.
// - Waiting spins for up to kSpin before it sleeps, on both sides: an inference issues a parallel_for per
//   node, tens of microseconds apart, and a futex wake-up per node costs more than the work of small nodes
//   on a VM. Helpers with nothing to do for longer sleep and use no CPU.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sparrow::base {

class ThreadPool {
 public:
  using RangeFn = std::function<void(size_t begin, size_t end)>;

  // `helper_cpus`, if not empty, pins helper i to helper_cpus[i % size()].
  explicit ThreadPool(int threads, std::vector<int> helper_cpus = {});
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(helpers_.size()) + 1; }
  void parallel_for(size_t n, const RangeFn& fn);
  // CPU time consumed so far by the helper threads (not the caller).
  std::chrono::nanoseconds helpers_cpu_time() const;

  // Installs `pool` as the calling thread's pool for the scope's lifetime.
  class Scope {
   public:
    explicit Scope(ThreadPool* pool);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    ThreadPool* previous_;
  };
  static ThreadPool* current();

 private:
  void helper_loop(size_t index, int cpu);
  void run_range(size_t part, size_t parts);

  std::vector<std::thread> helpers_;
  // How long a waiting side spins before it sleeps on its condition variable.
  static constexpr std::chrono::microseconds kSpin{100};

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const RangeFn* fn_ = nullptr;  // the current job: written before generation_ is bumped, valid while pending_ > 0
  size_t n_ = 0;
  std::atomic<size_t> generation_{0};  // bumped under mutex_ for each job (release), read by helpers (acquire)
  std::atomic<size_t> pending_{0};     // helpers still working on the current job
  std::exception_ptr error_;           // guarded by mutex_
  std::atomic<bool> stop_{false};
};

// Runs fn over [0, n) on the calling thread's pool, or inline. Work of fewer than 2 * min_per_thread items
// runs inline: waking threads costs microseconds, more than a few thousand cheap elements take.
void parallel_for(size_t n, const ThreadPool::RangeFn& fn, size_t min_per_thread = 1);

// CPU time of the calling thread.
std::chrono::nanoseconds thread_cpu_time();

}  // namespace sparrow::base
