// Conformance of every kernel set in kernels.inc against references written here: the reference ops'
// formulas (src/graph/ops) with std:: functions, sharing no code with vmath_ref.cc. Quantize, gelu_quantize
// (against the set's own gelu_erf) and the float steps of layernorm are bit-exact; the double-computed
// results are bit-identical but for a counted few elements (see kAllowedPerMillion). Inputs and outputs sit
// against a guard page, so a read or write past their ends faults.
#include "kernels/vmath/vmath.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "support/guarded_buffer.h"

namespace sparrow::kernels {
namespace {

using base::Isa;


template <typename T>
struct Guarded {
  explicit Guarded(const std::vector<T>& v) : buf(v.size() * sizeof(T)) {
    if (!v.empty()) std::memcpy(buf.as<T>(), v.data(), v.size() * sizeof(T));
  }
  T* data() { return buf.as<T>(); }
  GuardedBuffer buf;
};

uint64_t test_seed() {
  static const uint64_t seed = [] {
    const char* env = std::getenv("SPARROW_SEED");
    uint64_t s = env && *env ? std::strtoull(env, nullptr, 10) : std::random_device{}();
    std::printf("vmath tests: SPARROW_SEED=%llu\n", static_cast<unsigned long long>(s));
    return s;
  }();
  return seed;
}

// The sets this CPU runs (the others are skipped with the reason printed once).
std::vector<const VmathKernels*> runnable() {
  std::vector<const VmathKernels*> out;
  for (const VmathKernels& k : vmath_kernels()) {
    std::string reason = vmath_reject_reason(k, base::detected_isa());
    if (reason.empty()) {
      out.push_back(&k);
    } else {
      std::printf("vmath tests: skip %s: %s\n", k.name, reason.c_str());
    }
  }
  return out;
}

// ---- references: the reference ops' formulas, literally

float ref_gelu_erf(float xf) {
  const double x = xf;
  return static_cast<float>(0.5 * x * (1.0 + std::erf(x / std::numbers::sqrt2)));
}

float ref_gelu_tanh(float xf) {
  const double x = xf;
  const double k = std::sqrt(2.0 / std::numbers::pi);
  return static_cast<float>(0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x))));
}

std::vector<float> ref_softmax(const std::vector<float>& x) {
  double mx = -std::numeric_limits<double>::infinity();
  for (float v : x) mx = std::max(mx, static_cast<double>(v));
  double sum = 0;
  for (float v : x) sum += std::exp(static_cast<double>(v) - mx);
  std::vector<float> y;
  for (float v : x) y.push_back(static_cast<float>(std::exp(static_cast<double>(v) - mx) / sum));
  return y;
}

std::vector<float> ref_mvn(const std::vector<float>& x, bool normalize_variance, double eps,
                           bool eps_inside) {
  const size_t n = x.size();
  double mean = 0, var = 0;
  for (float v : x) mean += static_cast<double>(v);
  mean /= static_cast<double>(n);
  if (normalize_variance) {
    for (float v : x) var += (static_cast<double>(v) - mean) * (static_cast<double>(v) - mean);
    var /= static_cast<double>(n);
    var = eps_inside ? std::sqrt(var + eps) : std::sqrt(var) + eps;
  }
  std::vector<float> y;
  for (float v : x) {
    const double d = static_cast<double>(v) - mean;
    y.push_back(static_cast<float>(normalize_variance ? d / var : d));
  }
  return y;
}

// The Quantize op's loop. Its static_cast<uint8_t> of a NaN is undefined in C++; GCC compiles it to cvttss2si
// (0x80000000 for NaN), whose low byte is 0, so NaN -> 0 here.
uint8_t ref_quantize(float v, float low, float high, int levels) {
  const float lm1 = static_cast<float>(levels - 1);
  if (v <= low) return 0;
  if (v > high) return static_cast<uint8_t>(levels - 1);
  const float r = std::nearbyint((v - low) / (high - low) * lm1);
  return std::isnan(r) ? 0 : static_cast<uint8_t>(r);
}

// ---- comparison

// Double-computed results may differ from the reference by one float ulp where the exact value lies within
// the kernels' double error (a few double ulps, vmath.h) of a float rounding boundary: ~1e-8 per element.
// The allowance is 1 element per million plus 1 per case, each at most 1 float ulp away; the totals are
// printed.
constexpr size_t kAllowedPerMillion = 1;
size_t g_compared = 0, g_one_ulp = 0;

bool same_float(float a, float b) {
  return std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(b) || (std::isnan(a) && std::isnan(b));
}

