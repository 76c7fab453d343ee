// What the optimized sgemm kernels share: converting A and B to double in stack buffers, the loop over
// register tiles, and the named instantiations. Included only by the per-ISA translation units (compiled
// with at least AVX2 flags); everything here has internal linkage, so each ISA's copy stays its own.
//
// Buffers (per call, on the stack):
//   B block: panels of NR columns, each [kc][NR] doubles (row k = B(k, n0 .. n0 + NR), zero past column
//            N), as many panels as fit in kBlockDoubles. Both layouts of B are converted into it, so the
//            register tiles never see b_transposed; the transposed one through 8 x 8 float transposes.
//   A tile:  up to MR rows of kc doubles at a fixed stride of kAStride (one pointer plus constant
//            displacements addresses every row in the tile loop).
//
// Loop order, K <= kKChunk (every attention shape): for each block of columns whose B panels fill about
// 32 KiB (so that they stay in L1 while every row tile passes over them; 4 panels of 16 columns at
// K = 64), or one panel when K is larger, convert them once; for each tile of MR rows,
// convert its A rows once; run every panel of the block over the whole K. Each output is one register's
// lane from k = 0 to K - 1, in order, so the sum is the contract's loop exactly.
// K > kKChunk: tile by tile, K in chunks of kKChunk; between chunks the tile's double sums wait in a small
// buffer (the same additions in the same order, so still exact); A and B are converted once per tile.
#pragma once

#include <immintrin.h>

#include <cstddef>

#include "kernels/sgemm/sgemm_kernels.h"

namespace sparrow::kernels::sgemm {
namespace {

constexpr size_t kKChunk = 512;                 // the largest K converted at once (BERT's longest sequence)
constexpr size_t kAStride = kKChunk + 8;        // doubles between A rows (+ 64 bytes: no 4 KiB aliasing)
constexpr size_t kBlockDoubles = size_t{8192};  // 64 KiB of converted B: one panel of the largest K
constexpr size_t kL1BlockDoubles = 4096;        // 32 KiB: the panels converted at once when K is small

constexpr size_t min_size(size_t a, size_t b) {
  return a < b ? a : b;
}

// Floats p[0 .. count), count <= 8, the rest zero; reads nothing past p[count - 1] (vmaskmovps does not
// fault on masked-off lanes).
inline __m256 load8(const float* p, size_t count) {
  if (count >= 8) return _mm256_loadu_ps(p);
  if (count == 0) return _mm256_setzero_ps();
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)), lane));
}

// r[i][j] becomes r[j][i].
__attribute__((always_inline)) inline void transpose8x8(__m256 (&r)[8]) {
  __m256 t[8], u[8];
#pragma GCC unroll 4
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);      // r_i0 r_(i+1)0 r_i1 r_(i+1)1 | same for 4, 5
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);  // columns 2, 3 | 6, 7
  }
#pragma GCC unroll 2
  for (int i = 0; i < 8; i += 4) {
    u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);      // column 0 of rows i .. i+3 | column 4
    u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xee);  // column 1 | 5
    u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xee);
  }
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
    r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
  }
}

// Rows [0, rows) x columns [0, kc) of A (stride lda) as doubles, row r at out + r * kAStride. Writes up to
// the next multiple of 8 columns.
template <class Ops>
void convert_a(const float* a, size_t lda, size_t rows, size_t kc, double* out) {
  for (size_t r = 0; r < rows; ++r) {
    const float* src = a + r * lda;
    double* dst = out + r * kAStride;
    size_t k = 0;
    for (; k + 8 <= kc; k += 8) Ops::store_f64(dst + k, _mm256_loadu_ps(src + k));
    if (k < kc) Ops::store_f64(dst + k, load8(src + k, kc - k));
  }
}

// One panel: out[k][j] = B(k0 + k, n0 + j) for k < kc, j < cols, zero for cols <= j < NR.
template <class Ops, int NR>
void pack_b(const Call& c, size_t n0, size_t cols, size_t k0, size_t kc, double* out) {
  static_assert(NR % 8 == 0);
  if (!c.b_transposed) {
    for (size_t k = 0; k < kc; ++k) {
      const float* src = c.B + (k0 + k) * c.ldb + n0;
      for (size_t j = 0; j < NR; j += 8)
        Ops::store_f64(out + k * NR + j, cols > j ? load8(src + j, cols - j) : _mm256_setzero_ps());
    }
    return;
  }
  for (size_t j = 0; j < NR; j += 8) {
    const size_t jn = cols > j ? min_size(8, cols - j) : 0;
    const float* src = c.B + (n0 + j) * c.ldb + k0;
    size_t k = 0;
    if (jn == 8) {
      for (; k + 8 <= kc; k += 8) {
        __m256 r[8];
#pragma GCC unroll 8
        for (size_t i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * c.ldb + k);
        transpose8x8(r);
#pragma GCC unroll 8
        for (size_t i = 0; i < 8; ++i) Ops::store_f64(out + (k + i) * NR + j, r[i]);
      }
    }
    for (; k < kc; k += 8) {
      const size_t kn = min_size(8, kc - k);
      __m256 r[8];
      for (size_t i = 0; i < 8; ++i) r[i] = i < jn ? load8(src + i * c.ldb + k, kn) : _mm256_setzero_ps();
      transpose8x8(r);
      for (size_t i = 0; i < kn; ++i) Ops::store_f64(out + (k + i) * NR + j, r[i]);
    }
  }
}

