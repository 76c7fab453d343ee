#include "base/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <stdexcept>

#include "base/cpu_info.h"

namespace sparrow::base {
namespace {

TEST(ThreadPool, CoversEveryIndexOnceInContiguousRanges) {
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (size_t n : {0u, 1u, 2u, 3u, 7u, 64u, 1001u}) {
      std::vector<std::atomic<int>> hits(n);
      std::atomic<int> calls{0};
      pool.parallel_for(n, [&](size_t begin, size_t end) {
        EXPECT_LT(begin, end);
        calls++;
        for (size_t i = begin; i < end; ++i) hits[i]++;
      });
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(hits[i], 1) << "threads " << threads << " n " << n << " i " << i;
      EXPECT_LE(calls, threads);
    }
  }
}

TEST(ThreadPool, SplitDependsOnlyOnSizeAndThreadCount) {
  ThreadPool pool(3);
  auto ranges = [&] {
    std::mutex m;
    std::set<std::pair<size_t, size_t>> r;
    pool.parallel_for(10, [&](size_t b, size_t e) {
      std::lock_guard lock(m);
      r.insert({b, e});
    });
    return r;
  };
  std::set<std::pair<size_t, size_t>> expected = {{0, 3}, {3, 6}, {6, 10}};
  for (int i = 0; i < 20; ++i) EXPECT_EQ(ranges(), expected);
}

TEST(ThreadPool, FirstErrorReachesTheCaller) {
  ThreadPool pool(4);
  EXPECT_THROW(pool.parallel_for(100,
                                 [](size_t b, size_t) {
                                   if (b > 0) throw std::runtime_error("helper failed");
                                 }),
               std::runtime_error);
  // The pool still works afterwards.
  std::atomic<size_t> sum{0};
  pool.parallel_for(100, [&](size_t b, size_t e) { sum += e - b; });
  EXPECT_EQ(sum, 100u);
}

TEST(ThreadPool, FreeFunctionUsesTheInstalledPoolAndNestsInline) {
  std::atomic<int> outer_calls{0}, inner_calls{0};
  parallel_for(8, [&](size_t, size_t) { outer_calls++; });
  EXPECT_EQ(outer_calls, 1);  // no pool installed: one inline call
  ThreadPool pool(2);
  ThreadPool::Scope scope(&pool);
  EXPECT_EQ(ThreadPool::current(), &pool);
  outer_calls = 0;
  parallel_for(8, [&](size_t, size_t) {
    outer_calls++;
    parallel_for(4, [&](size_t b, size_t e) {
      EXPECT_EQ(b, 0u);
      EXPECT_EQ(e, 4u);
      inner_calls++;
    });
  });
  EXPECT_EQ(outer_calls, 2);
  EXPECT_EQ(inner_calls, 2);
}

TEST(CpuInfo, SeesTheAllowedCpus) {
  const CpuInfo& info = cpu_info();
  ASSERT_FALSE(info.allowed_cpus.empty());
  EXPECT_GE(info.physical_cores, 1);
  EXPECT_LE(info.physical_cores, static_cast<int>(info.allowed_cpus.size()));
  EXPECT_FALSE(info.model_name.empty());
}

}  // namespace
}  // namespace sparrow::base
