// sgemm with AVX2 + FMA: 4 doubles per ymm. A register tile is R <= MR rows x NV <= NR / 4 ymm of columns:
// per k it loads NV vectors of the converted B panel and, for each row, broadcasts the row's converted A
// value (vbroadcastsd from the A tile) and adds its products to NV accumulators with vfmadd231pd. Each
// accumulator lane sums its output's products in k order (sgemm.h, Exactness); vcvtpd2ps rounds it once
// to float. Conversion buffers and loop order: sgemm_driver.h.
//
// Compiled with AVX2 flags: uses nothing from the standard library but intrinsics (sgemm_driver.h).
#include <immintrin.h>

#include "kernels/sgemm/sgemm_driver.h"

namespace sparrow::kernels::sgemm {
namespace {

struct Avx2 {
  static constexpr int kLanes = 4;

  static void store_f64(double* dst, __m256 f) {
    _mm256_storeu_pd(dst, _mm256_cvtps_pd(_mm256_castps256_ps128(f)));
    _mm256_storeu_pd(dst + 4, _mm256_cvtps_pd(_mm256_extractf128_ps(f, 1)));
  }

  template <int NR, int R, int NV>
  static void tile(size_t kc, const double* a, const double* b, const double* acc_in, double* acc_out,
                   float* c, size_t ldc, size_t cols) {
    __m256d acc[R][NV];
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v)
        acc[r][v] = acc_in ? _mm256_loadu_pd(acc_in + r * NR + kLanes * v) : _mm256_setzero_pd();
    }
#pragma GCC unroll 4
    for (size_t k = 0; k < kc; ++k) {
      __m256d bv[NV];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) bv[v] = _mm256_load_pd(b + k * NR + kLanes * v);
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        const __m256d ar = _mm256_broadcast_sd(a + r * kAStride + k);
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_fmadd_pd(ar, bv[v], acc[r][v]);
      }
    }
    if (acc_out) {
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) _mm256_storeu_pd(acc_out + r * NR + kLanes * v, acc[r][v]);
      }
      return;
    }
    const __m128i lane = _mm_setr_epi32(0, 1, 2, 3);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      float* row = c + r * ldc;
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        const __m128 f = _mm256_cvtpd_ps(acc[r][v]);
        const size_t left = cols - kLanes * v;
        if (left >= kLanes) {
          _mm_storeu_ps(row + kLanes * v, f);
        } else {
          _mm_maskstore_ps(row + kLanes * v, _mm_cmpgt_epi32(_mm_set1_epi32(static_cast<int>(left)), lane),
                           f);
        }
      }
    }
  }
};

}  // namespace

SPARROW_SGEMM_DEFINE_KERNEL(sgemm_f32f64acc_6x8_avx2, Avx2)

}  // namespace sparrow::kernels::sgemm
