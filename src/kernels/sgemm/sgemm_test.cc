// Conformance of every kernel in kernels.inc against the contract's loop written here (it shares no code
// with sgemm_ref.cc): float(sum over k in order of double products). Every kernel sums each output's
// products in increasing k (sgemm.h, Exactness), so the floats must be bit-identical: the allowance for a
// kernel that sums in another order (one float ulp in a few elements) is zero for every kernel today, and
// a kernel that needs it must say so in kMaxUlpMismatches below with its reason.
// A, B and C sit against a guard page, after their last element or before their first, so a read or
// write outside them faults; stride padding holds NaN (a kernel that summed it would return NaN) and C's
// padding a sentinel that must survive.
#include "kernels/sgemm/sgemm.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace sparrow::kernels {
namespace {

using base::Isa;

// Elements a kernel may get one float ulp away from the ordered loop, per call. Zero: every kernel in
// kernels.inc adds in k order, and a fused multiply-add of an exact float x float product rounds like the
// plain addition, so the sums are the same doubles.
constexpr size_t kMaxUlpMismatches = 0;

enum class Guard { after, before };

// A buffer of `count` floats with a PROT_NONE page right after its last element or right before its first.
class GuardedFloats {
 public:
  GuardedFloats(size_t count, Guard guard) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t bytes = count * sizeof(float);
    const size_t data_pages = (bytes + page - 1) / page;
    total_ = (data_pages + 1) * page;
    void* p = mmap(nullptr, total_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) std::abort();
    base_ = static_cast<std::byte*>(p);
    if (guard == Guard::after) {
      if (mprotect(base_ + data_pages * page, page, PROT_NONE) != 0) std::abort();
      data_ = reinterpret_cast<float*>(base_ + data_pages * page - bytes);
    } else {
      if (mprotect(base_, page, PROT_NONE) != 0) std::abort();
      data_ = reinterpret_cast<float*>(base_ + page);
    }
  }
  ~GuardedFloats() { munmap(base_, total_); }
  GuardedFloats(const GuardedFloats&) = delete;
  GuardedFloats& operator=(const GuardedFloats&) = delete;

  float* data() { return data_; }

 private:
  std::byte* base_ = nullptr;
  float* data_ = nullptr;
  size_t total_ = 0;
};

uint64_t test_seed() {
  static const uint64_t seed = [] {
    const char* env = std::getenv("SPARROW_SEED");
    uint64_t s = env && *env ? std::strtoull(env, nullptr, 10) : std::random_device{}();
    std::printf("sgemm tests: SPARROW_SEED=%llu\n", static_cast<unsigned long long>(s));
    return s;
  }();
  return seed;
}

// Dense operands: a [M][K]; b [K][N], or [N][K] when transposed.
struct Problem {
  size_t M, N, K;
  bool b_transposed;
  std::vector<float> a, b;

  float b_at(size_t k, size_t n) const { return b_transposed ? b[n * K + k] : b[k * N + n]; }
};

struct Strides {
  size_t lda, ldb, ldc;
};

Strides dense(const Problem& p) {
  return {p.K, p.b_transposed ? p.K : p.N, p.N};
}
Strides padded(const Problem& p) {
  return {p.K + 3, (p.b_transposed ? p.K : p.N) + 5, p.N + 7};
}

Problem random_problem(size_t M, size_t N, size_t K, bool b_transposed, std::mt19937_64& rng) {
  Problem p{M, N, K, b_transposed, std::vector<float>(M * K), std::vector<float>(K * N)};
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (float& x : p.a) x = normal(rng);
  for (float& x : p.b) x = normal(rng);
  return p;
}

// The contract's loop.
float expected(const Problem& p, size_t m, size_t n) {
  double acc = 0.0;
  for (size_t k = 0; k < p.K; ++k)
    acc += static_cast<double>(p.a[m * p.K + k]) * static_cast<double>(p.b_at(k, n));
  return static_cast<float>(acc);
}

std::string describe(const SgemmKernel& kernel, const Problem& p, const Strides& s, Guard guard) {
  return std::string(kernel.name) + " M=" + std::to_string(p.M) + " N=" + std::to_string(p.N) +
         " K=" + std::to_string(p.K) + (p.b_transposed ? " B transposed" : " B plain") +
         " lda=" + std::to_string(s.lda) + " ldb=" + std::to_string(s.ldb) + " ldc=" + std::to_string(s.ldc) +
         (guard == Guard::after ? " guard after" : " guard before");
}

constexpr uint32_t kSentinel = 0x7fa5a5a5;  // a NaN no arithmetic produces

