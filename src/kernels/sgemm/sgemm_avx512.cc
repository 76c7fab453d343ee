// sgemm with AVX-512: 8 doubles per zmm. A register tile is R <= MR rows x NV <= NR / 8 zmm of columns:
// per k it loads NV vectors of the converted B panel and, for each row, multiplies the row's converted A
// value (an embedded broadcast from the A tile) into NV accumulators with vfmadd231pd. Each accumulator
// lane sums its output's products in k order (sgemm.h, Exactness); vcvtpd2ps rounds it once to float.
// Conversion buffers and loop order: sgemm_driver.h.
//
// Compiled with AVX-512 flags: uses nothing from the standard library but intrinsics (sgemm_driver.h).
#include <immintrin.h>

#include "kernels/sgemm/sgemm_driver.h"

namespace sparrow::kernels::sgemm {
namespace {

// Conversions through the zero-masking intrinsics with every lane enabled, not _mm512_cvtps_pd /
// _mm512_cvtpd_ps: GCC 12's versions start from an "undefined" register that -Wmaybe-uninitialized reports
// (GCC bug 105593); a vector-type __builtin_convertvector compiles to two ymm conversions and a shuffle.
inline __m512d to_f64(__m256 f) {
  return _mm512_maskz_cvtps_pd(0xff, f);
}
inline __m256 to_f32(__m512d d) {
  return _mm512_maskz_cvtpd_ps(0xff, d);
}

struct Avx512 {
  static constexpr int kLanes = 8;

  static void store_f64(double* dst, __m256 f) { _mm512_storeu_pd(dst, to_f64(f)); }

  template <int NR, int R, int NV>
  static void tile(size_t kc, const double* a, const double* b, const double* acc_in, double* acc_out,
                   float* c, size_t ldc, size_t cols) {
    __m512d acc[R][NV];
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v)
        acc[r][v] = acc_in ? _mm512_loadu_pd(acc_in + r * NR + kLanes * v) : _mm512_setzero_pd();
    }
#pragma GCC unroll 4
    for (size_t k = 0; k < kc; ++k) {
      __m512d bv[NV];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) bv[v] = _mm512_load_pd(b + k * NR + kLanes * v);
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        const __m512d ar = _mm512_set1_pd(a[r * kAStride + k]);
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_pd(ar, bv[v], acc[r][v]);
      }
    }
    if (acc_out) {
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) _mm512_storeu_pd(acc_out + r * NR + kLanes * v, acc[r][v]);
      }
      return;
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      float* row = c + r * ldc;
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        const __m256 f = to_f32(acc[r][v]);
        const size_t left = cols - kLanes * v;
        if (left >= kLanes) {
          _mm256_storeu_ps(row + kLanes * v, f);
        } else {
          _mm256_mask_storeu_ps(row + kLanes * v, static_cast<__mmask8>((1u << left) - 1), f);
        }
      }
    }
  }
};

}  // namespace

SPARROW_SGEMM_DEFINE_KERNEL(sgemm_f32f64acc_8x16_avx512, Avx512)

}  // namespace sparrow::kernels::sgemm