bool one_ulp_apart(float a, float b) {
  if (std::isnan(a) || std::isnan(b) || std::isinf(a) || std::isinf(b)) return false;
  const int32_t ia = std::bit_cast<int32_t>(a), ib = std::bit_cast<int32_t>(b);
  if ((ia < 0) != (ib < 0))
    return (a == 0 || b == 0) && std::fabs(a - b) <= std::numeric_limits<float>::denorm_min();
  return std::abs(static_cast<int64_t>(ia) - ib) == 1;
}

testing::AssertionResult compare(const char* what, const float* got, const std::vector<float>& want,
                                 const std::vector<float>& x) {
  size_t off = 0;
  std::string first;
  for (size_t i = 0; i < want.size(); ++i) {
    if (same_float(got[i], want[i])) continue;
    if (!one_ulp_apart(got[i], want[i])) {
      return testing::AssertionFailure()
             << what << " n=" << want.size() << " at " << i << ": x=" << x[i] << " got " << got[i] << " want "
             << want[i] << " (bits " << std::bit_cast<uint32_t>(got[i]) << " vs "
             << std::bit_cast<uint32_t>(want[i]) << ")";
    }
    if (first.empty()) first = "x=" + std::to_string(x[i]);
    ++off;
  }
  g_compared += want.size();
  g_one_ulp += off;
  if (off > 1 + want.size() * kAllowedPerMillion / 1000000) {
    return testing::AssertionFailure() << what << " n=" << want.size() << ": " << off
                                       << " elements one float ulp off (first " << first << ")";
  }
  return testing::AssertionSuccess();
}

// ---- inputs

const std::vector<size_t> kSizes = {0,  1,  2,  3,  4,  5,  7,   8,   9,   15,  16,
                                    17, 31, 33, 63, 64, 65, 767, 768, 769, 3072};

const float kSpecials[] = {0.0f,
                           -0.0f,
                           std::numeric_limits<float>::infinity(),
                           -std::numeric_limits<float>::infinity(),
                           std::numeric_limits<float>::quiet_NaN(),
                           std::numeric_limits<float>::denorm_min(),
                           -1e-40f,
                           1e-38f,
                           std::numeric_limits<float>::max(),
                           -std::numeric_limits<float>::max(),
                           1e-30f,
                           -1e30f,
                           1e20f,
                           -1e10f,
                           -8.3f,
                           -5.9f,
                           5.9f,
                           0.75f * std::numbers::sqrt2_v<float>,
                           -0.0001f};

enum class Values { kNormalSmall, kNormal, kNormalWide, kNegativeTail, kUniformWide, kSpecial };
const Values kAllValues[] = {Values::kNormalSmall,  Values::kNormal,      Values::kNormalWide,
                             Values::kNegativeTail, Values::kUniformWide, Values::kSpecial};

std::vector<float> make_values(size_t n, Values kind, std::mt19937_64& rng) {
  std::vector<float> x(n);
  std::normal_distribution<float> normal(0.f, 1.f);
  for (size_t i = 0; i < n; ++i) {
    switch (kind) {
      case Values::kNormalSmall:
        x[i] = 1e-3f * normal(rng);
        break;
      case Values::kNormal:
        x[i] = normal(rng);
        break;
      case Values::kNormalWide:
        x[i] = 30.f * normal(rng);
        break;
      case Values::kNegativeTail:  // where 1 + erf(x / sqrt2) is tiny
        x[i] = std::uniform_real_distribution<float>(-9.f, -3.f)(rng);
        break;
      case Values::kUniformWide:
        x[i] = std::uniform_real_distribution<float>(-40.f, 40.f)(rng);
        break;
      case Values::kSpecial:
        x[i] = i % 3 == 0 ? kSpecials[rng() % std::size(kSpecials)] : 4.f * normal(rng);
        break;
    }
  }
  return x;
}

class VmathTest : public testing::Test {
 protected:
  void SetUp() override { rng_.seed(test_seed()); }
  std::mt19937_64 rng_;
};

// ---- elementwise