bool ulp_apart(float x, float y) {
  if (!std::isfinite(x) || !std::isfinite(y) || std::signbit(x) != std::signbit(y)) return false;
  const int64_t d = int64_t{std::bit_cast<int32_t>(x)} - int64_t{std::bit_cast<int32_t>(y)};
  return d == 1 || d == -1;
}

// Runs the kernel on guarded, strided copies and compares every element of C's span: the contract's float
// inside [0, M) x [0, N), the sentinel in the stride padding.
testing::AssertionResult check(const SgemmKernel& kernel, const Problem& p, const Strides& s, Guard guard) {
  const size_t M = p.M, N = p.N, K = p.K;
  const size_t b_rows = p.b_transposed ? N : K, b_cols = p.b_transposed ? K : N;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  GuardedFloats a((M - 1) * s.lda + K, guard), b((b_rows - 1) * s.ldb + b_cols, guard);
  GuardedFloats c((M - 1) * s.ldc + N, guard);
  std::fill(a.data(), a.data() + (M - 1) * s.lda + K, nan);
  std::fill(b.data(), b.data() + (b_rows - 1) * s.ldb + b_cols, nan);
  for (size_t m = 0; m < M; ++m) std::memcpy(a.data() + m * s.lda, &p.a[m * K], K * sizeof(float));
  for (size_t r = 0; r < b_rows; ++r)
    std::memcpy(b.data() + r * s.ldb, &p.b[r * b_cols], b_cols * sizeof(float));
  const size_t c_elems = (M - 1) * s.ldc + N;
  for (size_t i = 0; i < c_elems; ++i) c.data()[i] = std::bit_cast<float>(kSentinel);

  kernel.run(M, N, K, a.data(), s.lda, b.data(), s.ldb, p.b_transposed, c.data(), s.ldc);

  size_t ulp_mismatches = 0;
  for (size_t i = 0; i < c_elems; ++i) {
    const size_t m = i / s.ldc, n = i % s.ldc;
    const float got = c.data()[i];
    if (n >= N) {
      if (std::bit_cast<uint32_t>(got) != kSentinel)
        return testing::AssertionFailure()
               << describe(kernel, p, s, guard) << ": wrote stride padding at m=" << m << " n=" << n;
      continue;
    }
    const float want = expected(p, m, n);
    if (std::isnan(want) && std::isnan(got) && std::bit_cast<uint32_t>(got) != kSentinel) continue;
    if (std::bit_cast<uint32_t>(got) == std::bit_cast<uint32_t>(want)) continue;
    if (ulp_apart(got, want) && ++ulp_mismatches <= kMaxUlpMismatches) continue;
    return testing::AssertionFailure() << describe(kernel, p, s, guard) << ": at m=" << m << " n=" << n
                                       << " got " << got << " (0x" << std::hex << std::bit_cast<uint32_t>(got)
                                       << ") want " << want << " (0x" << std::bit_cast<uint32_t>(want) << ")";
  }
  return testing::AssertionSuccess();
}

testing::AssertionResult check_both_guards(const SgemmKernel& kernel, const Problem& p) {
  testing::AssertionResult r = check(kernel, p, dense(p), Guard::after);
  if (!r) return r;
  return check(kernel, p, padded(p), Guard::before);
}

class SgemmConformance : public testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    kernel_ = find_sgemm(GetParam());
    ASSERT_NE(kernel_, nullptr) << GetParam();
    std::string reason = sgemm_reject_reason(*kernel_, base::detected_isa());
    if (!reason.empty()) GTEST_SKIP() << kernel_->name << " cannot run here: " << reason;
    rng_.seed(test_seed());
  }
  const SgemmKernel& kernel() const { return *kernel_; }
  const SgemmKernel* kernel_ = nullptr;
  std::mt19937_64 rng_;
};

constexpr size_t kDims[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 128};

// Every (M, N, K) of kDims, both layouts of B: tails in every dimension at every size of the others.
TEST_P(SgemmConformance, GridOfShapes) {
  for (bool bt : {false, true}) {
    for (size_t M : kDims) {
      for (size_t N : kDims) {
        for (size_t K : kDims) {
          Problem p = random_problem(M, N, K, bt, rng_);
          ASSERT_TRUE(check_both_guards(kernel(), p));
        }
      }
    }
  }
}

// K around and past the largest K the optimized kernels convert at once (512): sums carried across chunks.
TEST_P(SgemmConformance, LongK) {
  for (bool bt : {false, true}) {
    for (size_t K : {511, 512, 513, 1024, 1500}) {
      for (auto [M, N] : {std::array<size_t, 2>{9, 17}, {16, 16}, {1, 33}}) {
        Problem p = random_problem(M, N, K, bt, rng_);
        ASSERT_TRUE(check_both_guards(kernel(), p));
      }
    }
  }
}