// The tile function for `rows` <= MR rows and `nv` <= NV vectors of columns: the instantiation of
// Ops::tile<NR, rows, nv>.
using TileFn = void (*)(size_t kc, const double* a, const double* b, const double* acc_in, double* acc_out,
                        float* c, size_t ldc, size_t cols);

template <class Ops, int NR, int MR, int NV>
TileFn tile_for(size_t rows, size_t nv) {
  if constexpr (MR > 1) {
    if (rows < MR) return tile_for<Ops, NR, MR - 1, NV>(rows, nv);
  }
  if constexpr (NV > 1) {
    if (nv < NV) return tile_for<Ops, NR, MR, NV - 1>(rows, nv);
  }
  return &Ops::template tile<NR, MR, NV>;
}

template <class Ops, int MR, int NR>
void run(const Call& c) {
  constexpr int NV = NR / Ops::kLanes;
  static_assert(NR % Ops::kLanes == 0 && kKChunk * NR <= kBlockDoubles);
  alignas(64) double b_buf[kBlockDoubles];
  alignas(64) double a_buf[MR * kAStride];
  auto tile = [](size_t rows, size_t cols) {
    return tile_for<Ops, NR, MR, NV>(rows, (cols + Ops::kLanes - 1) / Ops::kLanes);
  };

  if (c.K <= kKChunk) {
    const size_t panel = c.K * NR;
    const size_t block_cols = (panel <= kL1BlockDoubles ? kL1BlockDoubles / panel : 1) * NR;
    for (size_t n0 = 0; n0 < c.N; n0 += block_cols) {
      const size_t n_end = min_size(c.N, n0 + block_cols);
      for (size_t n = n0; n < n_end; n += NR)
        pack_b<Ops, NR>(c, n, min_size(NR, n_end - n), 0, c.K, b_buf + (n - n0) / NR * panel);
      for (size_t m0 = 0; m0 < c.M; m0 += MR) {
        const size_t rows = min_size(MR, c.M - m0);
        convert_a<Ops>(c.A + m0 * c.lda, c.lda, rows, c.K, a_buf);
        const TileFn full = tile(rows, NR);
        for (size_t n = n0; n < n_end; n += NR) {
          const size_t cols = min_size(NR, n_end - n);
          (cols == NR ? full : tile(rows, cols))(c.K, a_buf, b_buf + (n - n0) / NR * panel, nullptr, nullptr,
                                                 c.C + m0 * c.ldc + n, c.ldc, cols);
        }
      }
    }
    return;
  }

  alignas(64) double sums[MR * NR];
  for (size_t n0 = 0; n0 < c.N; n0 += NR) {
    const size_t cols = min_size(NR, c.N - n0);
    for (size_t m0 = 0; m0 < c.M; m0 += MR) {
      const size_t rows = min_size(MR, c.M - m0);
      const TileFn fn = tile(rows, cols);
      for (size_t k0 = 0; k0 < c.K; k0 += kKChunk) {
        const size_t kc = min_size(kKChunk, c.K - k0);
        pack_b<Ops, NR>(c, n0, cols, k0, kc, b_buf);
        convert_a<Ops>(c.A + m0 * c.lda + k0, c.lda, rows, kc, a_buf);
        fn(kc, a_buf, b_buf, k0 == 0 ? nullptr : sums, k0 + kc == c.K ? nullptr : sums, c.C + m0 * c.ldc + n0,
           c.ldc, cols);
      }
    }
  }
}

}  // namespace
}  // namespace sparrow::kernels::sgemm

// The entry point that kernels.inc declares for `name`: run<Ops, MR, NR> at the tile sizes kernels.inc
// gives, with the including file's Ops (kLanes, store_f64, tile<NR, R, NV>).
#define SPARROW_SGEMM_DEFINE_KERNEL(name, Ops)   \
  void name##_run(const Call& c) {               \
    run<Ops, name##_tile.mr, name##_tile.nr>(c); \
  }
