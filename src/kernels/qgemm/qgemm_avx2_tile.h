// The AVX2 register tile of qgemm, shared by the kernels whose panels the tile reads in the dense AVX2
// layout (qgemm_avx2.cc, and qgemm_bitmask_avx2.cc, which expands its compressed weights into that layout):
// per k-group of a panel, 2 x NV ymm of int16 pairs (qgemm_avx2.cc), MR activation broadcasts, vpmaddwd
// into MR x NV ymm accumulators. Where the weight vectors come from is the Weights policy: DenseWeights
// loads them from a packed panel; other formats make them in registers.
//
// Included only by translation units compiled with AVX2 flags; everything here has internal linkage and uses
// nothing from the standard library but intrinsics and memcpy (qgemm_driver.h).
#pragma once

#include <immintrin.h>

#include <cstring>

#include "kernels/qgemm/qgemm_driver.h"

namespace sparrow::kernels::qgemm {
namespace {

constexpr size_t kLanes = 8;

// 8 x int32 accumulators, not __m256i (a vector of int64), for the reason qgemm_avx512vnni.cc gives.
typedef int32_t Acc __attribute__((vector_size(32)));

inline __m256i broadcast_group(const uint8_t* p) {
  return _mm256_broadcastd_epi32(_mm_loadu_si32(p));
}
inline __m256i broadcast_tail(const uint8_t* p, unsigned bytes) {
  uint32_t v = 0;
  for (unsigned i = 0; i < bytes; ++i) v |= uint32_t{p[i]} << (8 * i);
  return _mm256_set1_epi32(static_cast<int32_t>(v));
}

struct OutS32 {
  int32_t* dst;
  size_t stride;

  template <int MR, int NV>
  void store(const Acc (&acc)[MR][NV], size_t m0, size_t n0, size_t cols) const {
#pragma GCC unroll 16
    for (int m = 0; m < MR; ++m) {
      int32_t* row = dst + (m0 + m) * stride + n0;
      if (cols == NV * kLanes) {
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v)
          _mm256_storeu_si256(reinterpret_cast<__m256i*>(row + kLanes * v), (__m256i)acc[m][v]);
      } else {
        int32_t tmp[NV * kLanes];
        for (int v = 0; v < NV; ++v)
          _mm256_storeu_si256(reinterpret_cast<__m256i*>(tmp + kLanes * v), (__m256i)acc[m][v]);
        std::memcpy(row, tmp, cols * sizeof(int32_t));
      }
    }
  }
};

struct OutF32 {
  const float* alpha;
  const float* beta;
  float* dst;
  size_t stride;

  template <int MR, int NV>
  void store(const Acc (&acc)[MR][NV], size_t m0, size_t n0, size_t cols) const {
    const bool full = cols == NV * kLanes;
    // Partial tiles go through zero-padded copies, so nothing past column n_end is read or written.
    float a_tmp[NV * kLanes] = {}, b_tmp[NV * kLanes] = {};
    if (!full) {
      std::memcpy(a_tmp, alpha + n0, cols * sizeof(float));
      std::memcpy(b_tmp, beta + n0, cols * sizeof(float));
    }
    const float* a_src = full ? alpha + n0 : a_tmp;
    const float* b_src = full ? beta + n0 : b_tmp;
    __m256 a[NV], b[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      a[v] = _mm256_loadu_ps(a_src + kLanes * v);
      b[v] = _mm256_loadu_ps(b_src + kLanes * v);
    }
#pragma GCC unroll 16
    for (int m = 0; m < MR; ++m) {
      float* row = dst + (m0 + m) * stride + n0;
      float tmp[NV * kLanes];
      float* out = full ? row : tmp;
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) {
        _mm256_storeu_ps(out + kLanes * v,
                         _mm256_fmadd_ps(_mm256_cvtepi32_ps((__m256i)acc[m][v]), a[v], b[v]));
      }
      if (!full) std::memcpy(row, tmp, cols * sizeof(float));
    }
  }
};

// acc[v] += the 4 products of row activations x (broadcast 4 bytes) with weight vectors w[0][v], w[1][v].
template <int NV>
__attribute__((always_inline)) inline void accumulate(__m256i x, const __m256i (&w)[2][NV], Acc (&acc)[NV]) {
  const __m256i x02 = _mm256_and_si256(x, _mm256_set1_epi32(0x00ff00ff));
  const __m256i x13 = _mm256_srli_epi16(x, 8);
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) {
    const __m256i sum = _mm256_add_epi32(_mm256_madd_epi16(x02, w[0][v]), _mm256_madd_epi16(x13, w[1][v]));
    acc[v] = (Acc)_mm256_add_epi32((__m256i)acc[v], sum);
  }
}

// The weight vectors of a panel in the dense layout, k-group after k-group: 2 x NV aligned loads each.
template <int NV>
struct DenseWeights {
  const __m256i* b;

  DenseWeights(const Call&, const void* panel) : b(static_cast<const __m256i*>(panel)) {}
  __attribute__((always_inline)) void next(__m256i (&w)[2][NV]) {
#pragma GCC unroll 8
    for (int i = 0; i < 2 * NV; ++i) w[i / NV][i % NV] = _mm256_load_si256(b + i);
    b += 2 * NV;
  }
};

// MR x (8 NV) tiles over the whole K, weight vectors from Weights(call, panel).next() once per k-group.
template <int NV, class Out, class Weights = DenseWeights<NV>>
struct Tiles {
  Out out;

  template <int MR>
  void rows(const Call& c, const void* panel, size_t m0, size_t n0, size_t cols, Prefetch pf) const {
    const size_t groups = c.K / 4;
    const unsigned tail = c.K % 4;
    const uint8_t* a[MR];
#pragma GCC unroll 16
    for (int m = 0; m < MR; ++m) a[m] = c.src + (m0 + m) * c.src_stride;

    Acc acc[MR][NV];
#pragma GCC unroll 16
    for (int m = 0; m < MR; ++m) {
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) acc[m][v] = Acc{};
    }
    Weights weights(c, panel);
    __m256i w[2][NV];
    for (size_t g = 0; g < groups; ++g) {
      prefetch_group(pf);
      weights.next(w);
#pragma GCC unroll 16
      for (int m = 0; m < MR; ++m) accumulate(broadcast_group(a[m] + 4 * g), w, acc[m]);
    }
    if (tail) {
      weights.next(w);
#pragma GCC unroll 16
      for (int m = 0; m < MR; ++m) accumulate(broadcast_tail(a[m] + 4 * groups, tail), w, acc[m]);
    }
    out.template store<MR, NV>(acc, m0, n0, cols);
  }
};

}  // namespace
}  // namespace sparrow::kernels::qgemm
