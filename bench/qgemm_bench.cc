// Micro-benchmarks of every kernel in src/kernels/qgemm/kernels.inc on BERT-base's linear-layer shapes.
// Counters: GOPS (2 * M * N * K operations per iteration) and peak% (of the 460 int8 GOPS one core's
// vpdpbusd reaches here, ../shared/peers/README.md).
//   qgemm/<kernel>/...      one shape, one thread, weights and activations cache-hot.
//   .../zeros:80u, 80b      the same with 80% of the weights zero: unstructured (each weight zero with
//                           probability 0.8) or 4-block (each 4-group of consecutive K values of a channel
//                           zero with probability 0.8), the patterns of pruned models; the others stay
//                           non-zero. Names without zeros: dense random weights (about 1/256 zeros).
//   qgemm_model/<kernel>/... the 72 linear layers of a BERT-base inference as the model runs them: per
//                           encoder layer Q, K, V, attention output (768 x 768), FFN up (3072 x 768) and
//                           down (768 x 3072), all M rows and columns per call, over `sets` distinct weight
//                           sets. sets:12 is the model (85 MB of packed weights, read from DRAM once per
//                           inference); sets:1 reuses one layer's 7 MB, which stays in L3. threads:2 runs two
//                           independent inferences at once on shared weights (2 streams x 1 thread), each
//                           starting at a different encoder layer; GOPS is their sum over the wall time.
//                           /zeros:80u, /zeros:80b: every layer with those zeros, as above.
//                           With one thread GOPS is over CPU time, as for the shapes above: on a shared
//                           machine the wall time also counts other processes' turns on the core.
//
//   sparrow_kernel_bench --benchmark_filter=qgemm --benchmark_repetitions=3
//   --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <memory>
#include <mutex>
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

enum class Zeros { none, unstructured80, block80 };
constexpr Zeros kAllZeros[] = {Zeros::none, Zeros::unstructured80, Zeros::block80};

const char* name_suffix(Zeros zeros) {
  switch (zeros) {
    case Zeros::none:
      return "";
    case Zeros::unstructured80:
      return "/zeros:80u";
    case Zeros::block80:
      return "/zeros:80b";
  }
  return "?";
}

// Random s8 weights [N][K] with the zeros of `zeros` (sparse ones keep their other weights non-zero).
std::vector<int8_t> random_weights(size_t N, size_t K, Zeros zeros, std::mt19937& rng) {
  std::uniform_int_distribution<int> s8(-128, 127);
  std::vector<int8_t> wei(N * K);
  for (auto& x : wei) x = static_cast<int8_t>(s8(rng));
  if (zeros == Zeros::none) return wei;
  const size_t unit = zeros == Zeros::block80 ? 4 : 1;
  std::bernoulli_distribution zero(0.8);
  for (size_t n = 0; n < N; ++n) {
    for (size_t k0 = 0; k0 < K; k0 += unit) {
      const bool z = zero(rng);
      for (size_t k = k0; k < K && k < k0 + unit; ++k) {
        int8_t& w = wei[n * K + k];
        w = z ? int8_t{0} : w == 0 ? int8_t{1} : w;
      }
    }
  }
  return wei;
}

