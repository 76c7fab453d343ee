// Conformance of every kernel in kernels.inc against a scalar reference written here (it shares no code
// with qgemm_ref.cc): int32 results exact, f32 results bit-identical to fmaf(float(acc), alpha, beta).
// src, dst, alpha and beta sit against a guard page, so a read or write past their ends faults.
#include "kernels/qgemm/qgemm.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/guarded_buffer.h"

namespace sparrow::kernels {
namespace {

using base::Isa;


// The seed of this process's random tests: SPARROW_SEED, else fresh; printed once so a failure can be
// replayed.
uint64_t test_seed() {
  static const uint64_t seed = [] {
    const char* env = std::getenv("SPARROW_SEED");
    uint64_t s = env && *env ? std::strtoull(env, nullptr, 10) : std::random_device{}();
    std::printf("qgemm tests: SPARROW_SEED=%llu\n", static_cast<unsigned long long>(s));
    return s;
  }();
  return seed;
}

struct Problem {
  size_t M, N, K;
  std::vector<uint8_t> src;  // [M][K]
  std::vector<int8_t> wei;   // [N][K]
  std::vector<float> alpha, beta;
};

Problem random_problem(size_t M, size_t N, size_t K, std::mt19937_64& rng) {
  Problem p{M,
            N,
            K,
            std::vector<uint8_t>(M * K),
            std::vector<int8_t>(N * K),
            std::vector<float>(N),
            std::vector<float>(N)};
  std::uniform_int_distribution<int> u8(0, 255), s8(-128, 127);
  for (auto& x : p.src) x = static_cast<uint8_t>(u8(rng));
  for (auto& x : p.wei) x = static_cast<int8_t>(s8(rng));
  std::uniform_real_distribution<float> scale(-1e-3f, 1e-3f), shift(-10.f, 10.f);
  for (size_t n = 0; n < N; ++n) {
    p.alpha[n] = scale(rng);
    p.beta[n] = shift(rng);
  }
  return p;
}

int32_t expected_acc(const Problem& p, size_t m, size_t n) {
  int64_t acc = 0;
  for (size_t k = 0; k < p.K; ++k) acc += int64_t{p.src[m * p.K + k]} * int64_t{p.wei[n * p.K + k]};
  return static_cast<int32_t>(acc);
}

struct Run {
  size_t n_begin, n_end, src_stride, dst_stride;
};

std::string describe(const Problem& p, const Run& r) {
  return "M=" + std::to_string(p.M) + " N=" + std::to_string(p.N) + " K=" + std::to_string(p.K) + " n=[" +
         std::to_string(r.n_begin) + "," + std::to_string(r.n_end) +
         ") src_stride=" + std::to_string(r.src_stride) + " dst_stride=" + std::to_string(r.dst_stride);
}

constexpr int32_t kSentinel = 0x5a5a5a5a;

// Runs run_s32 and run_f32 on guarded copies and compares every element of dst: computed inside the range,
// untouched outside it.
testing::AssertionResult check(const QgemmKernel& kernel, const QgemmWeights& w, const Problem& p,
                               const Run& r) {
  const size_t M = p.M, K = p.K;
  GuardedBuffer src((M - 1) * r.src_stride + K);
  for (size_t m = 0; m < M; ++m) std::memcpy(src.as<uint8_t>() + m * r.src_stride, &p.src[m * K], K);
  const size_t dst_elems = (M - 1) * r.dst_stride + r.n_end;
  GuardedBuffer dst32(dst_elems * sizeof(int32_t)), dstf(dst_elems * sizeof(float));
  GuardedBuffer alpha(r.n_end * sizeof(float)), beta(r.n_end * sizeof(float));
  std::memcpy(alpha.as<float>(), p.alpha.data(), r.n_end * sizeof(float));
  std::memcpy(beta.as<float>(), p.beta.data(), r.n_end * sizeof(float));
  for (size_t i = 0; i < dst_elems; ++i) dst32.as<int32_t>()[i] = dstf.as<int32_t>()[i] = kSentinel;

  kernel.run_s32(M, r.n_begin, r.n_end, src.as<uint8_t>(), r.src_stride, w, dst32.as<int32_t>(),
                 r.dst_stride);
  kernel.run_f32(M, r.n_begin, r.n_end, src.as<uint8_t>(), r.src_stride, w,
                 {alpha.as<float>(), beta.as<float>()}, dstf.as<float>(), r.dst_stride);

  for (size_t i = 0; i < dst_elems; ++i) {
    const size_t m = i / r.dst_stride, n = i % r.dst_stride;
    const bool inside = n >= r.n_begin && n < r.n_end;
    const int32_t want = inside ? expected_acc(p, m, n) : kSentinel;
    const int32_t got = dst32.as<int32_t>()[i];
    const int32_t want_f =
        inside ? std::bit_cast<int32_t>(std::fma(static_cast<float>(want), p.alpha[n], p.beta[n]))
               : kSentinel;
    const int32_t got_f = dstf.as<int32_t>()[i];
    if (got != want || got_f != want_f) {
      return testing::AssertionFailure()
             << kernel.name << " " << describe(p, r) << ": at m=" << m << " n=" << n
             << (inside ? "" : " (outside)") << " s32 " << got << " want " << want << "; f32 "
             << std::bit_cast<float>(got_f) << " want " << std::bit_cast<float>(want_f);
    }
  }
  return testing::AssertionSuccess();
}

QgemmWeights pack(const QgemmKernel& kernel, const Problem& p) {
  QgemmWeights w;
  kernel.pack(p.wei.data(), p.N, p.K, w);
  return w;
}

Run full_range(const Problem& p) {
  return {0, p.N, p.K, p.N};
}

class QgemmConformance : public testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    kernel_ = find_qgemm(GetParam());
    ASSERT_NE(kernel_, nullptr) << GetParam();
    std::string reason = qgemm_reject_reason(*kernel_, base::detected_isa());
    if (!reason.empty()) GTEST_SKIP() << kernel_->name << " cannot run here: " << reason;
    rng_.seed(test_seed());
  }
  const QgemmKernel& kernel() const { return *kernel_; }
  const QgemmKernel* kernel_ = nullptr;
  std::mt19937_64 rng_;
};

