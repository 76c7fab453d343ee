// The vectorized vmath kernels, written once over an "ops" struct S that each per-ISA file defines
// (vmath_avx2.cc: 4 doubles per ymm; vmath_avx512.cc: 8 doubles per zmm). S has internal linkage, so every
// instantiation below does too and is compiled with that file's ISA flags only. No standard library here.
//
// S provides: D (double vector), M (lane mask), F (float vector of the same lane count L), Idx (lane
// indices into an 8-entry table); set1, add, sub, mul, div, fma(a, b, c) = a * b + c (one rounding), neg,
// abs, copysign, sqrt-free arithmetic only; clamp (NaN stays NaN), clamp_drop_nan (NaN becomes the low
// bound), max_ignore_nan(acc, x) = x > acc ? x : acc; round (to nearest even), ldexp(p, k) = p * 2^k with a
// single rounding (k integral, |k| <= 1100); lt, select(m, if_true, if_false), tail_mask(c); index, lookup;
// loadf/storef/loadd/stored with _n(p, c) forms for the first c <= L lanes (others read as 0, not written);
// addf, mulf (IEEE float); widen (exact), narrow (round to nearest); hsum, hmax.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/vmath/vmath_coeffs.h"
#include "kernels/vmath/vmath_kernels.h"

namespace sparrow::kernels::vmath::impl {

inline constexpr double kLog2e = 0x1.71547652b82fep+0;
inline constexpr double kLn2Hi = 0x1.62e42fefa39efp-1;        // ln 2 rounded to double
inline constexpr double kLn2Lo = 0x1.abc9e3b39803fp-56;       // ln 2 - kLn2Hi
inline constexpr double kSqrt2 = 0x1.6a09e667f3bcdp+0;        // std::numbers::sqrt2
inline constexpr double kInvSqrt2 = 0x1.6a09e667f3bcdp-1;     // 1 / sqrt2 rounded to double: kSqrt2 / 2
inline constexpr double kSqrt2OverPi = 0x1.9884533d43651p-1;  // std::sqrt(2.0 / std::numbers::pi)
inline constexpr double kErfSmallEnd = 0.75;                  // erf: polynomial below, 1 - erfc above
inline constexpr double kErfOne = 6.0;                        // erf(z) rounds to +-1 above 5.93
inline constexpr double kErfcxStep = (kErfOne - kErfSmallEnd) / 8;
inline constexpr double kTanhSmallEnd = 0.625;  // tanh: polynomial below, 1 - 2 / (exp(2u) + 1) above
inline constexpr double kTanhOne = 20.0;        // tanh(u) rounds to +-1 above 19.07
inline constexpr double kErfcxCenter[8] = {kErfSmallEnd + 0.5 * kErfcxStep, kErfSmallEnd + 1.5 * kErfcxStep,
                                           kErfSmallEnd + 2.5 * kErfcxStep, kErfSmallEnd + 3.5 * kErfcxStep,
                                           kErfSmallEnd + 4.5 * kErfcxStep, kErfSmallEnd + 5.5 * kErfcxStep,
                                           kErfSmallEnd + 6.5 * kErfcxStep, kErfSmallEnd + 7.5 * kErfcxStep};

template <class S, size_t N>
inline typename S::D horner(const double (&c)[N], typename S::D t) {
  typename S::D r = S::set1(c[N - 1]);
  for (size_t i = N - 1; i-- > 0;) r = S::fma(r, t, S::set1(c[i]));
  return r;
}

// exp(hi + lo) for |lo| <= ulp(hi). k = round(hi / ln2), r = hi - k ln2 (Cody-Waite: k * kLn2Hi is
// subtracted exactly by the FMA, |r| <= ln2 / 2 + ulp) + lo, exp(r) = 1 + (r + r^2 Q(r)), times 2^k.
template <class S>
inline typename S::D exp_hilo(typename S::D hi, typename S::D lo) {
  using D = typename S::D;
  const D x = S::clamp(hi, -746.0, 710.0);  // beyond: 0 or inf; keeps k in ldexp's range; NaN stays
  const D k = S::round(S::mul(x, S::set1(kLog2e)));
  D r = S::fma(k, S::set1(-kLn2Hi), x);
  r = S::fma(k, S::set1(-kLn2Lo), r);
  r = S::add(r, lo);
  const D p = S::add(S::set1(1.0), S::fma(S::mul(r, r), horner<S>(kExpQ, r), r));
  return S::ldexp(p, k);
}

template <class S>
inline typename S::D exp(typename S::D x) {
  return exp_hilo<S>(x, S::set1(0.0));
}

// erf(z) = z + z P(z^2) for |z| < 0.75 (one rounding at the end: the FMA adds the small part to z); else
// sign(z) (1 - erfc(|z|)), erfc(a) = exp(-a^2) g(a) with g = erfcx one of 8 polynomials by interval of a (an
// 8-entry table lookup per coefficient), a^2 split exactly into hi + lo by an FMA. 1 - erfc then rounds as
// the true erf does, also where erf is within ulps of +-1.
template <class S>
inline typename S::D erf(typename S::D z) {
  using D = typename S::D;
  const D a = S::abs(z);
  const D small = S::fma(z, horner<S>(kErfSmall, S::mul(z, z)), z);
  const D ac = S::clamp(a, 0.0, kErfOne);
  const auto j =
      S::index(S::mul(S::sub(S::clamp_drop_nan(a, kErfSmallEnd, kErfOne - 0.01), S::set1(kErfSmallEnd)),
                      S::set1(1.0 / kErfcxStep)));
  const D t = S::sub(ac, S::lookup(kErfcxCenter, j));
  D g = S::lookup(kErfcx[14], j);
  for (int i = 13; i >= 0; --i) g = S::fma(g, t, S::lookup(kErfcx[i], j));
  const D hi = S::mul(ac, ac);
  const D lo = S::fma(ac, ac, S::neg(hi));
  const D erfc = S::mul(exp_hilo<S>(S::neg(hi), S::neg(lo)), g);
  const D big = S::copysign(S::sub(S::set1(1.0), erfc), z);
  return S::select(S::lt(a, S::set1(kErfSmallEnd)), small, big);
}

// tanh(u) = u + u (u^2 Q(u^2)) for |u| < 0.625; else sign(u) (1 - 2 / (exp(2|u|) + 1)).
template <class S>
inline typename S::D tanh(typename S::D u) {
  using D = typename S::D;
  const D a = S::abs(u);
  const D u2 = S::mul(u, u);
  // copysign: at u = -0 the FMA's -0 * -0 + -0 would give +0.
  const D small = S::copysign(S::fma(u, S::mul(u2, horner<S>(kTanhSmall, u2)), u), u);
  const D ac = S::clamp(a, 0.0, kTanhOne);
  const D e = exp<S>(S::add(ac, ac));
  const D big = S::copysign(S::sub(S::set1(1.0), S::div(S::set1(2.0), S::add(e, S::set1(1.0)))), u);
  return S::select(S::lt(a, S::set1(kTanhSmallEnd)), small, big);
}

// ---- float kernels

template <class S>
inline size_t lanes_left(size_t i, size_t n) {
  return n - i < S::L ? n - i : S::L;
}

template <class S, class Fn>
inline void map_f32(const float* x, float* y, size_t n, Fn fn) {
  for (size_t i = 0; i < n; i += S::L) {
    const size_t c = lanes_left<S>(i, n);
    S::storef_n(y + i, S::narrow(fn(S::widen(S::loadf_n(x + i, c)))), c);
  }
}

template <class S, class Fn>
inline void map_f64(const double* x, double* y, size_t n, Fn fn) {
  for (size_t i = 0; i < n; i += S::L) {
    const size_t c = lanes_left<S>(i, n);
    S::stored_n(y + i, fn(S::loadd_n(x + i, c)), c);
  }
}

// ---- gelu_erf: a fast path whose float is checked by a rounding test, the accurate path where it fails
// (vmath.h states the argument; the bound's budget is in docs/kernels.md).

// The accurate path: the formula in double with erf above (errors of a few double ulps).
template <class S>
inline typename S::D gelu_erf_accurate(typename S::D v) {
  const typename S::D e = erf<S>(S::div(v, S::set1(kSqrt2)));
  return S::mul(S::mul(S::set1(0.5), v), S::add(S::set1(1.0), e));
}

// exp(x) for -37 <= x <= 0 within 8e-14 relative: Q of degree 7, and no ln2 low part (|k| <= 54, so
// k (ln2 - kLn2Hi) < 1.3e-15 is left out of r).
template <class S>
inline typename S::D exp_fast(typename S::D x) {
  using D = typename S::D;
  const D k = S::round(S::mul(x, S::set1(kLog2e)));
  const D r = S::fma(k, S::set1(-kLn2Hi), x);
  const D p = S::add(S::set1(1.0), S::fma(S::mul(r, r), horner<S>(kExpFastQ, r), r));
  return S::ldexp(p, k);
}

// erfc(a) for 0 <= a <= 6 within 3.2e-13 relative: exp(-a^2) (a^2 rounded: 36 * 2^-53 = 4e-15) times erfcx
// from S::ErfcxFast (16 intervals of degree 8 on AVX-512, 8 of degree 10 on AVX2; fit error 2.4e-13).
template <class S>
inline typename S::D erfc_fast(typename S::D a) {
  using D = typename S::D;
  using C = typename S::ErfcxFast;
  constexpr size_t kDegree = sizeof(C::kC) / sizeof(C::kC[0]) - 1;
  const auto j = S::index(S::mul(a, S::fma(a, S::set1(-C::kBeta), S::set1(C::kAlpha))));
  static_assert(kDegree % 2 == 0);
  const D t = S::sub(a, S::lookup_erfcx(C::kCenter, j));
  const D t2 = S::mul(t, t);
  // Even and odd coefficients in two Horner chains of t^2: half the latency of one chain.
  D even = S::lookup_erfcx(C::kC[kDegree], j), odd = S::lookup_erfcx(C::kC[kDegree - 1], j);
  for (size_t i = kDegree - 2; i >= 2; i -= 2) {
    even = S::fma(even, t2, S::lookup_erfcx(C::kC[i], j));
    odd = S::fma(odd, t2, S::lookup_erfcx(C::kC[i - 1], j));
  }
  even = S::fma(even, t2, S::lookup_erfcx(C::kC[0], j));
  return S::mul(exp_fast<S>(S::neg(S::mul(a, a))), S::fma(odd, t, even));
}

// The relative bound E on |erfc_fast(a) - erfc_accurate| / erfc_fast(a), with margin (docs/kernels.md):
// the fit 3.2e-13, x / sqrt2 as x * (1 / sqrt2) (erfc's condition number, <= 73 on [0, 6], times 4.4e-16:
// 3.3e-14), rounding in the evaluation (< 1e-14), the accurate path's own error (< 1e-15).
inline constexpr double kGeluErfBound = 1e-12;

template <class S>
void gelu_erf(const float* x, float* y, size_t n) {
  using D = typename S::D;
  using F = typename S::F;
  if (g_gelu_accurate_only) {
    map_f32<S>(x, y, n, [](D v) { return gelu_erf_accurate<S>(v); });
    return;
  }
  const D one = S::set1(1.0);
  const D below = S::set1(1.0 - kGeluErfBound * g_gelu_bound_scale);
  const D above = S::set1(1.0 + kGeluErfBound * g_gelu_bound_scale);
  for (size_t i = 0; i < n; i += S::L) {
    const size_t c = lanes_left<S>(i, n);
    const D v = S::widen(S::loadf_n(x + i, c));
    const D h = S::mul(S::set1(0.5), v);
    const D sign = S::signbit(v);
    const D ef = erfc_fast<S>(S::clamp(S::abs(S::mul(v, S::set1(kInvSqrt2))), 0.0, kErfOne));
    // The accurate path's last steps, on both ends of the interval that holds its erfc: erf = +-(1 - erfc)
    // (1 - erfc >= 0, so the sign is an xor), 1 + erf, 0.5 x times that. Each step is monotonic, so the
    // accurate float lies between y0 and y1; when they are the same float, it is that float.
    const F y0 = S::narrow(S::mul(h, S::add(one, S::bxor(S::sub(one, S::mul(ef, below)), sign))));
    const F y1 = S::narrow(S::mul(h, S::add(one, S::bxor(S::sub(one, S::mul(ef, above)), sign))));
    S::storef_n(y + i, S::same_bits(y0, y1) ? y0 : S::narrow(gelu_erf_accurate<S>(v)), c);
  }
}

template <class S>
void gelu_tanh(const float* x, float* y, size_t n) {
  using D = typename S::D;
  map_f32<S>(x, y, n, [](D v) {
    const D cube = S::mul(S::mul(S::mul(S::set1(0.044715), v), v), v);  // ((0.044715 * x) * x) * x
    const D th = tanh<S>(S::mul(S::set1(kSqrt2OverPi), S::add(v, cube)));
    return S::mul(S::mul(S::set1(0.5), v), S::add(S::set1(1.0), th));
  });
}

template <class S>
void softmax_row(const float* x, float* y, size_t n) {
  using D = typename S::D;
  if (n == 0) return;
  D mxv = S::set1(-__builtin_inf());
  for (size_t i = 0; i < n; i += S::L) {
    const size_t c = lanes_left<S>(i, n);
    D v = S::widen(S::loadf_n(x + i, c));
    if (c < S::L) v = S::select(S::tail_mask(c), v, S::set1(-__builtin_inf()));
    mxv = S::max_ignore_nan(mxv, v);
  }
  const D mx = S::set1(S::hmax(mxv));
  // Rows up to kKeep values keep their exponentials on the stack (attention rows are sequence-long), so each
  // exp is evaluated once; longer rows evaluate it again in the last pass. The same doubles either way.
  constexpr size_t kKeep = 1024;
  alignas(64) double kept[kKeep];
  const bool keep = n <= kKeep;
  D sumv = S::set1(0.0);
  for (size_t i = 0; i < n; i += S::L) {
    const size_t c = lanes_left<S>(i, n);
    D e = exp<S>(S::sub(S::widen(S::loadf_n(x + i, c)), mx));
    if (c < S::L) e = S::select(S::tail_mask(c), e, S::set1(0.0));
    if (keep) S::stored_n(kept + i, e, c);
    sumv = S::add(sumv, e);
  }
  const D sum = S::set1(S::hsum(sumv));
  for (size_t i = 0; i < n; i += S::L) {
    const size_t c = lanes_left<S>(i, n);
    const D e = keep ? S::loadd_n(kept + i, c) : exp<S>(S::sub(S::widen(S::loadf_n(x + i, c)), mx));
    S::storef_n(y + i, S::narrow(S::div(e, sum)), c);
  }
}

// Where a normalized row's values come from: x, or x + residual rounded to float.
struct RowSource {
  const float* x;
  const float* residual;  // nullable
};

template <class S>
inline typename S::F load_row(RowSource src, size_t i, size_t c) {
  typename S::F v = S::loadf_n(src.x + i, c);
  if (src.residual) v = S::addf(v, S::loadf_n(src.residual + i, c));
  return v;
}

template <class S>
inline double row_mean(RowSource src, size_t n) {
  typename S::D acc = S::set1(0.0);
  for (size_t i = 0; i < n; i += S::L) acc = S::add(acc, S::widen(load_row<S>(src, i, lanes_left<S>(i, n))));
  return S::hsum(acc) / static_cast<double>(n);
}

// (sum_i (x[i] - mean)^2) / n, then the MVN denominator.
template <class S>
inline double row_denominator(RowSource src, size_t n, double mean, double eps, bool eps_inside) {
  using D = typename S::D;
  const D m = S::set1(mean);
  D acc = S::set1(0.0);
  for (size_t i = 0; i < n; i += S::L) {
    const size_t c = lanes_left<S>(i, n);
    D d = S::sub(S::widen(load_row<S>(src, i, c)), m);
    if (c < S::L) d = S::select(S::tail_mask(c), d, S::set1(0.0));
    acc = S::fma(d, d, acc);
  }
  const double var = S::hsum(acc) / static_cast<double>(n);
  return eps_inside ? __builtin_sqrt(var + eps) : __builtin_sqrt(var) + eps;
}

template <class S>
void mvn_row(const float* x, float* y, size_t n, bool normalize_variance, double eps, bool eps_inside) {
  using D = typename S::D;
  if (n == 0) return;
  const RowSource src{x, nullptr};
  const double mean = row_mean<S>(src, n);
  const D m = S::set1(mean);
  if (!normalize_variance) {
    map_f32<S>(x, y, n, [m](D v) { return S::sub(v, m); });
    return;
  }
  const D denom = S::set1(row_denominator<S>(src, n, mean, eps, eps_inside));
  map_f32<S>(x, y, n, [m, denom](D v) { return S::div(S::sub(v, m), denom); });
}

template <class S>
void layernorm_row(const float* x, const float* residual, const float* gamma, const float* beta, size_t n,
                   double eps, bool eps_inside, float* y, float* sum_out) {
  using D = typename S::D;
  using F = typename S::F;
  if (n == 0) return;
  RowSource src{x, residual};
  if (sum_out) {
    for (size_t i = 0; i < n; i += S::L) {
      const size_t c = lanes_left<S>(i, n);
      S::storef_n(sum_out + i, load_row<S>(src, i, c), c);
    }
    src = RowSource{sum_out, nullptr};  // sum_out may alias x or residual: read the sums back
  }
  const double mean = row_mean<S>(src, n);
  const D m = S::set1(mean);
  const D denom = S::set1(row_denominator<S>(src, n, mean, eps, eps_inside));
  for (size_t i = 0; i < n; i += S::L) {
    const size_t c = lanes_left<S>(i, n);
    F t = S::narrow(S::div(S::sub(S::widen(load_row<S>(src, i, c)), m), denom));
    if (gamma) t = S::mulf(t, S::loadf_n(gamma + i, c));
    if (beta) t = S::addf(t, S::loadf_n(beta + i, c));
    S::storef_n(y + i, t, c);
  }
}

// ---- gelu_quantize_u8: a float approximation of gelu whose u8 level is checked against its error bound,
// the exact composition (the set's gelu_erf, then its quantize_u8) for the lanes where the check fails.
// vmath.h states the argument. G: a float ops struct (Avx512F: 16 floats per zmm; Avx2F: 8 per ymm) with
// V, L, PhiTail (vmath_coeffs.h) and set1, add, sub, mul, fma, fnma(a, b, c) = c - a * b, abs, min, max
// (both return their second operand when either is NaN), round (nearest even), index (truncation to int),
// lookup (a PhiTail table, by index), select(m, if_true, if_false), lt, ge, not_equal (NaN: true),
// not_finite, bits (a lane mask as the low L bits of an integer), loadf_n, store_levels_n (float levels in
// [0, 255] to bytes, the first c lanes).

using ExactQuantizeFn = void (*)(const float* x, uint8_t* q, size_t n, float low, float high, int levels);

inline constexpr float kPhiEnd = 6.0f;  // Phi(-a) is taken as 0 from a = 6 on (Phi(-6) = 9.9e-10)
// The absolute bound eps_a on (|g - gelu(x)| - 2^-150) / min(|x|, 6) (vmath.h: measured 6.4e-8, AVX2
// 8.4e-8, over every float x with |x| <= 6; proven above 6).
inline constexpr float kGeluQuantizeBound = 2.5e-7f;

// Q(a) = Phi(-a) for a >= 0 (0 from a = 6 on, and for NaN), within 1.3e-8 (16 intervals) or 2.9e-8 (8)
// absolute plus the evaluation's roundings.
template <class G>
inline typename G::V phi_tail(typename G::V a) {
  using V = typename G::V;
  using C = typename G::PhiTail;
  constexpr size_t kIntervals = sizeof(C::kCenter) / sizeof(C::kCenter[0]);
  constexpr size_t kDegree = sizeof(C::kC) / sizeof(C::kC[0]) - 1;
  const auto j = G::index(G::mul(G::min(a, G::set1(kPhiEnd * 0.999f)), G::set1(kIntervals / kPhiEnd)));
  const V t = G::sub(a, G::lookup(C::kCenter, j));
  V p = G::lookup(C::kC[kDegree], j);
  for (size_t i = kDegree; i-- > 0;) p = G::fma(p, t, G::lookup(C::kC[i], j));
  return G::select(G::lt(a, G::set1(kPhiEnd)), p, G::set1(0.0f));
}

template <class G>
void gelu_quantize_u8(const float* x, uint8_t* q, size_t n, float low, float high, int levels,
                      ExactQuantizeFn exact) {
  using V = typename G::V;
  // t = g * s + b approximates the Quantize step's (g - low) / (high - low) * (levels - 1).
  const float lm1 = static_cast<float>(levels - 1);
  const float s = lm1 / (high - low);
  const float b = -low * s;
  // Outside these (NaN or degenerate ranges), vmath.h's margins do not hold: every lane goes exact.
  if (g_gelu_quantize_exact_only || !(s >= 0x1p-100f && s <= 0x1p40f) || !(b >= -0x1p40f && b <= 0x1p40f)) {
    exact(x, q, n, low, high, levels);
    return;
  }
  const V sv = G::set1(s), bv = G::set1(b), top = G::set1(lm1), zero = G::set1(0.0f);
  const V rel = G::set1(0x1p-20f);
  const V abs_part = G::set1(static_cast<float>(__builtin_fabs(static_cast<double>(b)) * 0x1p-20 + 0x1p-100));
  const V eps =
      G::set1(static_cast<float>(kGeluQuantizeBound * g_gelu_quantize_bound_scale * s * (1 + 0x1p-10)));
  for (size_t i = 0; i < n; i += G::L) {
    const size_t c = n - i < G::L ? n - i : G::L;
    const V v = G::loadf_n(x + i, c);
    const V a = G::abs(v);
    const V p = phi_tail<G>(a);
    // gelu(x) = x (1 - Phi(-x)) for x >= 0, x Phi(x) = x Q(|x|) below.
    const V g = G::select(G::lt(v, zero), G::mul(v, p), G::fnma(v, p, v));
    const V t = G::fma(g, sv, bv);
    const V margin = G::fma(G::abs(t), rel, G::fma(G::min(a, G::set1(kPhiEnd)), eps, abs_part));
    // max(0, .) and min(top, .) keep a NaN, which not_equal then rejects.
    const V lo = G::min(top, G::max(zero, G::round(G::sub(t, margin))));
    const V hi = G::min(top, G::max(zero, G::round(G::add(t, margin))));
    G::store_levels_n(q + i, lo, c);
    unsigned fail = G::bits(G::not_equal(lo, hi)) | G::bits(G::not_finite(v));
    fail &= c == G::L ? ~0u : (1u << c) - 1;
    for (; fail != 0; fail &= fail - 1) {
      const size_t k = i + static_cast<size_t>(__builtin_ctz(fail));
      exact(x + k, q + k, 1, low, high, levels);
    }
  }
}

}  // namespace sparrow::kernels::vmath::impl
