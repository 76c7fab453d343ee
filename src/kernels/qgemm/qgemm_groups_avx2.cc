// qgemm on the groups format with AVX2 (no VNNI): the loop of qgemm_groups_avx512vnni.cc on 8-row ymm
// vectors. vpmaddubsw would saturate (255 * 127 * 2 > 32767), so, as in qgemm_avx2.cc, the products go
// through vpmaddwd on int16 pairs: a group's broadcast weight bytes w0 w1 w2 w3 become the int16 pairs
// (w0, w2) (shift left then arithmetic right by 8) and (w1, w3) (arithmetic right by 8); a row's activation
// bytes a0 a1 a2 a3 become (a0, a2) by a mask and (a1, a3) by a logical shift. Two vpmaddwd and two vpaddd
// per 8 rows and stored group; no accumulator chain longer than one vpaddd per group.
//
// Packed layout: qgemm_groups.h. Activations: a tile of up to 64 rows, one 512-K slice at a time, transposed
// by 8 x 8 int32 shuffles into a thread-local [group][row][4 bytes] buffer, 32 V bytes per group
// (V = ceil(rows / 8) ymm). Loop order and partial sums: qgemm_groups_avx512vnni.cc.
//
// Compiled with AVX2 flags: uses nothing from the standard library but intrinsics and memcpy.
#include <immintrin.h>

#include <cstring>

#include "kernels/qgemm/qgemm_groups_buffers.h"

namespace sparrow::kernels::qgemm {
namespace {

// 8 x int32 accumulators, not __m256i, for the reason qgemm_avx512vnni.cc gives.
typedef int32_t Acc __attribute__((vector_size(32)));

inline int32_t load_i32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// r[i] lane j = element (i, j) becomes r[j] lane i.
__attribute__((always_inline)) inline void transpose8(__m256i (&r)[8]) {
  __m256i t[8], u[8];
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm256_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
  }
  // u[4q + c] 128-bit lane L: column 4L + c of rows 4q .. 4q+3.
#pragma GCC unroll 2
  for (int q = 0; q < 2; ++q) {
    u[4 * q + 0] = _mm256_unpacklo_epi64(t[4 * q], t[4 * q + 2]);
    u[4 * q + 1] = _mm256_unpackhi_epi64(t[4 * q], t[4 * q + 2]);
    u[4 * q + 2] = _mm256_unpacklo_epi64(t[4 * q + 1], t[4 * q + 3]);
    u[4 * q + 3] = _mm256_unpackhi_epi64(t[4 * q + 1], t[4 * q + 3]);
  }
#pragma GCC unroll 4
  for (int c = 0; c < 4; ++c) {
    r[c] = _mm256_permute2x128_si256(u[c], u[4 + c], 0x20);
    r[4 + c] = _mm256_permute2x128_si256(u[c], u[4 + c], 0x31);
  }
}

// Slice s of rows [m0, m0 + rows) into act[group][row]: 32 V bytes per group, rows past `rows` and K
// values past K zero; the last partial 32 bytes of a row go through a zeroed copy.
template <int V>
void transpose_slice(const Call& c, size_t m0, size_t rows, size_t s, uint8_t* act) {
  const size_t k0 = s * kSliceK, bytes = min_size(c.K - k0, kSliceK);
  for (size_t gb = 0; 32 * gb < bytes; ++gb) {
    const size_t valid = min_size(32, bytes - 32 * gb);
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) {
      __m256i r[8];
#pragma GCC unroll 8
      for (int i = 0; i < 8; ++i) {
        const size_t m = 8 * v + i;
        const uint8_t* p = c.src + (m0 + m) * c.src_stride + k0 + 32 * gb;
        if (m >= rows) {
          r[i] = _mm256_setzero_si256();
        } else if (valid == 32) {
          r[i] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        } else {
          alignas(32) uint8_t tmp[32] = {};
          std::memcpy(tmp, p, valid);
          r[i] = _mm256_load_si256(reinterpret_cast<const __m256i*>(tmp));
        }
      }
      transpose8(r);
#pragma GCC unroll 8
      for (int j = 0; j < 8; ++j)
        _mm256_store_si256(reinterpret_cast<__m256i*>(act + (8 * gb + j) * 32 * V + 32 * v), r[j]);
    }
  }
}