constexpr size_t kMs[] = {1, 2, 3, 7, 8, 9, 16, 17, 64, 65};
constexpr size_t kNs[] = {1, 15, 16, 17, 31, 32, 33, 64, 100, 768};
constexpr size_t kKs[] = {1, 2, 3, 4, 5, 63, 64, 65, 768, 3072};

TEST_P(QgemmConformance, PackRecordsKernelShapeAndColumnSums) {
  Problem p = random_problem(1, 33, 65, rng_);
  QgemmWeights w = pack(kernel(), p);
  EXPECT_EQ(w.kernel, &kernel());
  EXPECT_EQ(w.N, 33u);
  EXPECT_EQ(w.K, 65u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(w.packed.data()) % 64, 0u);
  ASSERT_EQ(w.col_sums.size(), 33u);
  for (size_t n = 0; n < 33; ++n) {
    int32_t sum = 0;
    for (size_t k = 0; k < 65; ++k) sum += p.wei[n * 65 + k];
    EXPECT_EQ(w.col_sums[n], sum) << "n=" << n;
  }
}

// Every (M, N, K) of the grid up to 4M multiply-adds (which keeps tails in each dimension at every size of
// the others), then BERT-sized shapes with tails.
TEST_P(QgemmConformance, GridOfShapes) {
  std::vector<std::array<size_t, 3>> shapes;
  for (size_t M : kMs) {
    for (size_t N : kNs) {
      for (size_t K : kKs) {
        if (M * N * K <= (size_t{1} << 22)) shapes.push_back({M, N, K});
      }
    }
  }
  shapes.push_back({65, 768, 768});
  shapes.push_back({17, 768, 3072});
  shapes.push_back({9, 100, 3072});
  for (auto [M, N, K] : shapes) {
    Problem p = random_problem(M, N, K, rng_);
    QgemmWeights w = pack(kernel(), p);
    ASSERT_TRUE(check(kernel(), w, p, full_range(p)));
  }
}

// Column ranges in multiples of n_block (the last one ending at N), and strides wider than K and n_end.
TEST_P(QgemmConformance, SubRangesAndStrides) {
  const size_t nb = kernel().n_block;
  for (size_t M : {1, 9, 17}) {
    for (size_t N : {nb, 2 * nb + 5, 3 * nb}) {
      for (size_t K : {5, 64, 67}) {
        Problem p = random_problem(M, N, K, rng_);
        QgemmWeights w = pack(kernel(), p);
        for (size_t begin = 0; begin < N; begin += nb) {
          for (size_t end = begin + nb; end < N + nb; end += nb) {
            size_t n_end = std::min(end, N);
            ASSERT_TRUE(check(kernel(), w, p, {begin, n_end, K, N}));
            ASSERT_TRUE(check(kernel(), w, p, {begin, n_end, K + 13, n_end + 7}));
          }
        }
      }
    }
  }
}

// u8 255 times s8 -128 or +127 at every k: the largest sums in magnitude, up to K = 65536 where
// 255 * -128 * K is within 2^31 of zero by 0.4%.
TEST_P(QgemmConformance, ExtremeValues) {
  for (auto [M, N, K] : {std::array<size_t, 3>{9, 33, 3072}, {2, 17, 65536}, {3, 31, 65535}}) {
    for (int w_value : {-128, 127}) {
      for (uint8_t s_value : {uint8_t{255}, uint8_t{0}}) {
        Problem p = random_problem(M, N, K, rng_);
        std::fill(p.src.begin(), p.src.end(), s_value);
        std::fill(p.wei.begin(), p.wei.end(), static_cast<int8_t>(w_value));
        QgemmWeights w = pack(kernel(), p);
        ASSERT_TRUE(check(kernel(), w, p, full_range(p)));
      }
    }
  }
}