// Attention's shapes, with Q, K and V read as one head out of a [seq][12 * 64] buffer (lda = ldb = 768).
TEST_P(SgemmConformance, AttentionHeadsInPlace) {
  for (size_t seq : {16, 64, 77, 128, 384}) {
    Problem qk = random_problem(seq, seq, 64, true, rng_);
    ASSERT_TRUE(check(kernel(), qk, {768, 768, seq}, Guard::after));
    ASSERT_TRUE(check(kernel(), qk, {768, 768, seq}, Guard::before));
    Problem pv = random_problem(seq, 64, seq, false, rng_);
    ASSERT_TRUE(check(kernel(), pv, {seq, 768, 768}, Guard::after));
    ASSERT_TRUE(check(kernel(), pv, {seq, 768, 768}, Guard::before));
  }
}

// Magnitudes that overflow float only in the sum (inf), that land in float's subnormals or underflow to
// zero, and mixtures whose sums cancel.
TEST_P(SgemmConformance, HugeAndTinyValues) {
  std::uniform_int_distribution<int> exponent(-70, 70);
  for (bool bt : {false, true}) {
    for (auto [M, N, K] : {std::array<size_t, 3>{9, 17, 33}, {16, 16, 64}, {3, 31, 600}}) {
      for (float scale : {0x1p64f, 0x1p-70f, 1.0f}) {
        Problem p = random_problem(M, N, K, bt, rng_);
        for (float& x : p.a) x *= scale;
        for (float& x : p.b) x *= scale == 1.0f ? std::ldexp(1.0f, exponent(rng_)) : scale;
        ASSERT_TRUE(check_both_guards(kernel(), p));
      }
    }
  }
}

// Sums exactly halfway between two floats round to even once: 1 + 2^-24 -> 1, 1 + 3 * 2^-24 -> 1 + 2^-22.
// A kernel that rounded a partial sum to float on the way, or truncated, would miss these.
TEST_P(SgemmConformance, TiesRoundToEven) {
  for (bool bt : {false, true}) {
    Problem p = random_problem(2, 3, 2, bt, rng_);
    p.a = {1.0f, 0x1p-24f, 1.0f, 0x1.8p-23f};
    for (size_t n = 0; n < 3; ++n) {
      const float col[2] = {1.0f, n == 2 ? -1.0f : 1.0f};
      for (size_t k = 0; k < 2; ++k) (bt ? p.b[n * 2 + k] : p.b[k * 3 + n]) = col[k];
    }
    ASSERT_TRUE(check_both_guards(kernel(), p));
    float c[6];
    kernel().run(2, 3, 2, p.a.data(), 2, p.b.data(), bt ? 2 : 3, bt, c, 3);
    EXPECT_EQ(c[0], 1.0f);
    EXPECT_EQ(c[3], 1.0f + 0x1p-22f);
  }
}

// All-zero operands with negative zeros: the sum starts at +0, so -0 products give +0; and K = 0 gives +0.
TEST_P(SgemmConformance, Zeros) {
  for (bool bt : {false, true}) {
    Problem p = random_problem(17, 19, 40, bt, rng_);
    std::fill(p.a.begin(), p.a.end(), -0.0f);
    std::fill(p.b.begin(), p.b.end(), 0.0f);
    ASSERT_TRUE(check_both_guards(kernel(), p));
    std::vector<float> c(4 * 5, -1.0f);
    kernel().run(4, 5, 0, nullptr, 0, nullptr, bt ? 0 : 5, bt, c.data(), 5);
    for (float x : c) {
      EXPECT_EQ(std::bit_cast<uint32_t>(x), 0u);
    }
  }
}

// Infinities and NaNs propagate like the loop: inf * 0 and inf - inf give NaN, a single inf gives +-inf.
TEST_P(SgemmConformance, InfinityAndNanPropagate) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  for (bool bt : {false, true}) {
    for (auto [M, N, K] : {std::array<size_t, 3>{9, 17, 33}, {16, 24, 64}}) {
      Problem p = random_problem(M, N, K, bt, rng_);
      std::uniform_int_distribution<size_t> pick_a(0, p.a.size() - 1), pick_b(0, p.b.size() - 1);
      for (int i = 0; i < 4; ++i) {
        p.a[pick_a(rng_)] = i % 2 ? -inf : inf;
        p.b[pick_b(rng_)] = i % 2 ? inf : 0.0f;
      }
      p.a[pick_a(rng_)] = nan;
      p.b[pick_b(rng_)] = nan;
      ASSERT_TRUE(check_both_guards(kernel(), p));
    }
  }
}