// One stored group: its 4 weights (at w) as two int16-pair vectors, times act[idx] into a.
template <int V>
__attribute__((always_inline)) inline void step(Acc (&a)[V], const uint8_t* w, uint64_t idx,
                                                const uint8_t* act) {
  const __m256i wv = _mm256_set1_epi32(load_i32(w));
  const __m256i w02 = _mm256_srai_epi16(_mm256_slli_epi16(wv, 8), 8);
  const __m256i w13 = _mm256_srai_epi16(wv, 8);
  const uint8_t* x = act + idx * (32 * V);
  const __m256i low = _mm256_set1_epi32(0x00ff00ff);
#pragma GCC unroll 8
  for (int v = 0; v < V; ++v) {
    const __m256i xv = _mm256_load_si256(reinterpret_cast<const __m256i*>(x + 32 * v));
    const __m256i sum = _mm256_add_epi32(_mm256_madd_epi16(_mm256_and_si256(xv, low), w02),
                                         _mm256_madd_epi16(_mm256_srli_epi16(xv, 8), w13));
    a[v] = (Acc)_mm256_add_epi32((__m256i)a[v], sum);
  }
}

template <int V>
__attribute__((always_inline)) inline void accumulate(Acc (&acc)[V], const uint8_t* w, const uint8_t* idx,
                                                      unsigned count, const uint8_t* act) {
  unsigned i = 0;
  for (; i + 8 <= count; i += 8, w += 32) {
    const uint64_t x = load_u64(idx + i);
#pragma GCC unroll 8
    for (int j = 0; j < 8; ++j) step<V>(acc, w + 4 * j, (x >> (8 * j)) & 0xff, act);
  }
  const uint64_t x = load_u64(idx + i);  // up to 7 bytes past the segment: kIndexOverread
  for (unsigned j = 0; i + j < count; ++j) step<V>(acc, w + 4 * j, (x >> (8 * j)) & 0xff, act);
}

struct OutS32 {
  int32_t* dst;
  size_t stride;

  template <int V>
  void channel(const Acc (&acc)[V], size_t, int32_t* stage) const {
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) _mm256_store_si256(reinterpret_cast<__m256i*>(stage + 8 * v), (__m256i)acc[v]);
  }
  void* row(size_t m) const { return dst + m * stride; }
};

struct OutF32 {
  const float* alpha;
  const float* beta;
  float* dst;
  size_t stride;

  template <int V>
  void channel(const Acc (&acc)[V], size_t n, int32_t* stage) const {
    const __m256 a = _mm256_set1_ps(alpha[n]), b = _mm256_set1_ps(beta[n]);
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) {
      const __m256 f = _mm256_fmadd_ps(_mm256_cvtepi32_ps((__m256i)acc[v]), a, b);
      _mm256_store_si256(reinterpret_cast<__m256i*>(stage + 8 * v), _mm256_castps_si256(f));
    }
  }
  void* row(size_t m) const { return dst + m * stride; }
};