// Sparse weights, as pruned models have them: a share of zeros placed at random, one weight at a time
// (unstructured) or in whole 4-groups of consecutive K values (4-block, the pattern VNNI-friendly pruning
// leaves), plus all-zero output channels and groups at the ends of K. Every kernel of every format must give
// the exact sums; the sparse formats are the ones this exercises, the dense ones must not care.
void zero_out(Problem& p, double fraction, bool block4, std::mt19937_64& rng) {
  const size_t unit = block4 ? 4 : 1;
  const size_t units_per_row = (p.K + unit - 1) / unit, units = p.N * units_per_row;
  std::vector<size_t> order(units);
  for (size_t i = 0; i < units; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  const auto zeroed = static_cast<size_t>(fraction * static_cast<double>(units) + 0.5);
  for (size_t i = 0; i < zeroed; ++i) {
    const size_t n = order[i] / units_per_row, k0 = order[i] % units_per_row * unit;
    for (size_t k = k0; k < std::min(p.K, k0 + unit); ++k) p.wei[n * p.K + k] = 0;
  }
  // A weight the generator drew as 0 stays 0: the share of zeros is at least `fraction` (by ~1/256 more).
}

TEST_P(QgemmConformance, SparseWeightsAtEveryDensity) {
  constexpr double kFractions[] = {0.0, 1.0 / 64, 0.5, 0.8, 0.95, 1.0};
  constexpr std::array<size_t, 3> kShapes[] = {{1, 17, 5},    {9, 33, 67},   {3, 31, 65},  {64, 100, 768},
                                               {65, 48, 768}, {17, 96, 3072}, {8, 1, 4},   {16, 49, 260}};
  for (bool block4 : {false, true}) {
    for (double fraction : kFractions) {
      for (auto [M, N, K] : kShapes) {
        Problem p = random_problem(M, N, K, rng_);
        zero_out(p, fraction, block4, rng_);
        QgemmWeights w = pack(kernel(), p);
        ASSERT_TRUE(check(kernel(), w, p, full_range(p)))
            << (block4 ? "4-block" : "unstructured") << " zeros " << fraction;
      }
    }
  }
}

TEST_P(QgemmConformance, AllZeroChannelsAndEdgeGroups) {
  for (auto [M, N, K] : {std::array<size_t, 3>{9, 67, 131}, {64, 48, 768}, {1, 16, 4}}) {
    Problem p = random_problem(M, N, K, rng_);
    zero_out(p, 0.8, false, rng_);
    for (size_t n = 0; n < N; n += 3) std::fill_n(&p.wei[n * K], K, int8_t{0});  // whole output channels
    for (size_t n = 1; n < N; n += 3) {
      std::fill_n(&p.wei[n * K], std::min<size_t>(4, K), int8_t{0});  // the first group
      for (size_t k = K / 4 * 4; k < K; ++k) p.wei[n * K + k] = 0;    // the tail group
    }
    for (size_t n = 2; n < N; n += 3) p.wei[n * K + K - 1] = -128;  // a lone non-zero at the end of K
    QgemmWeights w = pack(kernel(), p);
    ASSERT_TRUE(check(kernel(), w, p, full_range(p)));
    const size_t nb = kernel().n_block;
    if (N > nb) {
      ASSERT_TRUE(check(kernel(), w, p, {nb, N, K + 3, N + 1}));
    }
  }
}

// Two threads, disjoint column ranges, one packed copy of the weights.
TEST_P(QgemmConformance, ThreadsShareWeights) {
  Problem p = random_problem(16, 768, 768, rng_);
  QgemmWeights w = pack(kernel(), p);
  const size_t split = (p.N / 2 + kernel().n_block - 1) / kernel().n_block * kernel().n_block;
  std::vector<int32_t> dst(p.M * p.N);
  auto part = [&](size_t begin, size_t end) {
    kernel().run_s32(p.M, begin, end, p.src.data(), p.K, w, dst.data(), p.N);
  };
  std::thread t(part, 0, split);
  part(split, p.N);
  t.join();
  for (size_t m = 0; m < p.M; ++m) {
    for (size_t n = 0; n < p.N; ++n) ASSERT_EQ(dst[m * p.N + n], expected_acc(p, m, n)) << m << "," << n;
  }
}

constexpr const char* kKernelNames[] = {
#define SPARROW_QGEMM_KERNEL(isa, feature, format, name, MR, NR, KR) #name,
#include "kernels/qgemm/kernels.inc"
#undef SPARROW_QGEMM_KERNEL
};

INSTANTIATE_TEST_SUITE_P(Kernels, QgemmConformance, testing::ValuesIn(kKernelNames),
                         [](const testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param);
                         });

