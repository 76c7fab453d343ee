// vmath_f64_avx2: 4 doubles per ymm (vmath_impl.h). exp's 2^k is two exact exponent-field powers of two
// (2^floor(k/2) then 2^(k - floor(k/2)), so the result rounds once even where it is subnormal); the erfc
// table lookups are two vpermd and a blend. Quantize works on 8 floats per ymm, its tail through a stack
// copy. GCC 12 reports -Wmaybe-uninitialized inside its intrinsic headers wherever an intrinsic starts from
// _mm*_undefined_*() (a self-initialized variable; GCC bug 105593, fixed in GCC 13). The warning is located
// in the header, so it is silenced before the include.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "kernels/vmath/vmath_impl.h"
#include "kernels/vmath/vmath_kernels.h"

namespace sparrow::kernels::vmath {
namespace {

struct Avx2 {
  using D = __m256d;
  using M = __m256d;
  using F = __m128;
  struct Idx {
    __m256i perm;
    __m256d upper;
  };
  using ErfcxFast = ErfcxFast8;
  static constexpr size_t L = 4;

  static D set1(double v) { return _mm256_set1_pd(v); }
  static D add(D a, D b) { return _mm256_add_pd(a, b); }
  static D sub(D a, D b) { return _mm256_sub_pd(a, b); }
  static D mul(D a, D b) { return _mm256_mul_pd(a, b); }
  static D div(D a, D b) { return _mm256_div_pd(a, b); }
  static D fma(D a, D b, D c) { return _mm256_fmadd_pd(a, b, c); }
  static D neg(D a) { return _mm256_xor_pd(a, set1(-0.0)); }
  static D abs(D a) { return _mm256_andnot_pd(set1(-0.0), a); }
  static D copysign(D mag, D sign) { return _mm256_or_pd(abs(mag), _mm256_and_pd(sign, set1(-0.0))); }
  // vminpd / vmaxpd return their second operand when either is NaN.
  static D clamp(D x, double lo, double hi) { return _mm256_max_pd(set1(lo), _mm256_min_pd(set1(hi), x)); }
  static D clamp_drop_nan(D x, double lo, double hi) {
    return _mm256_min_pd(_mm256_max_pd(x, set1(lo)), set1(hi));
  }
  static D max_ignore_nan(D acc, D x) { return _mm256_max_pd(x, acc); }
  static D round(D x) { return _mm256_round_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  // 2^j for integral j in [-1022, 1023]: j + 1023 in the exponent field.
  static D pow2(D j) {
    const __m256i bits = _mm256_castpd_si256(_mm256_add_pd(j, set1(0x1p52 + 1023.0)));
    return _mm256_castsi256_pd(_mm256_slli_epi64(bits, 52));
  }
  static D ldexp(D p, D k) {
    const D k1 = _mm256_floor_pd(mul(k, set1(0.5)));
    return mul(mul(p, pow2(k1)), pow2(sub(k, k1)));
  }
  static M lt(D a, D b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
  static D select(M m, D if_true, D if_false) { return _mm256_blendv_pd(if_false, if_true, m); }
  static __m256i mask64(size_t c) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(static_cast<long long>(c)), _mm256_setr_epi64x(0, 1, 2, 3));
  }
  static __m128i mask32(size_t c) {
    return _mm_cmpgt_epi32(_mm_set1_epi32(static_cast<int>(c)), _mm_setr_epi32(0, 1, 2, 3));
  }
  static M tail_mask(size_t c) { return _mm256_castsi256_pd(mask64(c)); }
  // Table lookups by vpermd on the table's two halves (vgatherdpd is microcoded, ~10x slower where the
  // Gather Data Sampling mitigation is on): perm holds dword pairs (2 (j & 3), 2 (j & 3) + 1), upper = j > 3.
  static Idx index(D v) {
    const __m256i j = _mm256_cvtepi32_epi64(_mm256_cvttpd_epi32(v));
    const __m256i lo2 = _mm256_slli_epi64(_mm256_and_si256(j, _mm256_set1_epi64x(3)), 1);
    return {_mm256_or_si256(lo2, _mm256_slli_epi64(_mm256_add_epi64(lo2, _mm256_set1_epi64x(1)), 32)),
            _mm256_castsi256_pd(_mm256_cmpgt_epi64(j, _mm256_set1_epi64x(3)))};
  }
  static D lookup(const double* table8, Idx j) {
    const __m256 lo = _mm256_permutevar8x32_ps(_mm256_castpd_ps(_mm256_loadu_pd(table8)), j.perm);
    const __m256 hi = _mm256_permutevar8x32_ps(_mm256_castpd_ps(_mm256_loadu_pd(table8 + 4)), j.perm);
    return _mm256_blendv_pd(_mm256_castps_pd(lo), _mm256_castps_pd(hi), j.upper);
  }