// Two threads splitting the rows give what one call gives.
TEST_P(SgemmConformance, ThreadsSplitRows) {
  Problem p = random_problem(128, 128, 64, true, rng_);
  std::vector<float> whole(128 * 128), split(128 * 128);
  kernel().run(128, 128, 64, p.a.data(), 64, p.b.data(), 64, true, whole.data(), 128);
  auto part = [&](size_t m0, size_t rows) {
    kernel().run(rows, 128, 64, p.a.data() + m0 * 64, 64, p.b.data(), 64, true, split.data() + m0 * 128, 128);
  };
  std::thread t(part, 0, 61);
  part(61, 67);
  t.join();
  EXPECT_EQ(std::memcmp(whole.data(), split.data(), whole.size() * sizeof(float)), 0);
}

constexpr const char* kKernelNames[] = {
#define SPARROW_SGEMM_KERNEL(isa, name, MR, NR) #name,
#include "kernels/sgemm/kernels.inc"
#undef SPARROW_SGEMM_KERNEL
};

INSTANTIATE_TEST_SUITE_P(Kernels, SgemmConformance, testing::ValuesIn(kKernelNames),
                         [](const testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param);
                         });

TEST(SgemmDispatch, ListFollowsKernelsIncWithTheReferenceLast) {
  auto kernels = sgemm_kernels();
  ASSERT_EQ(kernels.size(), std::size(kKernelNames));
  for (size_t i = 0; i < kernels.size(); ++i) {
    EXPECT_STREQ(kernels[i].name, kKernelNames[i]);
  }
  EXPECT_EQ(kernels.back().isa, Isa::ref);
  EXPECT_STREQ(kernels.back().name, "sgemm_f32f64acc_ref");
  EXPECT_EQ(find_sgemm("sgemm_f32f64acc_nonexistent"), nullptr);
}

// An AVX-512 CPU must get the AVX-512 kernel: a silent fallback to a slower kernel fails here.
TEST(SgemmDispatch, PicksTheBestKernelThisCpuRuns) {
  const Isa cpu = base::detected_isa();
  const SgemmKernel& chosen = select_sgemm(cpu);
  if (cpu >= Isa::avx512) {
    EXPECT_STREQ(chosen.name, "sgemm_f32f64acc_8x16_avx512");
  } else if (cpu >= Isa::avx2) {
    EXPECT_STREQ(chosen.name, "sgemm_f32f64acc_6x8_avx2");
  } else {
    EXPECT_STREQ(chosen.name, "sgemm_f32f64acc_ref");
  }
}

TEST(SgemmDispatch, EveryCapLevelInOneProcess) {
  const Isa cpu = base::detected_isa();
  for (Isa cap : base::kAllIsas) {
    const SgemmKernel& chosen = select_sgemm(cap);
    EXPECT_LE(chosen.isa, std::min(cap, cpu)) << to_string(cap);
    for (const SgemmKernel& k : sgemm_kernels()) {
      if (&k == &chosen) break;
      EXPECT_NE(sgemm_reject_reason(k, cap), "") << k.name << " was passed over at cap " << to_string(cap);
    }
  }
  EXPECT_STREQ(select_sgemm(Isa::ref).name, "sgemm_f32f64acc_ref");
  if (cpu >= Isa::avx2) {
    EXPECT_STREQ(select_sgemm(Isa::avx2).name, "sgemm_f32f64acc_6x8_avx2");
  }
}

TEST(SgemmDispatch, VerboseDispatchPrintsEachRejectionWithItsReason) {
  setenv("SPARROW_VERBOSE", "dispatch", 1);
  testing::internal::CaptureStderr();
  const SgemmKernel& chosen = select_sgemm(Isa::ref);
  std::string log = testing::internal::GetCapturedStderr();
  unsetenv("SPARROW_VERBOSE");
  EXPECT_STREQ(chosen.name, "sgemm_f32f64acc_ref");
  EXPECT_NE(log.find("sparrow dispatch: sgemm: skip sgemm_f32f64acc_8x16_avx512: needs avx512"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("skip sgemm_f32f64acc_6x8_avx2: needs avx2"), std::string::npos) << log;
  EXPECT_NE(log.find("chose sgemm_f32f64acc_ref (max isa ref)"), std::string::npos) << log;
}

}  // namespace
}  // namespace sparrow::kernels