// stage[channel][row] (channels [n0, n0 + cols)) to dst rows [m0, m0 + rows), as 8 x 8 transposes;
// vpmaskmovd writes (and faults on) nothing outside its mask.
template <int V, class Out>
void store_block(const Out& out, const int32_t* stage, size_t m0, size_t rows, size_t n0, size_t cols) {
  for (size_t h = 0; h < 2 && 8 * h < cols; ++h) {
    const size_t left = cols - 8 * h;
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(left)),
                                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) {
      __m256i r[8];
#pragma GCC unroll 8
      for (int j = 0; j < 8; ++j)
        r[j] = _mm256_load_si256(reinterpret_cast<const __m256i*>(stage + (8 * h + j) * kRows + 8 * v));
      transpose8(r);
#pragma GCC unroll 8
      for (int i = 0; i < 8; ++i) {
        const size_t m = 8 * v + i;
        if (m >= rows) break;
        auto* p = static_cast<int32_t*>(out.row(m0 + m)) + n0 + 8 * h;
        if (left >= 8) {
          _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), r[i]);
        } else {
          _mm256_maskstore_epi32(p, mask, r[i]);
        }
      }
    }
  }
}

template <int V, class Out>
void row_tile(const Call& c, const Out& out, const GroupsLayout& L, const Buffers& buf, size_t m0,
              size_t rows) {
  uint8_t* const act = buf.act;
  int32_t* const part = buf.part;
  int32_t* const stage = buf.stage;
  const size_t chunk = L.slices == 1 ? c.n_end - c.n_begin : kChunk;
  for (size_t c0 = c.n_begin; c0 < c.n_end; c0 += chunk) {
    const size_t c1 = min_size(c.n_end, c0 + chunk);
    for (size_t s = 0; s < L.slices; ++s) {
      const bool first = s == 0, last = s + 1 == L.slices;
      transpose_slice<V>(c, m0, rows, s, act);
      for (size_t n0 = c0; n0 < c1; n0 += kGroupsBlock) {
        const GroupsSegment seg = groups_segment(c.packed, L, s, n0 / kGroupsBlock);
        const uint8_t* w = seg.wei;
        const uint8_t* idx = seg.idx;
        const size_t cols = min_size(kGroupsBlock, c1 - n0);
        for (size_t j = 0; j < cols; ++j) {
          const unsigned count = seg.counts[j];
          int32_t* p = part + (n0 - c0 + j) * kRows;
          Acc acc[V];
#pragma GCC unroll 8
          for (int v = 0; v < V; ++v) {
            acc[v] = first ? Acc{} : (Acc)_mm256_load_si256(reinterpret_cast<const __m256i*>(p + 8 * v));
          }
          accumulate<V>(acc, w, idx, count, act);
          w += 4 * count;
          idx += count;
          if (!last) {
#pragma GCC unroll 8
            for (int v = 0; v < V; ++v) _mm256_store_si256(reinterpret_cast<__m256i*>(p + 8 * v), (__m256i)acc[v]);
          } else {
            out.template channel<V>(acc, n0 + j, stage + j * kRows);
          }
        }
        if (last) store_block<V>(out, stage, m0, rows, n0, cols);
      }
    }
  }
}

template <class Out>
void run(const Call& c, const Out& out) {
  const GroupsLayout L = groups_layout(c.N, c.K);
  const Buffers buf = thread_buffers();
  for (size_t m0 = 0; m0 < c.M; m0 += kRows) {
    const size_t rows = min_size(kRows, c.M - m0);
    switch ((rows + 7) / 8) {
      case 1: row_tile<1>(c, out, L, buf, m0, rows); break;
      case 2: row_tile<2>(c, out, L, buf, m0, rows); break;
      case 3: row_tile<3>(c, out, L, buf, m0, rows); break;
      case 4: row_tile<4>(c, out, L, buf, m0, rows); break;
      case 5: row_tile<5>(c, out, L, buf, m0, rows); break;
      case 6: row_tile<6>(c, out, L, buf, m0, rows); break;
      case 7: row_tile<7>(c, out, L, buf, m0, rows); break;
      default: row_tile<8>(c, out, L, buf, m0, rows); break;
    }
  }
}

}  // namespace

SPARROW_QGEMM_DEFINE_GROUPS_KERNEL(qgemm_u8s8s32_groups_64x16c4_avx2)

}  // namespace sparrow::kernels::qgemm
