// Micro-benchmarks of every kernel in src/kernels/qgemm/kernels.inc on BERT-base's linear-layer shapes,
// one thread, weights and activations cache-hot. Counters: GOPS (2 * M * N * K operations per iteration)
// and peak% (of the 460 int8 GOPS one core's vpdpbusd reaches here, ../shared/peers/README.md).
//
//   sparrow_kernel_bench --benchmark_filter=qgemm --benchmark_repetitions=3
//   --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "base/isa.h"
#include "kernels/qgemm/qgemm.h"

namespace sparrow::bench {
int32_t vpdpbusd_peak(size_t iterations);
}  // namespace sparrow::bench

namespace sparrow::kernels {
namespace {

constexpr double kPeakGops = 460;

// (N, K) of BERT-base's linear layers: attention output, FFN up, FFN down, fused QKV.
constexpr size_t kNK[][2] = {{768, 768}, {3072, 768}, {768, 3072}, {2304, 768}};
constexpr size_t kMs[] = {16, 64, 128};  // tokens per inference

void bench_qgemm(benchmark::State& state, const QgemmKernel* kernel, bool f32, size_t M, size_t N, size_t K) {
  std::string reason = qgemm_reject_reason(*kernel, base::detected_isa());
  if (!reason.empty()) {
    state.SkipWithError(reason.c_str());
    return;
  }
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> u8(0, 255), s8(-128, 127);
  std::vector<uint8_t> src(M * K);
  std::vector<int8_t> wei(N * K);
  for (auto& x : src) x = static_cast<uint8_t>(u8(rng));
  for (auto& x : wei) x = static_cast<int8_t>(s8(rng));
  std::vector<float> alpha(N, 1e-3f), beta(N, 0.5f), dst_f32(M * N);
  std::vector<int32_t> dst_s32(M * N);
  QgemmWeights w;
  kernel->pack(wei.data(), N, K, w);
  for (auto _ : state) {
    if (f32) {
      kernel->run_f32(M, 0, N, src.data(), K, w, {alpha.data(), beta.data()}, dst_f32.data(), N);
      benchmark::DoNotOptimize(dst_f32.data());
    } else {
      kernel->run_s32(M, 0, N, src.data(), K, w, dst_s32.data(), N);
      benchmark::DoNotOptimize(dst_s32.data());
    }
    benchmark::ClobberMemory();
  }
  const double gops = 2e-9 * static_cast<double>(M * N * K);
  state.counters["GOPS"] = benchmark::Counter(gops, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak%"] =
      benchmark::Counter(gops * 100 / kPeakGops, benchmark::Counter::kIsIterationInvariantRate);
}

// The ceiling the kernels are measured against, in the same run: GOPS of back-to-back vpdpbusd.
void bench_peak(benchmark::State& state) {
  if (base::detected_isa() < base::Isa::avx512vnni) {
    state.SkipWithError("needs avx512vnni");
    return;
  }
  constexpr size_t kIterations = 1 << 16;
  for (auto _ : state) benchmark::DoNotOptimize(sparrow::bench::vpdpbusd_peak(kIterations));
  const double gops = 2e-9 * kIterations * 16 * 64;
  state.counters["GOPS"] = benchmark::Counter(gops, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak%"] =
      benchmark::Counter(gops * 100 / kPeakGops, benchmark::Counter::kIsIterationInvariantRate);
}

void register_qgemm() {
  benchmark::RegisterBenchmark("peak/vpdpbusd_zmm", bench_peak)->Unit(benchmark::kMicrosecond);
  for (const QgemmKernel& kernel : qgemm_kernels()) {
    for (bool f32 : {true, false}) {
      for (auto [N, K] : kNK) {
        for (size_t M : kMs) {
          std::string name = std::string("qgemm/") + kernel.name + (f32 ? "/f32" : "/s32") +
                             "/M:" + std::to_string(M) + "/N:" + std::to_string(N) +
                             "/K:" + std::to_string(K);
          benchmark::RegisterBenchmark(name.c_str(), bench_qgemm, &kernel, f32, M, N, K)
              ->Unit(benchmark::kMicrosecond);
        }
      }
    }
  }
  benchmark::AddCustomContext("detected_isa", to_string(base::detected_isa()));
  benchmark::AddCustomContext("qgemm_selected", select_qgemm(base::max_isa()).name);
}

}  // namespace
}  // namespace sparrow::kernels

int main(int argc, char** argv) {
  sparrow::kernels::register_qgemm();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