TEST_F(VmathTest, GeluMatchesTheReferenceFormula) {
  for (const VmathKernels* k : runnable()) {
    for (size_t n : kSizes) {
      for (Values kind : kAllValues) {
        const std::vector<float> x = make_values(n, kind, rng_);
        std::vector<float> want_erf(n), want_tanh(n);
        for (size_t i = 0; i < n; ++i) {
          want_erf[i] = ref_gelu_erf(x[i]);
          want_tanh[i] = ref_gelu_tanh(x[i]);
        }
        Guarded<float> in(x), out{std::vector<float>(n)};
        k->gelu_erf(in.data(), out.data(), n);
        ASSERT_TRUE(compare((std::string(k->name) + " gelu_erf").c_str(), out.data(), want_erf, x));
        k->gelu_tanh(in.data(), out.data(), n);
        ASSERT_TRUE(compare((std::string(k->name) + " gelu_tanh").c_str(), out.data(), want_tanh, x));
        k->gelu_erf(in.data(), in.data(), n);  // in place
        ASSERT_TRUE(compare((std::string(k->name) + " gelu_erf in place").c_str(), in.data(), want_erf, x));
      }
    }
  }
  std::printf("vmath tests: %zu of %zu elements one float ulp off so far\n", g_one_ulp, g_compared);
}

TEST_F(VmathTest, GeluOnEverySpecialValue) {
  std::vector<float> x(std::begin(kSpecials), std::end(kSpecials));
  for (float v : {-10.f, -8.f, -7.f, -6.f, -5.5f, -5.f, -4.f, 1.f, 1e-45f, -3e38f}) x.push_back(v);
  const size_t n = x.size();
  for (const VmathKernels* k : runnable()) {
    std::vector<float> want(n);
    for (size_t i = 0; i < n; ++i) want[i] = ref_gelu_erf(x[i]);
    Guarded<float> in(x), out{std::vector<float>(n)};
    k->gelu_erf(in.data(), out.data(), n);
    for (size_t i = 0; i < n; ++i) {
      EXPECT_TRUE(same_float(out.data()[i], want[i]))
          << k->name << " gelu_erf(" << x[i] << ") = " << out.data()[i] << ", want " << want[i];
    }
    for (size_t i = 0; i < n; ++i) want[i] = ref_gelu_tanh(x[i]);
    k->gelu_tanh(in.data(), out.data(), n);
    for (size_t i = 0; i < n; ++i) {
      EXPECT_TRUE(same_float(out.data()[i], want[i]))
          << k->name << " gelu_tanh(" << x[i] << ") = " << out.data()[i] << ", want " << want[i];
    }
  }
}

// ---- gelu_erf's fast path: the accurate path's floats, bit for bit, no allowance

// Sets vmath_set_gelu_test_hooks for one scope.
class GeluHooks {
 public:
  GeluHooks(double bound_scale, bool accurate_only) { vmath_set_gelu_test_hooks(bound_scale, accurate_only); }
  ~GeluHooks() { vmath_set_gelu_test_hooks(1.0, false); }
  GeluHooks(const GeluHooks&) = delete;
  GeluHooks& operator=(const GeluHooks&) = delete;
};

// 1e7 elements per input scale. The rounding test's bound widened 1e3x sends ~3% of the lanes (a quarter of
// the AVX-512 vectors) to the accurate path, 1e6x all of them; at 1x, ~3e-5 of the lanes. Each result must
// be the accurate path's float (NaN: any NaN).
TEST_F(VmathTest, GeluErfFastPathReturnsTheAccuratePathsFloats) {
  const size_t n = 10'000'000;
  struct Scale {
    const char* name;
    float lo, hi;  // uniform in [lo, hi) if lo < hi, else normal(0, hi)
  };
  const Scale kScales[] = {{"normal(0, 1e-3)", 0, 1e-3f}, {"normal(0, 1)", 0, 1},
                           {"normal(0, 3)", 0, 3},        {"normal(0, 30)", 0, 30},
                           {"uniform(-9, -3)", -9, -3},   {"uniform(3, 9)", 3, 9}};
  for (const VmathKernels* k : runnable()) {
    if (k->isa == Isa::ref) continue;  // the std:: loop has no fast path
    for (const Scale& sc : kScales) {
      std::vector<float> x(n);
      std::normal_distribution<float> normal(0.f, sc.hi);
      std::uniform_real_distribution<float> uniform(sc.lo, sc.hi);
      for (size_t i = 0; i < n; ++i) x[i] = sc.lo < sc.hi ? uniform(rng_) : normal(rng_);
      for (size_t i = 0; i < n; i += 997) x[i] = kSpecials[(i / 997) % std::size(kSpecials)];
      std::vector<float> want(n), got(n);
      {
        GeluHooks hooks(1.0, true);
        k->gelu_erf(x.data(), want.data(), n);
      }
      for (double bound_scale : {1.0, 1e3, 1e6}) {
        GeluHooks hooks(bound_scale, false);
        k->gelu_erf(x.data(), got.data(), n);
        size_t off = 0, first = n;
        for (size_t i = 0; i < n; ++i) {
          if (!same_float(got[i], want[i])) {
            if (first == n) first = i;
            ++off;
          }
        }
        EXPECT_EQ(off, 0u) << k->name << " " << sc.name << " bound x" << bound_scale
                           << ": first at x=" << (first < n ? x[first] : 0.f) << " got "
                           << (first < n ? got[first] : 0.f) << " want " << (first < n ? want[first] : 0.f);
      }
    }
  }
}

