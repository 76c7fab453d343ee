// vmath_f64_avx512: 8 doubles per zmm (vmath_impl.h); scalef gives exp's 2^k with one rounding, vpermpd the
// erfc table lookups. Quantize works on 16 floats per zmm.
// GCC 12 reports -Wmaybe-uninitialized inside its intrinsic headers wherever an intrinsic starts from
// _mm*_undefined_*() (a self-initialized variable; GCC bug 105593, fixed in GCC 13). The warning is located
// in the header, so it is silenced before the include.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "kernels/vmath/vmath_impl.h"
#include "kernels/vmath/vmath_kernels.h"

namespace sparrow::kernels::vmath {
namespace {

struct Avx512 {
  using D = __m512d;
  using M = __mmask8;
  using F = __m256;
  using Idx = __m512i;
  using ErfcxFast = ErfcxFast16;
  static constexpr size_t L = 8;

  static D set1(double v) { return _mm512_set1_pd(v); }
  static D add(D a, D b) { return _mm512_add_pd(a, b); }
  static D sub(D a, D b) { return _mm512_sub_pd(a, b); }
  static D mul(D a, D b) { return _mm512_mul_pd(a, b); }
  static D div(D a, D b) { return _mm512_div_pd(a, b); }
  static D fma(D a, D b, D c) { return _mm512_fmadd_pd(a, b, c); }
  static D neg(D a) { return _mm512_xor_pd(a, set1(-0.0)); }
  static D abs(D a) { return _mm512_andnot_pd(set1(-0.0), a); }
  static D copysign(D mag, D sign) { return _mm512_or_pd(abs(mag), _mm512_and_pd(sign, set1(-0.0))); }
  // vminpd / vmaxpd return their second operand when either is NaN.
  static D clamp(D x, double lo, double hi) { return _mm512_max_pd(set1(lo), _mm512_min_pd(set1(hi), x)); }
  static D clamp_drop_nan(D x, double lo, double hi) {
    return _mm512_min_pd(_mm512_max_pd(x, set1(lo)), set1(hi));
  }
  static D max_ignore_nan(D acc, D x) { return _mm512_max_pd(x, acc); }
  static D round(D x) { return _mm512_roundscale_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static D ldexp(D p, D k) { return _mm512_scalef_pd(p, k); }
  static M lt(D a, D b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
  static D select(M m, D if_true, D if_false) { return _mm512_mask_blend_pd(m, if_false, if_true); }
  static M tail_mask(size_t c) { return static_cast<M>((1u << c) - 1); }
  static Idx index(D v) { return _mm512_cvttpd_epi64(v); }
  static D lookup(const double* table8, Idx j) { return _mm512_permutexvar_pd(j, _mm512_loadu_pd(table8)); }
  static D lookup_erfcx(const double* table16, Idx j) {
    return _mm512_permutex2var_pd(_mm512_loadu_pd(table16), j, _mm512_loadu_pd(table16 + 8));
  }
  static D signbit(D a) { return _mm512_and_pd(a, set1(-0.0)); }
  static D bxor(D a, D b) { return _mm512_xor_pd(a, b); }
  static bool same_bits(F a, F b) {
    return _mm256_cmpeq_epi32_mask(_mm256_castps_si256(a), _mm256_castps_si256(b)) == 0xff;
  }

  static F loadf_n(const float* p, size_t c) {
    return c == L ? _mm256_loadu_ps(p) : _mm256_maskz_loadu_ps(tail_mask(c), p);
  }
  static void storef_n(float* p, F v, size_t c) {
    if (c == L) {
      _mm256_storeu_ps(p, v);
    } else {
      _mm256_mask_storeu_ps(p, tail_mask(c), v);
    }
  }
  static D loadd_n(const double* p, size_t c) {
    return c == L ? _mm512_loadu_pd(p) : _mm512_maskz_loadu_pd(tail_mask(c), p);
  }
  static void stored_n(double* p, D v, size_t c) {
    if (c == L) {
      _mm512_storeu_pd(p, v);
    } else {
      _mm512_mask_storeu_pd(p, tail_mask(c), v);
    }
  }
  static F addf(F a, F b) { return _mm256_add_ps(a, b); }
  static F mulf(F a, F b) { return _mm256_mul_ps(a, b); }
  static D widen(F v) { return _mm512_cvtps_pd(v); }
  static F narrow(D v) { return _mm512_cvtpd_ps(v); }
  static double hsum(D v) { return _mm512_reduce_add_pd(v); }
  static double hmax(D v) { return _mm512_reduce_max_pd(v); }
};

// 16 floats per zmm for gelu_quantize_u8 (vmath_impl.h); the 16-interval table is one vpermps.
struct Avx512F {
  using V = __m512;
  using M = __mmask16;
  using Idx = __m512i;
  using PhiTail = PhiTail16;
  static constexpr size_t L = 16;

  static V set1(float v) { return _mm512_set1_ps(v); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V fnma(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }
  static V abs(V a) { return _mm512_abs_ps(a); }
  static V min(V a, V b) { return _mm512_min_ps(a, b); }
  static V max(V a, V b) { return _mm512_max_ps(a, b); }
  static V round(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static Idx index(V a) { return _mm512_cvttps_epi32(a); }
  static V lookup(const float* table16, Idx j) { return _mm512_permutexvar_ps(j, _mm512_loadu_ps(table16)); }
  static V select(M m, V if_true, V if_false) { return _mm512_mask_blend_ps(m, if_false, if_true); }
  static M lt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static M not_equal(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_NEQ_UQ); }
  static M not_finite(V a) { return _mm512_cmp_ps_mask(abs(a), set1(0x1.fffffep127f), _CMP_NLE_UQ); }
  static unsigned bits(M m) { return m; }
  static V loadf_n(const float* p, size_t c) {
    return c == L ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(static_cast<M>((1u << c) - 1), p);
  }
  static void store_levels_n(uint8_t* q, V levels, size_t c) {
    const __m128i b = _mm512_cvtepi32_epi8(_mm512_cvtps_epi32(levels));
    if (c == L) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(q), b);
    } else {
      _mm_mask_storeu_epi8(q, static_cast<M>((1u << c) - 1), b);
    }
  }
};

}  // namespace

void vmath_f64_avx512_gelu_erf(const float* x, float* y, size_t n) {
  impl::gelu_erf<Avx512>(x, y, n);
}

void vmath_f64_avx512_gelu_tanh(const float* x, float* y, size_t n) {
  impl::gelu_tanh<Avx512>(x, y, n);
}

void vmath_f64_avx512_softmax_row(const float* x, float* y, size_t n) {
  impl::softmax_row<Avx512>(x, y, n);
}

void vmath_f64_avx512_mvn_row(const float* x, float* y, size_t n, bool normalize_variance, double eps,
                              bool eps_inside) {
  impl::mvn_row<Avx512>(x, y, n, normalize_variance, eps, eps_inside);
}

void vmath_f64_avx512_layernorm_row(const float* x, const float* residual, const float* gamma,
                                    const float* beta, size_t n, double eps, bool eps_inside, float* y,
                                    float* sum_out) {
  impl::layernorm_row<Avx512>(x, residual, gamma, beta, n, eps, eps_inside, y, sum_out);
}

void vmath_f64_avx512_quantize_u8(const float* x, uint8_t* q, size_t n, float low, float high, int levels) {
  const __m512 lowv = _mm512_set1_ps(low), highv = _mm512_set1_ps(high);
  const __m512 range = _mm512_set1_ps(high - low), lm1 = _mm512_set1_ps(static_cast<float>(levels - 1));
  const __m512i top = _mm512_set1_epi32(levels - 1), zero = _mm512_setzero_si512();
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 m = n - i >= 16 ? 0xffff : static_cast<__mmask16>((1u << (n - i)) - 1);
    const __m512 v = _mm512_maskz_loadu_ps(m, x + i);
    const __m512 t = _mm512_mul_ps(_mm512_div_ps(_mm512_sub_ps(v, lowv), range), lm1);
    __m512i r =
        _mm512_cvtps_epi32(t);  // the MXCSR rounding (nearest even), as std::nearbyint; NaN: 0x80000000
    r = _mm512_mask_mov_epi32(r, _mm512_cmp_ps_mask(v, highv, _CMP_GT_OQ), top);
    r = _mm512_mask_mov_epi32(r, _mm512_cmp_ps_mask(v, lowv, _CMP_LE_OQ), zero);
    _mm_mask_storeu_epi8(q + i, m, _mm512_cvtepi32_epi8(r));  // low byte: NaN's 0x80000000 -> 0
  }
}

// The exact composition, for the lanes gelu_quantize_u8 cannot decide: this set's gelu_erf, then quantize_u8.
void vmath_f64_avx512_gelu_quantize_exact(const float* x, uint8_t* q, size_t n, float low, float high,
                                          int levels) {
  float y[64];
  for (size_t i = 0; i < n; i += 64) {
    const size_t c = n - i < 64 ? n - i : 64;
    vmath_f64_avx512_gelu_erf(x + i, y, c);
    vmath_f64_avx512_quantize_u8(y, q + i, c, low, high, levels);
  }
}

void vmath_f64_avx512_gelu_quantize_u8(const float* x, uint8_t* q, size_t n, float low, float high,
                                       int levels) {
  impl::gelu_quantize_u8<Avx512F>(x, q, n, low, high, levels, &vmath_f64_avx512_gelu_quantize_exact);
}

void vmath_f64_avx512_exp_f64(const double* x, double* y, size_t n) {
  impl::map_f64<Avx512>(x, y, n, [](__m512d v) { return impl::exp<Avx512>(v); });
}

void vmath_f64_avx512_erf_f64(const double* x, double* y, size_t n) {
  impl::map_f64<Avx512>(x, y, n, [](__m512d v) { return impl::erf<Avx512>(v); });
}

void vmath_f64_avx512_tanh_f64(const double* x, double* y, size_t n) {
  impl::map_f64<Avx512>(x, y, n, [](__m512d v) { return impl::tanh<Avx512>(v); });
}

}  // namespace sparrow::kernels::vmath