void bench_qgemm(benchmark::State& state, const QgemmKernel* kernel, bool f32, size_t M, size_t N, size_t K,
                 Zeros zeros) {
  std::string reason = qgemm_reject_reason(*kernel, base::detected_isa());
  if (!reason.empty()) {
    state.SkipWithError(reason.c_str());
    return;
  }
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> u8(0, 255);
  std::vector<uint8_t> src(M * K);
  for (auto& x : src) x = static_cast<uint8_t>(u8(rng));
  const std::vector<int8_t> wei = random_weights(N, K, zeros, rng);
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

// BERT-base: 12 encoder layers of 6 linear layers, (N, K) in the order the model runs them.
constexpr size_t kEncoderLayers = 12;
constexpr size_t kLayerNK[][2] = {{768, 768}, {768, 768}, {768, 768}, {768, 768}, {3072, 768}, {768, 3072}};
constexpr size_t kMaxDim = 3072;

// `sets` encoder layers' weights packed for one kernel; built once per (kernel, sets) and shared read-only
// by the benchmark's threads, as a compiled model's weights are by its streams.
struct ModelWeights {
  const QgemmKernel* kernel = nullptr;
  size_t sets = 0;
  Zeros zeros = Zeros::none;
  std::vector<QgemmWeights> linear;  // [sets][6]
  std::vector<float> alpha, beta;    // kMaxDim each

  static std::shared_ptr<const ModelWeights> get(const QgemmKernel& kernel, size_t sets, Zeros zeros) {
    static std::mutex mutex;
    static std::shared_ptr<const ModelWeights> cached;  // one at a time: a set of 12 is 85-170 MB
    std::lock_guard<std::mutex> lock(mutex);
    if (cached && cached->kernel == &kernel && cached->sets == sets && cached->zeros == zeros) return cached;
    cached.reset();
    auto w = std::make_shared<ModelWeights>();
    w->kernel = &kernel;
    w->sets = sets;
    w->zeros = zeros;
    std::mt19937 rng(2);
    const std::vector<int8_t> wei = random_weights(kMaxDim, 768, zeros, rng);
    w->linear.resize(sets * std::size(kLayerNK));
    for (size_t i = 0; i < w->linear.size(); ++i) {
      const auto [N, K] = kLayerNK[i % std::size(kLayerNK)];
      kernel.pack(wei.data(), N, K, w->linear[i]);  // same values, distinct memory: only the caches matter
    }
    w->alpha.assign(kMaxDim, 1e-3f);
    w->beta.assign(kMaxDim, 0.5f);
    cached = std::move(w);
    return cached;
  }
};

void bench_model(benchmark::State& state, const QgemmKernel* kernel, size_t M, size_t sets, Zeros zeros) {
  std::string reason = qgemm_reject_reason(*kernel, base::detected_isa());
  if (!reason.empty()) {
    state.SkipWithError(reason.c_str());
    return;
  }
  const std::shared_ptr<const ModelWeights> w = ModelWeights::get(*kernel, sets, zeros);
  std::mt19937 rng(3 + static_cast<unsigned>(state.thread_index()));
  std::uniform_int_distribution<int> u8(0, 255);
  std::vector<uint8_t> src(M * kMaxDim);
  for (auto& x : src) x = static_cast<uint8_t>(u8(rng));
  std::vector<float> dst(M * kMaxDim);
  const QgemmEpilogue ep{w->alpha.data(), w->beta.data()};
  const size_t layers = w->linear.size();
  // Streams start half an inference apart, so they do not read the same weights at the same time.
  const size_t first = static_cast<size_t>(state.thread_index()) * layers / 2 / 6 * 6;
  double ops = 0;
  for (size_t i = 0; i < kEncoderLayers * std::size(kLayerNK); ++i) {
    const auto [N, K] = kLayerNK[i % std::size(kLayerNK)];
    ops += 2.0 * static_cast<double>(M * N * K);
  }
  for (auto _ : state) {
    for (size_t i = 0; i < kEncoderLayers * std::size(kLayerNK); ++i) {
      const QgemmWeights& lw = w->linear[(first + i) % layers];
      kernel->run_f32(M, 0, lw.N, src.data(), lw.K, lw, ep, dst.data(), lw.N);
      benchmark::DoNotOptimize(dst.data());
      benchmark::ClobberMemory();
    }
  }
  // Summed over threads; divided by the wall time with threads:2, the throughput of both streams together.
  state.counters["GOPS"] =
      benchmark::Counter(1e-9 * ops * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
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
    for (Zeros zeros : kAllZeros) {
      for (bool f32 : {true, false}) {
        for (auto [N, K] : kNK) {
          for (size_t M : kMs) {
            std::string name = std::string("qgemm/") + kernel.name + (f32 ? "/f32" : "/s32") +
                               "/M:" + std::to_string(M) + "/N:" + std::to_string(N) +
                               "/K:" + std::to_string(K) + name_suffix(zeros);
            benchmark::RegisterBenchmark(name.c_str(), bench_qgemm, &kernel, f32, M, N, K, zeros)
                ->Unit(benchmark::kMicrosecond);
          }
        }
      }
    }
  }
  for (const QgemmKernel& kernel : qgemm_kernels()) {
    if (kernel.isa == base::Isa::ref) continue;  // about 1 s per inference at M = 64
    for (Zeros zeros : kAllZeros) {
      for (size_t sets : {size_t{12}, size_t{1}}) {
        for (int threads : {1, 2}) {
          for (size_t M : kMs) {
            std::string name = std::string("qgemm_model/") + kernel.name + "/M:" + std::to_string(M) +
                               "/sets:" + std::to_string(sets) + name_suffix(zeros);
            auto* b = benchmark::RegisterBenchmark(name.c_str(), bench_model, &kernel, M, sets, zeros)
                          ->Unit(benchmark::kMillisecond)
                          ->Threads(threads);
            if (threads > 1) b->UseRealTime();
          }
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