// ---- rows

std::vector<std::vector<float>> softmax_rows(size_t n, std::mt19937_64& rng) {
  std::vector<std::vector<float>> rows;
  for (Values kind : {Values::kNormal, Values::kNormalWide, Values::kUniformWide}) {
    rows.push_back(make_values(n, kind, rng));
  }
  std::vector<float> masked = make_values(n, Values::kNormal, rng);  // attention masks: -10000, -3.4e38, -inf
  for (size_t i = 0; i < n; ++i) {
    if (i % 3 == 1) masked[i] = -10000.f;
    if (i % 7 == 2) masked[i] = -3.4e38f;
    if (i % 11 == 5) masked[i] = -std::numeric_limits<float>::infinity();
  }
  rows.push_back(masked);
  rows.push_back(std::vector<float>(n, 2.5f));
  rows.push_back(std::vector<float>(n, -std::numeric_limits<float>::infinity()));
  if (n > 0) {
    std::vector<float> special = make_values(n, Values::kNormal, rng);
    special[rng() % n] = std::numeric_limits<float>::quiet_NaN();
    rows.push_back(special);
    special = make_values(n, Values::kNormal, rng);
    special[rng() % n] = std::numeric_limits<float>::infinity();
    rows.push_back(special);
    special = make_values(n, Values::kNormal, rng);
    special[n - 1] = 0.f;
    special[0] = -0.f;
    rows.push_back(special);
  }
  return rows;
}

TEST_F(VmathTest, SoftmaxRowMatchesTheReference) {
  for (const VmathKernels* k : runnable()) {
    for (size_t n : kSizes) {
      for (const std::vector<float>& x : softmax_rows(n, rng_)) {
        const std::vector<float> want = ref_softmax(x);
        Guarded<float> in(x), out{std::vector<float>(n)};
        k->softmax_row(in.data(), out.data(), n);
        ASSERT_TRUE(compare((std::string(k->name) + " softmax_row").c_str(), out.data(), want, x));
        k->softmax_row(in.data(), in.data(), n);
        ASSERT_TRUE(compare((std::string(k->name) + " softmax_row in place").c_str(), in.data(), want, x));
      }
    }
  }
}

std::vector<std::vector<float>> mvn_rows(size_t n, std::mt19937_64& rng) {
  std::vector<std::vector<float>> rows;
  for (Values kind : {Values::kNormalSmall, Values::kNormal, Values::kNormalWide}) {
    rows.push_back(make_values(n, kind, rng));
  }
  std::vector<float> offset = make_values(n, Values::kNormal, rng);  // mean far from 0
  for (float& v : offset) v = 1000.f + v;
  rows.push_back(offset);
  rows.push_back(std::vector<float>(n, -3.25f));
  if (n > 0) {
    std::vector<float> special = make_values(n, Values::kNormal, rng);
    special[rng() % n] = std::numeric_limits<float>::quiet_NaN();
    rows.push_back(special);
    special = make_values(n, Values::kNormal, rng);
    special[rng() % n] = -std::numeric_limits<float>::infinity();
    rows.push_back(special);
  }
  return rows;
}

struct MvnMode {
  bool normalize_variance;
  double eps;
  bool eps_inside;
};
const MvnMode kMvnModes[] = {
    {true, 1e-12, true}, {true, 1e-5, true}, {true, 1e-5, false}, {false, 0, true}, {true, 0.0, true}};

TEST_F(VmathTest, MvnRowMatchesTheReference) {
  for (const VmathKernels* k : runnable()) {
    for (size_t n : kSizes) {
      for (const std::vector<float>& x : mvn_rows(n, rng_)) {
        for (const MvnMode& m : kMvnModes) {
          const std::vector<float> want = n ? ref_mvn(x, m.normalize_variance, m.eps, m.eps_inside) : x;
          Guarded<float> in(x), out{std::vector<float>(n)};
          k->mvn_row(in.data(), out.data(), n, m.normalize_variance, m.eps, m.eps_inside);
          ASSERT_TRUE(compare((std::string(k->name) + " mvn_row eps=" + std::to_string(m.eps)).c_str(),
                              out.data(), want, x));
        }
      }
    }
  }
}