TEST(QgemmDispatch, ListFollowsKernelsIncWithTheReferenceLast) {
  auto kernels = qgemm_kernels();
  ASSERT_EQ(kernels.size(), std::size(kKernelNames));
  for (size_t i = 0; i < kernels.size(); ++i) EXPECT_STREQ(kernels[i].name, kKernelNames[i]);
  EXPECT_EQ(kernels.back().isa, Isa::ref);
  EXPECT_STREQ(kernels.back().name, "qgemm_u8s8s32_ref");
  EXPECT_EQ(find_qgemm("qgemm_u8s8s32_nonexistent"), nullptr);
}

// A CPU with VNNI must get the VNNI kernel: a silent fallback to a slower kernel fails here.
TEST(QgemmDispatch, PicksTheBestKernelThisCpuRuns) {
  const Isa cpu = base::detected_isa();
  std::printf("detected ISA: %s\n", to_string(cpu));
  const QgemmKernel& chosen = select_qgemm(cpu);
  if (cpu >= Isa::avx512vnni) {
    EXPECT_STREQ(chosen.name, "qgemm_u8s8s32_8x48c4_avx512vnni");
  } else if (cpu >= Isa::avx2) {
    EXPECT_STREQ(chosen.name, "qgemm_u8s8s32_4x16c2_avx2");
  } else {
    EXPECT_STREQ(chosen.name, "qgemm_u8s8s32_ref");
  }
}

TEST(QgemmDispatch, EveryCapLevelInOneProcess) {
  const Isa cpu = base::detected_isa();
  for (WeightFormat format : kAllWeightFormats) {
    bool listed = false;
    for (const QgemmKernel& k : qgemm_kernels()) listed |= k.format == format;
    if (!listed) continue;
    for (Isa cap : base::kAllIsas) {
      const QgemmKernel& chosen = select_qgemm(cap, format);
      EXPECT_EQ(chosen.format, format) << to_string(format);
      EXPECT_LE(chosen.isa, std::min(cap, cpu)) << to_string(cap);
      for (const QgemmKernel& k : qgemm_kernels()) {
        if (&k == &chosen) break;
        if (k.format != format) continue;  // the list holds every format; only this one's order matters
        EXPECT_NE(qgemm_reject_reason(k, cap), "")
            << k.name << " was passed over at cap " << to_string(cap) << " for " << to_string(format);
      }
    }
  }
  EXPECT_STREQ(select_qgemm(Isa::ref).name, "qgemm_u8s8s32_ref");
  if (cpu >= Isa::avx2) {
    EXPECT_STREQ(select_qgemm(Isa::avx2).name, "qgemm_u8s8s32_4x16c2_avx2");
    EXPECT_STREQ(select_qgemm(Isa::avx512).name, "qgemm_u8s8s32_4x16c2_avx2");  // no avx512-only kernel yet
  }
}

TEST(QgemmDispatch, MaxIsaEnvironmentCapsTheChoice) {
  setenv("SPARROW_MAX_ISA", "avx2", 1);
  const Isa capped = base::max_isa();
  const QgemmKernel& chosen = select_qgemm(capped);
  unsetenv("SPARROW_MAX_ISA");
  EXPECT_EQ(capped, std::min(Isa::avx2, base::detected_isa()));
  EXPECT_LE(chosen.isa, Isa::avx2);
}

TEST(QgemmDispatch, VerboseDispatchPrintsEachRejectionWithItsReason) {
  setenv("SPARROW_VERBOSE", "dispatch", 1);
  testing::internal::CaptureStderr();
  const QgemmKernel& chosen = select_qgemm(Isa::ref);
  std::string log = testing::internal::GetCapturedStderr();
  unsetenv("SPARROW_VERBOSE");
  EXPECT_STREQ(chosen.name, "qgemm_u8s8s32_ref");
  EXPECT_NE(log.find("sparrow dispatch: qgemm dense: skip qgemm_u8s8s32_8x48c4_avx512vnni: needs avx512vnni"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("skip qgemm_u8s8s32_4x16c2_avx2: needs avx2"), std::string::npos) << log;
  EXPECT_NE(log.find("chose qgemm_u8s8s32_ref (max isa ref)"), std::string::npos) << log;

  testing::internal::CaptureStderr();
  select_qgemm(Isa::avx512vnni);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "")
      << "nothing is printed without SPARROW_VERBOSE=dispatch";
}

}  // namespace
}  // namespace sparrow::kernels
