// Micro-benchmarks of every kernel set in src/kernels/vmath/kernels.inc (the reference set is the scalar
// std:: loop of the reference ops) at BERT-base shapes, one thread, data cache-hot. Counter ns/elem: time per
// element of one iteration (the value is in ns; google-benchmark appends an "s" to inverted rates).
//   vmath/<set>/gelu_erf|gelu_tanh/n:196608        64 tokens x 3072 (FFN up)
//   vmath/<set>/gelu_erf_accurate/n:196608         gelu_erf with every lane on its accurate path (the
//                                                  kernel before the fast path; vmath_set_gelu_test_hooks)
//   vmath/<set>/softmax/row:64|128/rows:768         12 heads x 64 query rows, key lengths 64 and 128
//   vmath/<set>/layernorm/row:768/rows:64           residual add + MVN + gamma + beta, 64 tokens
//   vmath/<set>/quantize/n:49152|196608             64 x 768 and 64 x 3072
//   vmath/<set>/gelu_quantize/n:196608             gelu_quantize_u8 on the FFN up output, BERT's range
//                                                  (-0.17, 6.5, 256); inputs normal(0, 1)
//   vmath/<set>/gelu_then_quantize/n:196608        gelu_erf then quantize_u8, the same bytes (the before)
//   vmath/<set>/gelu_quantize_exact/n:196608       gelu_quantize_u8 with every lane on the exact composition
//
//   sparrow_kernel_bench --benchmark_filter=vmath --benchmark_repetitions=3
//   --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "base/isa.h"
#include "kernels/vmath/vmath.h"

namespace sparrow::kernels {
namespace {

enum class Op {
  kGeluErf,
  kGeluErfAccurate,
  kGeluTanh,
  kSoftmax,
  kLayernorm,
  kQuantize,
  kGeluQuantize,
  kGeluThenQuantize,
  kGeluQuantizeExact
};

std::vector<float> random_floats(size_t n, float scale, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = normal(rng);
  return v;
}

void bench_vmath(benchmark::State& state, const VmathKernels* k, Op op, size_t row, size_t rows) {
  std::string reason = vmath_reject_reason(*k, base::detected_isa());
  if (!reason.empty()) {
    state.SkipWithError(reason.c_str());
    return;
  }
  const size_t n = row * rows;
  std::vector<float> x = random_floats(n, op == Op::kSoftmax ? 3.f : 1.f, 1), y(n), sum(n);
  const std::vector<float> residual = random_floats(n, 1.f, 2), gamma = random_floats(row, 1.f, 3),
                           beta = random_floats(row, 1.f, 4);
  std::vector<uint8_t> q(n);
  vmath_set_gelu_test_hooks(1.0, op == Op::kGeluErfAccurate);
  vmath_set_gelu_quantize_test_hooks(1.0f, op == Op::kGeluQuantizeExact);
  for (auto _ : state) {
    switch (op) {
      case Op::kGeluErf:
      case Op::kGeluErfAccurate:
        k->gelu_erf(x.data(), y.data(), n);
        break;
      case Op::kGeluTanh:
        k->gelu_tanh(x.data(), y.data(), n);
        break;
      case Op::kSoftmax:
        for (size_t r = 0; r < rows; ++r) k->softmax_row(x.data() + r * row, y.data() + r * row, row);
        break;
      case Op::kLayernorm:
        for (size_t r = 0; r < rows; ++r) {
          k->layernorm_row(x.data() + r * row, residual.data() + r * row, gamma.data(), beta.data(), row,
                           1e-12, true, y.data() + r * row, sum.data() + r * row);
        }
        break;
      case Op::kQuantize:
        k->quantize_u8(x.data(), q.data(), n, -2.5f, 3.f, 256);
        break;
      case Op::kGeluQuantize:
      case Op::kGeluQuantizeExact:
        k->gelu_quantize_u8(x.data(), q.data(), n, -0.17f, 6.5f, 256);
        break;
      case Op::kGeluThenQuantize:
        k->gelu_erf(x.data(), y.data(), n);
        k->quantize_u8(y.data(), q.data(), n, -0.17f, 6.5f, 256);
        break;
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::DoNotOptimize(q.data());
    benchmark::ClobberMemory();
  }
  vmath_set_gelu_test_hooks(1.0, false);
  vmath_set_gelu_quantize_test_hooks(1.0f, false);
  state.counters["ns/elem"] =
      benchmark::Counter(static_cast<double>(n) * 1e-9,
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// Registered before main (like BENCHMARK()), so the binary's main, in qgemm_bench.cc, needs no call.
void register_vmath() {
  struct Case {
    const char* name;
    Op op;
    size_t row, rows;
  };
  const Case cases[] = {
      {"gelu_erf/n:196608", Op::kGeluErf, 64 * 3072, 1},
      {"gelu_erf_accurate/n:196608", Op::kGeluErfAccurate, 64 * 3072, 1},
      {"gelu_tanh/n:196608", Op::kGeluTanh, 64 * 3072, 1},
      {"softmax/row:64/rows:768", Op::kSoftmax, 64, 12 * 64},
      {"softmax/row:128/rows:768", Op::kSoftmax, 128, 12 * 64},
      {"layernorm/row:768/rows:64", Op::kLayernorm, 768, 64},
      {"quantize/n:49152", Op::kQuantize, 64 * 768, 1},
      {"quantize/n:196608", Op::kQuantize, 64 * 3072, 1},
      {"gelu_quantize/n:196608", Op::kGeluQuantize, 64 * 3072, 1},
      {"gelu_then_quantize/n:196608", Op::kGeluThenQuantize, 64 * 3072, 1},
      {"gelu_quantize_exact/n:196608", Op::kGeluQuantizeExact, 64 * 3072, 1},
  };
  for (const VmathKernels& k : vmath_kernels()) {
    for (const Case& c : cases) {
      benchmark::RegisterBenchmark((std::string("vmath/") + k.name + "/" + c.name).c_str(), bench_vmath, &k,
                                   c.op, c.row, c.rows)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  benchmark::AddCustomContext("vmath_selected", select_vmath(base::max_isa()).name);
}

const bool registered = (register_vmath(), true);

}  // namespace
}  // namespace sparrow::kernels