// LayerNorm as the separate ops compute it: float Add, MVN (double, one rounding), float Multiply, float Add.
TEST_F(VmathTest, LayernormRowMatchesTheOpChain) {
  for (const VmathKernels* k : runnable()) {
    for (size_t n : kSizes) {
      for (int variant = 0; variant < 16; ++variant) {
        const bool has_res = variant & 1, has_gamma = variant & 2, has_beta = variant & 4,
                   has_sum = variant & 8;
        const MvnMode m = kMvnModes[variant % 3];
        const std::vector<float> x =
            make_values(n, variant % 5 == 0 ? Values::kNormalWide : Values::kNormal, rng_);
        const std::vector<float> res = make_values(n, Values::kNormal, rng_);
        const std::vector<float> gamma = make_values(n, Values::kNormal, rng_);
        const std::vector<float> beta = make_values(n, Values::kNormal, rng_);
        std::vector<float> sum(n), want(n);
        for (size_t i = 0; i < n; ++i) sum[i] = has_res ? x[i] + res[i] : x[i];
        if (n) want = ref_mvn(sum, true, m.eps, m.eps_inside);
        for (size_t i = 0; i < n; ++i) {
          if (has_gamma) want[i] = want[i] * gamma[i];
          if (has_beta) want[i] = want[i] + beta[i];
        }
        Guarded<float> gx(x), gres(res), ggamma(gamma), gbeta(beta), gy{std::vector<float>(n)},
            gsum{std::vector<float>(n)};
        k->layernorm_row(gx.data(), has_res ? gres.data() : nullptr, has_gamma ? ggamma.data() : nullptr,
                         has_beta ? gbeta.data() : nullptr, n, m.eps, m.eps_inside, gy.data(),
                         has_sum ? gsum.data() : nullptr);
        const std::string what = std::string(k->name) + " layernorm_row variant " + std::to_string(variant);
        ASSERT_TRUE(compare(what.c_str(), gy.data(), want, x));
        if (has_sum) {
          ASSERT_EQ(0, n ? std::memcmp(gsum.data(), sum.data(), n * sizeof(float)) : 0) << what << " sum_out";
        }
        // In place: the sums over x, the output over x.
        if (has_res && has_sum) {
          Guarded<float> inplace(x);
          k->layernorm_row(inplace.data(), gres.data(), has_gamma ? ggamma.data() : nullptr,
                           has_beta ? gbeta.data() : nullptr, n, m.eps, m.eps_inside, gy.data(),
                           inplace.data());
          ASSERT_TRUE(compare((what + " sum_out = x").c_str(), gy.data(), want, x));
        }
      }
    }
  }
}

// ---- quantize: bit-exact, no allowance

struct QuantizeRange {
  float low, high;
  int levels;
};
const QuantizeRange kRanges[] = {{-1.5f, 2.25f, 256}, {0.f, 6.f, 256}, {-0.3f, 0.3f, 255},
                                 {-10.f, 10.f, 16},   {0.f, 1.f, 2},   {-4e-3f, 7e-3f, 256}};

std::vector<float> quantize_values(size_t n, const QuantizeRange& r, std::mt19937_64& rng) {
  std::vector<float> x(n);
  const float step = (r.high - r.low) / static_cast<float>(r.levels - 1);
  for (size_t i = 0; i < n; ++i) {
    switch (i % 4) {
      case 0: {  // near a rounding tie k + 1/2, a few float ulps either side
        const int level = static_cast<int>(rng() % static_cast<uint64_t>(r.levels));
        float v = r.low + (static_cast<float>(level) + 0.5f) * step;
        const int ulps = static_cast<int>(rng() % 7) - 3;
        for (int u = 0; u < std::abs(ulps); ++u) v = std::nextafter(v, ulps < 0 ? -INFINITY : INFINITY);
        x[i] = v;
        break;
      }
      case 1:
        x[i] = std::uniform_real_distribution<float>(r.low - step * 3, r.high + step * 3)(rng);
        break;
      case 2:
        x[i] = kSpecials[rng() % std::size(kSpecials)];
        break;
      default: {
        const float edges[] = {r.low,
                               r.high,
                               std::nextafter(r.low, INFINITY),
                               std::nextafter(r.high, -INFINITY),
                               std::nextafter(r.high, INFINITY),
                               std::nextafter(r.low, -INFINITY)};
        x[i] = edges[rng() % std::size(edges)];
      }
    }
  }
  return x;
}

