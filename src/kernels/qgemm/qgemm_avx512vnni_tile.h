// The AVX-512 VNNI register tile of qgemm, shared by the kernels whose panels the tile reads in the dense
// VNNI layout (qgemm_avx512vnni.cc, and qgemm_bitmask_avx512vbmi2.cc, which expands its compressed weights
// into that layout): per k-group of a panel, NV weight vectors of 16 columns x 4 K values (qgemm.h), MR
// activation broadcasts, MR * NV vpdpbusd into MR x NV zmm accumulators. Where the weight vectors come from
// is the Weights policy: DenseWeights loads them from a packed panel; other formats make them in registers.
//
// Included only by translation units compiled with AVX-512 VNNI flags (or more); everything here has
// internal linkage and uses nothing from the standard library but intrinsics (qgemm_driver.h).
#pragma once

#include <immintrin.h>

#include "kernels/qgemm/qgemm_driver.h"

namespace sparrow::kernels::qgemm {
namespace {

constexpr size_t kLanes = 16;

// Accumulators are typed 16 x int32, not __m512i (a vector of int64): with __m512i, GCC 12 fails to keep a
// loop-carried accumulator in one register and wraps every vpdpbusd in two register copies.
typedef int32_t Acc __attribute__((vector_size(64)));

typedef float F32 __attribute__((vector_size(64)));

inline Acc dpbusd(Acc acc, __m512i x, __m512i w) {
  return (Acc)_mm512_dpbusd_epi32((__m512i)acc, x, w);
}
// float(acc) per lane, rounded to nearest (vcvtdq2ps).
inline __m512 to_float(Acc acc) {
  return (__m512) __builtin_convertvector(acc, F32);
}

// 4 activation bytes broadcast to every lane (one vpbroadcastd from memory); `bytes` < 4 only for the K
// tail, which reads no byte past the row. (Not _mm512_broadcastd_epi32 or _mm512_cvtepi32_ps: GCC 12's
// versions start from an "undefined" register that -Wuninitialized reports, GCC bug 105593.)
inline __m512i broadcast_group(const uint8_t* p) {
  int32_t v;
  __builtin_memcpy(&v, p, 4);
  return _mm512_set1_epi32(v);
}
inline __m512i broadcast_tail(const uint8_t* p, unsigned bytes) {
  return _mm512_set1_epi32(
      _mm_cvtsi128_si32(_mm_maskz_loadu_epi8(static_cast<__mmask16>((1u << bytes) - 1), p)));
}

struct OutS32 {
  int32_t* dst;
  size_t stride;

  template <int MR, int NV>
  void store(const Acc (&acc)[MR][NV], size_t m0, size_t n0, const __mmask16 (&mask)[NV], bool full) const {
#pragma GCC unroll 16
    for (int m = 0; m < MR; ++m) {
      int32_t* row = dst + (m0 + m) * stride + n0;
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) {
        if (full) {
          _mm512_storeu_si512(row + kLanes * v, (__m512i)acc[m][v]);
        } else {
          _mm512_mask_storeu_epi32(row + kLanes * v, mask[v], (__m512i)acc[m][v]);
        }
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
  void store(const Acc (&acc)[MR][NV], size_t m0, size_t n0, const __mmask16 (&mask)[NV], bool full) const {
    __m512 a[NV], b[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      a[v] = _mm512_maskz_loadu_ps(mask[v], alpha + n0 + kLanes * v);
      b[v] = _mm512_maskz_loadu_ps(mask[v], beta + n0 + kLanes * v);
    }
#pragma GCC unroll 16
    for (int m = 0; m < MR; ++m) {
      float* row = dst + (m0 + m) * stride + n0;
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) {
        __m512 r = _mm512_fmadd_ps(to_float(acc[m][v]), a[v], b[v]);
        if (full) {
          _mm512_storeu_ps(row + kLanes * v, r);
        } else {
          _mm512_mask_storeu_ps(row + kLanes * v, mask[v], r);
        }
      }
    }
  }
};

// One k-group of an MR x (16 NV) tile: NV weight vectors, MR activation broadcasts (x(m)), MR * NV vpdpbusd.
template <int MR, int NV, class Broadcast>
__attribute__((always_inline)) inline void step(Acc (&acc)[MR][NV], const __m512i (&w)[NV], Broadcast x) {
#pragma GCC unroll 16
  for (int m = 0; m < MR; ++m) {
    const __m512i xm = x(m);
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[m][v] = dpbusd(acc[m][v], xm, w[v]);
  }
}

// The weight vectors of a panel in the dense layout, k-group after k-group: NV aligned loads each.
template <int NV>
struct DenseWeights {
  const int8_t* b;

  DenseWeights(const Call&, const void* panel) : b(static_cast<const int8_t*>(panel)) {}
  __attribute__((always_inline)) void next(__m512i (&w)[NV]) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) w[v] = _mm512_load_si512(b + 64 * v);
    b += 64 * NV;
  }
};

// MR x (16 NV) tiles over the whole K, weight vectors from Weights(call, panel).next() once per k-group;
// masked stores for a last panel narrower than 16 NV columns.
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
    __m512i w[NV];
    for (size_t g = 0; g < groups; ++g) {
      prefetch_group(pf);
      weights.next(w);
      step<MR, NV>(
          acc, w, [&](int m) __attribute__((always_inline)) { return broadcast_group(a[m] + 4 * g); });
    }
    if (tail) {
      weights.next(w);
      step<MR, NV>(
          acc,
          w, [&](int m) __attribute__((always_inline)) { return broadcast_tail(a[m] + 4 * groups, tail); });
    }
    __mmask16 mask[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      const size_t left = cols > kLanes * v ? cols - kLanes * v : 0;
      mask[v] = left >= kLanes ? __mmask16(0xffff) : static_cast<__mmask16>((1u << left) - 1);
    }
    out.template store<MR, NV>(acc, m0, n0, mask, cols == NV * kLanes);
  }
};

}  // namespace
}  // namespace sparrow::kernels::qgemm
