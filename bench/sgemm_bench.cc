// Micro-benchmarks of every kernel in src/kernels/sgemm/kernels.inc on BERT attention's products for one
// head, one thread, operands cache-hot: scores = Q x K^T (M = N = seq, K = 64, B transposed) and
// context = P x V (M = seq, N = 64, K = seq, B plain), Q, K and V read in place from [seq][768] buffers.
// Counters: GFLOPS (2 * M * N * K per iteration) and peak% of one core's double FMA peak (2 x 8 doubles
// per cycle at 2.8 GHz, 89.6 GFLOPS, the Ice Lake-SP this was tuned on).
//
//   sparrow_kernel_bench --benchmark_filter=sgemm --benchmark_repetitions=3
//   --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "base/isa.h"
#include "kernels/sgemm/sgemm.h"

namespace sparrow::kernels {
namespace {

constexpr double kPeakGflops = 2 * 2 * 8 * 2.8;
constexpr size_t kSeqs[] = {16, 64, 128};
constexpr size_t kHeadSize = 64, kHidden = 768;

void bench_sgemm(benchmark::State& state, const SgemmKernel* kernel, size_t M, size_t N, size_t K,
                 bool b_transposed) {
  std::string reason = sgemm_reject_reason(*kernel, base::detected_isa());
  if (!reason.empty()) {
    state.SkipWithError(reason.c_str());
    return;
  }
  // A: Q (M = seq rows of a [seq][768] buffer) or P ([seq][seq]); B: K or V, one head of [seq][768].
  const size_t lda = b_transposed ? kHidden : K, ldb = kHidden;
  std::vector<float> a(M * lda), b((b_transposed ? N : K) * ldb), c(M * N);
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (float& x : a) x = normal(rng);
  for (float& x : b) x = normal(rng);
  for (auto _ : state) {
    kernel->run(M, N, K, a.data(), lda, b.data(), ldb, b_transposed, c.data(), N);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  const double gflop = 2e-9 * static_cast<double>(M * N * K);
  state.counters["GFLOPS"] = benchmark::Counter(gflop, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak%"] =
      benchmark::Counter(gflop * 100 / kPeakGflops, benchmark::Counter::kIsIterationInvariantRate);
}

// Registered before main (like BENCHMARK()), so the binary's main, in qgemm_bench.cc, needs no call.
void register_sgemm() {
  for (const SgemmKernel& kernel : sgemm_kernels()) {
    for (size_t seq : kSeqs) {
      const std::string shape = "/seq:" + std::to_string(seq);
      benchmark::RegisterBenchmark((std::string("sgemm/") + kernel.name + "/QxKt" + shape).c_str(),
                                   bench_sgemm, &kernel, seq, seq, kHeadSize, true)
          ->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark((std::string("sgemm/") + kernel.name + "/PxV" + shape).c_str(),
                                   bench_sgemm, &kernel, seq, kHeadSize, seq, false)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  benchmark::AddCustomContext("sgemm_selected", select_sgemm(base::max_isa()).name);
}

const bool registered = (register_sgemm(), true);

}  // namespace
}  // namespace sparrow::kernels