TEST_F(VmathTest, QuantizeIsBitExact) {
  for (const VmathKernels* k : runnable()) {
    for (size_t n : kSizes) {
      for (const QuantizeRange& r : kRanges) {
        const std::vector<float> x = quantize_values(n, r, rng_);
        Guarded<float> in(x);
        Guarded<uint8_t> out{std::vector<uint8_t>(n)};
        k->quantize_u8(in.data(), out.data(), n, r.low, r.high, r.levels);
        for (size_t i = 0; i < n; ++i) {
          const uint8_t want = ref_quantize(x[i], r.low, r.high, r.levels);
          ASSERT_EQ(out.data()[i], want) << k->name << " n=" << n << " x=" << x[i] << " low=" << r.low
                                         << " high=" << r.high << " levels=" << r.levels;
        }
      }
    }
  }
}

// ---- gelu_quantize_u8: this set's gelu_erf then quantize_u8, byte for byte, no allowance

// Sets vmath_set_gelu_quantize_test_hooks for one scope.
class GeluQuantizeHooks {
 public:
  GeluQuantizeHooks(float bound_scale, bool exact_only) {
    vmath_set_gelu_quantize_test_hooks(bound_scale, exact_only);
  }
  ~GeluQuantizeHooks() { vmath_set_gelu_quantize_test_hooks(1.0f, false); }
  GeluQuantizeHooks(const GeluQuantizeHooks&) = delete;
  GeluQuantizeHooks& operator=(const GeluQuantizeHooks&) = delete;
};

// BERT's intermediate FakeQuantize ranges (low ~ gelu's minimum -0.17), wide and narrow ones (narrow: the
// approximation's margin is a larger share of a level, so more lanes take the exact composition).
const QuantizeRange kGeluRanges[] = {{-0.17f, 4.f, 256},   {-0.17f, 10.f, 256},  {-0.1699f, 6.53f, 256},
                                     {0.f, 8.f, 256},      {-0.01f, 0.01f, 256}, {-0.17f, 0.05f, 256},
                                     {-1.5f, 2.25f, 256},  {-10.f, 10.f, 16},    {0.f, 1.f, 2},
                                     {-4e-3f, 7e-3f, 255}, {1e-6f, 2e-6f, 256},  {-3.f, -2.f, 256}};

double gelu_f64(double x) {
  return 0.5 * x * (1.0 + std::erf(x / std::numbers::sqrt2));
}

// x with gelu(x) = y, on gelu's increasing branch x >= -0.7518 (y >= -0.16997), by bisection.
float gelu_inverse(double y) {
  double lo = -0.7518, hi = std::max(1.0, 2 * y + 1);
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (gelu_f64(mid) < y ? lo : hi) = mid;
  }
  return static_cast<float>(lo);
}

// Inputs for one range: values whose gelu lies within a few float ulps of a level boundary (k + 1/2) or of
// low / high, normal and uniform values, the negative tail, specials.
std::vector<float> gelu_quantize_values(size_t n, const QuantizeRange& r, std::mt19937_64& rng) {
  std::vector<float> x(n);
  const double step = (static_cast<double>(r.high) - r.low) / (r.levels - 1);
  std::normal_distribution<float> normal(0.f, 1.f);
  for (size_t i = 0; i < n; ++i) {
    switch (i % 6) {
      case 0:
      case 1: {
        const int level = static_cast<int>(rng() % static_cast<uint64_t>(r.levels + 1));
        const double y = i % 6 == 0 ? r.low + (level - 0.5) * step : (level % 2 ? r.low : r.high);
        if (y < -0.1699) {
          x[i] = normal(rng);
          break;
        }
        float v = gelu_inverse(y);
        const int ulps = static_cast<int>(rng() % 9) - 4;
        for (int u = 0; u < std::abs(ulps); ++u) v = std::nextafter(v, ulps < 0 ? -INFINITY : INFINITY);
        x[i] = v;
        break;
      }
      case 2:
        x[i] = normal(rng) * (rng() % 2 ? 1.f : 4.f);
        break;
      case 3:
        x[i] = std::uniform_real_distribution<float>(-12.f, 12.f)(rng);
        break;
      case 4:
        x[i] =
            r.low + static_cast<float>(std::uniform_real_distribution<double>(-2, r.levels + 1)(rng) * step);
        break;
      default:
        x[i] = rng() % 4 == 0 ? kSpecials[rng() % std::size(kSpecials)]
                              : std::uniform_real_distribution<float>(-9.f, -3.f)(rng);
    }
  }
  return x;
}

