// qgemm with AVX-512 VNNI: vpdpbusd multiplies 4 u8 activations by 4 s8 weights per int32 lane and adds
// the 4 products to the lane exactly (no intermediate saturation).
//
// Packed layout: panels of NR = 16 * NV columns; in a panel, k-group g holds NV zmm vectors, vector v lane j
// = column 16v + j, bytes k = 4g .. 4g+3. A register tile is MR rows x NR columns: per k-group it loads NV
// weight vectors, broadcasts 4 bytes of each of the MR activation rows, and issues MR * NV vpdpbusd.
// Loop order: qgemm_driver.h.
//
// Compiled with AVX-512 flags: uses nothing from the standard library but intrinsics (qgemm_driver.h).
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

template <int NR>
size_t packed_bytes(size_t N, size_t K) {
  return round_up(N, NR) * round_up(K, 4);
}

template <int NR>
void pack(const int8_t* wei, size_t N, size_t K, void* packed) {
  auto* out = static_cast<int8_t*>(packed);
  const size_t panel_bytes = NR * round_up(K, 4);
  for (size_t n = 0; n < N; ++n) {
    int8_t* col = out + n / NR * panel_bytes + n % NR * 4;
    for (size_t k = 0; k < K; ++k) col[k / 4 * NR * 4 + k % 4] = wei[n * K + k];
  }
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
__attribute__((always_inline)) inline void step(Acc (&acc)[MR][NV], const int8_t* b, Broadcast x) {
  __m512i w[NV];
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) w[v] = _mm512_load_si512(b + 64 * v);
#pragma GCC unroll 16
  for (int m = 0; m < MR; ++m) {
    const __m512i xm = x(m);
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[m][v] = dpbusd(acc[m][v], xm, w[v]);
  }
}

// MR x (16 NV) tiles over the whole K; masked stores for a last panel narrower than 16 NV columns.
template <int NV, class Out>
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
    const auto* b = static_cast<const int8_t*>(panel);
    for (size_t g = 0; g < groups; ++g, b += 64 * NV) {
      prefetch_group(pf);
      step<MR, NV>(
          acc, b, [&](int m) __attribute__((always_inline)) { return broadcast_group(a[m] + 4 * g); });
    }
    if (tail) {
      step<MR, NV>(
          acc,
          b, [&](int m) __attribute__((always_inline)) { return broadcast_tail(a[m] + 4 * groups, tail); });
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

template <int MR, int NR, class Out>
void run(const Call& c, const Out& out) {
  static_assert(NR % kLanes == 0);
  for_each_tile<MR, NR>(c, NR * round_up(c.K, 4), Tiles<NR / kLanes, Out>{out});
}

}  // namespace

SPARROW_QGEMM_DEFINE_KERNEL(qgemm_u8s8s32_8x48c4_avx512vnni)

}  // namespace sparrow::kernels::qgemm