  static D lookup_erfcx(const double* table8, Idx j) { return lookup(table8, j); }
  static D signbit(D a) { return _mm256_and_pd(a, set1(-0.0)); }
  static D bxor(D a, D b) { return _mm256_xor_pd(a, b); }
  static bool same_bits(F a, F b) {
    return _mm_movemask_epi8(_mm_cmpeq_epi32(_mm_castps_si128(a), _mm_castps_si128(b))) == 0xffff;
  }

  static F loadf_n(const float* p, size_t c) {
    return c == L ? _mm_loadu_ps(p) : _mm_maskload_ps(p, mask32(c));
  }
  static void storef_n(float* p, F v, size_t c) {
    if (c == L) {
      _mm_storeu_ps(p, v);
    } else {
      _mm_maskstore_ps(p, mask32(c), v);
    }
  }
  static D loadd_n(const double* p, size_t c) {
    return c == L ? _mm256_loadu_pd(p) : _mm256_maskload_pd(p, mask64(c));
  }
  static void stored_n(double* p, D v, size_t c) {
    if (c == L) {
      _mm256_storeu_pd(p, v);
    } else {
      _mm256_maskstore_pd(p, mask64(c), v);
    }
  }
  static F addf(F a, F b) { return _mm_add_ps(a, b); }
  static F mulf(F a, F b) { return _mm_mul_ps(a, b); }
  static D widen(F v) { return _mm256_cvtps_pd(v); }
  static F narrow(D v) { return _mm256_cvtpd_ps(v); }
  static double hsum(D v) {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
  }
  static double hmax(D v) {
    __m128d s = _mm_max_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_max_sd(s, _mm_unpackhi_pd(s, s)));
  }
};

// 8 floats per ymm for gelu_quantize_u8 (vmath_impl.h); the 8-interval table is one vpermps.
struct Avx2F {
  using V = __m256;
  using M = __m256;
  using Idx = __m256i;
  using PhiTail = PhiTail8;
  static constexpr size_t L = 8;

  static V set1(float v) { return _mm256_set1_ps(v); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V fnma(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }
  static V abs(V a) { return _mm256_andnot_ps(set1(-0.0f), a); }
  static V min(V a, V b) { return _mm256_min_ps(a, b); }
  static V max(V a, V b) { return _mm256_max_ps(a, b); }
  static V round(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static Idx index(V a) { return _mm256_cvttps_epi32(a); }
  static V lookup(const float* table8, Idx j) { return _mm256_permutevar8x32_ps(_mm256_loadu_ps(table8), j); }
  static V select(M m, V if_true, V if_false) { return _mm256_blendv_ps(if_false, if_true, m); }
  static M lt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static M not_equal(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_NEQ_UQ); }
  static M not_finite(V a) { return _mm256_cmp_ps(abs(a), set1(0x1.fffffep127f), _CMP_NLE_UQ); }
  static unsigned bits(M m) { return static_cast<unsigned>(_mm256_movemask_ps(m)); }
  static V loadf_n(const float* p, size_t c) {
    if (c == L) return _mm256_loadu_ps(p);
    const __m256i m =
        _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(c)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    return _mm256_maskload_ps(p, m);
  }
  static void store_levels_n(uint8_t* q, V levels, size_t c) {
    const __m256i r = _mm256_cvtps_epi32(levels);  // in [0, 255]
    const __m256i w = _mm256_packus_epi32(r, r);
    const __m256i b = _mm256_packus_epi16(w, w);
    const __m128i v =
        _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0)));
    if (c == L) {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(q), v);
    } else {
      alignas(16) uint8_t out[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(out), v);
      for (size_t k = 0; k < c; ++k) q[k] = out[k];
    }
  }
};