// The composition the kernel must reproduce: this set's gelu_erf, then the test's Quantize reference.
std::vector<uint8_t> gelu_quantize_want(const VmathKernels& k, const std::vector<float>& x,
                                        const QuantizeRange& r) {
  std::vector<float> y(x.size());
  if (!x.empty()) k.gelu_erf(x.data(), y.data(), x.size());
  std::vector<uint8_t> want(x.size());
  for (size_t i = 0; i < x.size(); ++i) want[i] = ref_quantize(y[i], r.low, r.high, r.levels);
  return want;
}

testing::AssertionResult same_bytes(const char* what, const uint8_t* got, const std::vector<uint8_t>& want,
                                    const std::vector<float>& x, const QuantizeRange& r) {
  for (size_t i = 0; i < want.size(); ++i) {
    if (got[i] != want[i]) {
      return testing::AssertionFailure()
             << what << " n=" << want.size() << " at " << i << ": x=" << x[i] << " (bits "
             << std::bit_cast<uint32_t>(x[i]) << ") low=" << r.low << " high=" << r.high
             << " levels=" << r.levels << " got " << int{got[i]} << " want " << int{want[i]};
    }
  }
  return testing::AssertionSuccess();
}

TEST_F(VmathTest, GeluQuantizeMatchesTheComposition) {
  for (const VmathKernels* k : runnable()) {
    for (size_t n : kSizes) {
      for (const QuantizeRange& r : kGeluRanges) {
        const std::vector<float> x = gelu_quantize_values(n, r, rng_);
        const std::vector<uint8_t> want = gelu_quantize_want(*k, x, r);
        Guarded<float> in(x);
        Guarded<uint8_t> out{std::vector<uint8_t>(n)};
        k->gelu_quantize_u8(in.data(), out.data(), n, r.low, r.high, r.levels);
        ASSERT_TRUE(same_bytes((std::string(k->name) + " gelu_quantize_u8").c_str(), out.data(), want, x, r));
        {
          GeluQuantizeHooks hooks(1.0f, true);  // every lane through the exact composition
          k->gelu_quantize_u8(in.data(), out.data(), n, r.low, r.high, r.levels);
          ASSERT_TRUE(same_bytes((std::string(k->name) + " gelu_quantize_u8 exact only").c_str(), out.data(),
                                 want, x, r));
        }
      }
    }
  }
}

TEST_F(VmathTest, GeluQuantizeOnSpecialValuesAndDegenerateRanges) {
  std::vector<float> x(std::begin(kSpecials), std::end(kSpecials));
  for (float v : {-10.f, -8.f, -6.f, -5.99999f, 5.99999f, 6.f, 6.00001f, -0.7518f, 1.f, 1e-45f, -3e38f, 3e38f,
                  1e19f, -1e19f, 4.f, 10.f, 10.0001f}) {
    x.push_back(v);
  }
  const QuantizeRange ranges[] = {{-0.17f, 10.f, 256}, {0.f, 1e-30f, 256},       {-1e30f, 1e30f, 256},
                                  {-3e10f, -1e10f, 2}, {1e20f, 1.0001e20f, 256}, {-1e-40f, 1e-40f, 256}};
  for (const VmathKernels* k : runnable()) {
    for (const QuantizeRange& r : ranges) {
      const std::vector<uint8_t> want = gelu_quantize_want(*k, x, r);
      Guarded<float> in(x);
      Guarded<uint8_t> out{std::vector<uint8_t>(x.size())};
      k->gelu_quantize_u8(in.data(), out.data(), x.size(), r.low, r.high, r.levels);
      EXPECT_TRUE(same_bytes((std::string(k->name) + " gelu_quantize_u8").c_str(), out.data(), want, x, r));
    }
  }
}

// 2e6 elements per range and scale, with the approximation's bound eps_a as is and widened 1e2x and 1e4x
// (more lanes, then most, take the exact composition): the bytes must not change.
TEST_F(VmathTest, GeluQuantizeFastPathMatchesOnManyInputs) {
  const size_t n = 2'000'000;
  const float kScales[] = {0.3f, 1.f, 3.f, 30.f};
  for (const VmathKernels* k : runnable()) {
    if (k->isa == Isa::ref) continue;  // the composition itself
    for (const QuantizeRange& r : kGeluRanges) {
      for (float scale : kScales) {
        std::vector<float> x(n);
        std::normal_distribution<float> normal(0.f, scale);
        for (float& v : x) v = normal(rng_);
        const std::vector<uint8_t> want = gelu_quantize_want(*k, x, r);
        std::vector<uint8_t> got(n);
        for (float bound_scale : {1.f, 1e2f, 1e4f}) {
          GeluQuantizeHooks hooks(bound_scale, false);
          k->gelu_quantize_u8(x.data(), got.data(), n, r.low, r.high, r.levels);
          ASSERT_TRUE(same_bytes((std::string(k->name) + " gelu_quantize_u8 scale " + std::to_string(scale) +
                                  " bound x" + std::to_string(bound_scale))
                                     .c_str(),
                                 got.data(), want, x, r));
        }
      }
    }
  }
}