// 8 floats -> 8 bytes: the Quantize op's float steps; the conditions override the rounded quotient.
__m128i quantize8(__m256 v, __m256 lowv, __m256 highv, __m256 range, __m256 lm1, __m256i top) {
  const __m256 t = _mm256_mul_ps(_mm256_div_ps(_mm256_sub_ps(v, lowv), range), lm1);
  __m256i r = _mm256_cvtps_epi32(t);  // the MXCSR rounding (nearest even), as std::nearbyint; NaN: 0x80000000
  r = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(r), _mm256_castsi256_ps(top),
                                           _mm256_cmp_ps(v, highv, _CMP_GT_OQ)));
  r = _mm256_castps_si256(
      _mm256_blendv_ps(_mm256_castsi256_ps(r), _mm256_setzero_ps(), _mm256_cmp_ps(v, lowv, _CMP_LE_OQ)));
  // r is in [0, 255] or NaN's 0x80000000, which the unsigned saturation makes 0 (its low byte, as the cast).
  const __m256i w = _mm256_packus_epi32(r, r);  // per 128-bit half: r0..r3 r0..r3 | r4..r7 r4..r7
  const __m256i b = _mm256_packus_epi16(w, w);
  return _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0)));
}

}  // namespace

void vmath_f64_avx2_gelu_erf(const float* x, float* y, size_t n) {
  impl::gelu_erf<Avx2>(x, y, n);
}

void vmath_f64_avx2_gelu_tanh(const float* x, float* y, size_t n) {
  impl::gelu_tanh<Avx2>(x, y, n);
}

void vmath_f64_avx2_softmax_row(const float* x, float* y, size_t n) {
  impl::softmax_row<Avx2>(x, y, n);
}

void vmath_f64_avx2_mvn_row(const float* x, float* y, size_t n, bool normalize_variance, double eps,
                            bool eps_inside) {
  impl::mvn_row<Avx2>(x, y, n, normalize_variance, eps, eps_inside);
}

void vmath_f64_avx2_layernorm_row(const float* x, const float* residual, const float* gamma,
                                  const float* beta, size_t n, double eps, bool eps_inside, float* y,
                                  float* sum_out) {
  impl::layernorm_row<Avx2>(x, residual, gamma, beta, n, eps, eps_inside, y, sum_out);
}

void vmath_f64_avx2_quantize_u8(const float* x, uint8_t* q, size_t n, float low, float high, int levels) {
  const __m256 lowv = _mm256_set1_ps(low), highv = _mm256_set1_ps(high);
  const __m256 range = _mm256_set1_ps(high - low), lm1 = _mm256_set1_ps(static_cast<float>(levels - 1));
  const __m256i top = _mm256_set1_epi32(levels - 1);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(q + i),
                     quantize8(_mm256_loadu_ps(x + i), lowv, highv, range, lm1, top));
  }
  if (i < n) {
    alignas(32) float in[8] = {};
    alignas(16) uint8_t out[16];
    for (size_t k = i; k < n; ++k) in[k - i] = x[k];
    _mm_store_si128(reinterpret_cast<__m128i*>(out),
                    quantize8(_mm256_load_ps(in), lowv, highv, range, lm1, top));
    for (size_t k = i; k < n; ++k) q[k] = out[k - i];
  }
}

// The exact composition, for the lanes gelu_quantize_u8 cannot decide: this set's gelu_erf, then quantize_u8.
void vmath_f64_avx2_gelu_quantize_exact(const float* x, uint8_t* q, size_t n, float low, float high,
                                        int levels) {
  float y[64];
  for (size_t i = 0; i < n; i += 64) {
    const size_t c = n - i < 64 ? n - i : 64;
    vmath_f64_avx2_gelu_erf(x + i, y, c);
    vmath_f64_avx2_quantize_u8(y, q + i, c, low, high, levels);
  }
}

void vmath_f64_avx2_gelu_quantize_u8(const float* x, uint8_t* q, size_t n, float low, float high,
                                     int levels) {
  impl::gelu_quantize_u8<Avx2F>(x, q, n, low, high, levels, &vmath_f64_avx2_gelu_quantize_exact);
}

void vmath_f64_avx2_exp_f64(const double* x, double* y, size_t n) {
  impl::map_f64<Avx2>(x, y, n, [](__m256d v) { return impl::exp<Avx2>(v); });
}

void vmath_f64_avx2_erf_f64(const double* x, double* y, size_t n) {
  impl::map_f64<Avx2>(x, y, n, [](__m256d v) { return impl::erf<Avx2>(v); });
}

void vmath_f64_avx2_tanh_f64(const double* x, double* y, size_t n) {
  impl::map_f64<Avx2>(x, y, n, [](__m256d v) { return impl::tanh<Avx2>(v); });
}

}  // namespace sparrow::kernels::vmath