// ---- the double functions against glibc

double ulps_apart(double got, double want) {
  if (std::isnan(want)) return std::isnan(got) ? 0 : 1e300;
  if (got == want) return std::signbit(got) == std::signbit(want) ? 0 : 1e300;
  if (std::isinf(want) || std::isinf(got)) return 1e300;
  int e = 0;
  std::frexp(want, &e);
  return std::fabs(got - want) / std::ldexp(1.0, std::max(e - 53, -1074));
}

// Bounds in double ulps against glibc (itself within 1 ulp of the true value). Measured over 1e8 random
// inputs (uniform over the range and log-uniform in [2^-30, 16]): exp 1, erf 1, tanh 2; asserted with one ulp
// of margin, so a rare case the sampling missed does not fail a random run.
struct Accuracy {
  const char* name;
  void (*VmathKernels::*fn)(const double*, double*, size_t);
  double (*want)(double);
  double lo, hi, bound;
};
const Accuracy kAccuracy[] = {
    {"exp", &VmathKernels::exp_f64, [](double x) { return std::exp(x); }, -750, 712, 2},
    {"erf", &VmathKernels::erf_f64, [](double x) { return std::erf(x); }, -7, 7, 2},
    {"tanh", &VmathKernels::tanh_f64, [](double x) { return std::tanh(x); }, -22, 22, 3},
};

TEST_F(VmathTest, DoubleFunctionsWithinTheirUlpBound) {
  for (const VmathKernels* k : runnable()) {
    for (const Accuracy& a : kAccuracy) {
      std::vector<double> x;
      const size_t grid = 1 << 20;
      for (size_t i = 0; i < grid; ++i)
        x.push_back(a.lo + (a.hi - a.lo) * (static_cast<double>(i) + 0.5) / grid);
      for (size_t i = 0; i < grid; ++i) {
        x.push_back(std::ldexp(std::uniform_real_distribution<double>(-1, 1)(rng_),
                               std::uniform_int_distribution<int>(-60, 4)(rng_)));
      }
      for (double v : {0.0,
                       -0.0,
                       1e-310,
                       -1e-310,
                       1e-300,
                       0.75,
                       -0.75,
                       0.625,
                       -0.625,
                       6.0,
                       -6.0,
                       20.0,
                       -20.0,
                       709.78,
                       709.79,
                       -708.4,
                       -745.1,
                       -745.2,
                       1e300,
                       -1e300,
                       double{INFINITY},
                       double{-INFINITY},
                       double{NAN}}) {
        x.push_back(v);
      }
      std::vector<double> y(x.size());
      (k->*a.fn)(x.data(), y.data(), x.size());
      double worst = 0, at = 0;
      for (size_t i = 0; i < x.size(); ++i) {
        const double u = ulps_apart(y[i], a.want(x[i]));
        if (u > worst) {
          worst = u;
          at = x[i];
        }
      }
      std::printf("vmath tests: %s %s: max %.2f ulp (at %.17g)\n", k->name, a.name, worst, at);
      EXPECT_LE(worst, a.bound) << k->name << " " << a.name << " at x=" << at;
    }
  }
}

// ---- dispatch

TEST(VmathDispatch, PicksTheBestSetThisCpuRuns) {
  const Isa cpu = base::detected_isa();
  const VmathKernels& best = select_vmath(cpu);
  if (cpu >= Isa::avx512) {
    EXPECT_STREQ(best.name, "vmath_f64_avx512");
  } else if (cpu >= Isa::avx2) {
    EXPECT_STREQ(best.name, "vmath_f64_avx2");
  } else {
    EXPECT_STREQ(best.name, "vmath_f64_ref");
  }
  EXPECT_STREQ(select_vmath(Isa::ref).name, "vmath_f64_ref");
  if (cpu >= Isa::avx2) {
    EXPECT_STREQ(select_vmath(Isa::avx2).name, "vmath_f64_avx2");
  }
  EXPECT_EQ(find_vmath("vmath_f64_ref"), &vmath_kernels().back());
  EXPECT_EQ(find_vmath("nope"), nullptr);
  EXPECT_NE(vmath_reject_reason(*find_vmath("vmath_f64_avx512"), Isa::avx2), "");
}

}  // namespace
}  // namespace sparrow::kernels
