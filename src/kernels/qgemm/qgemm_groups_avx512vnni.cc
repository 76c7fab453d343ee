// qgemm on the groups format with AVX-512 VNNI: vectorised over ROWS, so that a 4-group of K values that is
// zero in one output channel is skipped for that channel alone (the dense kernel vectorises over 16
// channels, and 16 channels are never all zero on the same group in a pruned model).
//
// Packed layout: qgemm_groups.h (per 16-channel block and 512-K slice: counts, int32 weight words, u8
// indices). Activations: a tile of up to 64 rows, one K-slice at a time, transposed by 16 x 16 int32
// shuffles into a thread-local buffer, [group][row][4 bytes], 64 V bytes per group (V = ceil(rows / 16)):
//
//   act, group i:  | rows 0-15: k0 k1 k2 k3 | rows 16-31 | rows 32-47 | rows 48-63 |   V zmm; 32 KiB a slice
//
// Loop: for each tile of 64 rows, for each chunk of 1024 channels, for each slice: transpose the slice; for
// each channel: per 8 stored groups, one 64-bit load of their indices and one 32-byte load of their weight
// words; per stored group, one vpermd that broadcasts its word, V loads of act[idx] and V vpdpbusd (u8
// activations x s8 weights) into the channel's V accumulators; the last 1-7 groups through a jump table
// with a masked weight load. vpdpbusd's latency is hidden by U accumulator sets that take the groups in
// turn (U V <= 8), summed at the end. Partial sums of a channel wait in a thread-local [channel][64]
// buffer between slices; after the last slice, the f32 epilogue (one fused multiply-add per element, alpha
// and beta broadcast per channel) and 16 x 16 transposes back to row-major dst, masked for row and column
// tails.
//
// What limits it (Ice Lake-SP, measured with rdtsc loops): about 1.2 zmm loads per cycle (a vpbroadcastd
// zmm from memory counts as one), and about 1.75 vpdpbusd + vpermd per cycle on ports 0 and 5 together.
// A group of 64 rows is 4 activation loads: ~3.4 cycles at best, ~4 in a loop, ~5 in this kernel (the
// vpermd broadcast took the weight load off the load ports: ~6 before). The dense kernel does the same
// work (4 vpdpbusd per channel and group) in ~2.6 cycles, bound by vpdpbusd. Per (channel, slice) about 50
// cycles more: the loop's exit and the jump table (mispredicted: counts are random), partial sums,
// epilogue, transposes; as much as ~10 groups of work.
//
// Compiled with AVX-512 flags: uses nothing from the standard library but intrinsics.
// GCC 12 reports -W(maybe-)uninitialized inside its intrinsic headers where an intrinsic starts from
// _mm512_undefined_*() (GCC bug 105593); the warning is located in the header, so it is silenced first.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include "kernels/qgemm/qgemm_groups_buffers.h"

namespace sparrow::kernels::qgemm {
namespace {

// 16 x int32 accumulators, not __m512i, for the reason qgemm_avx512vnni.cc gives.
typedef int32_t Acc __attribute__((vector_size(64)));

// r[i] lane j = element (i, j) becomes r[j] lane i = element (i, j).
__attribute__((always_inline)) inline void transpose16(__m512i (&r)[16]) {
  __m512i t[16], u[16];
#pragma GCC unroll 8
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
  }
  // u[4q + c] 128-bit lane L: column 4L + c of rows 4q .. 4q+3.
#pragma GCC unroll 4
  for (int q = 0; q < 4; ++q) {
    u[4 * q + 0] = _mm512_unpacklo_epi64(t[4 * q], t[4 * q + 2]);
    u[4 * q + 1] = _mm512_unpackhi_epi64(t[4 * q], t[4 * q + 2]);
    u[4 * q + 2] = _mm512_unpacklo_epi64(t[4 * q + 1], t[4 * q + 3]);
    u[4 * q + 3] = _mm512_unpackhi_epi64(t[4 * q + 1], t[4 * q + 3]);
  }
#pragma GCC unroll 4
  for (int c = 0; c < 4; ++c) {
    const __m512i v0 = _mm512_shuffle_i32x4(u[c], u[4 + c], 0x44);
    const __m512i v1 = _mm512_shuffle_i32x4(u[c], u[4 + c], 0xee);
    const __m512i v2 = _mm512_shuffle_i32x4(u[8 + c], u[12 + c], 0x44);
    const __m512i v3 = _mm512_shuffle_i32x4(u[8 + c], u[12 + c], 0xee);
    r[c] = _mm512_shuffle_i32x4(v0, v2, 0x88);
    r[4 + c] = _mm512_shuffle_i32x4(v0, v2, 0xdd);
    r[8 + c] = _mm512_shuffle_i32x4(v1, v3, 0x88);
    r[12 + c] = _mm512_shuffle_i32x4(v1, v3, 0xdd);
  }
}

// Slice s of rows [m0, m0 + rows) into act[group][row]: 64 V bytes per group, rows past `rows` and K
// values past K zero (masked loads, which read nothing outside the row).
template <int V>
void transpose_slice(const Call& c, size_t m0, size_t rows, size_t s, uint8_t* act) {
  const size_t k0 = s * kSliceK, bytes = min_size(c.K - k0, kSliceK);
  for (size_t gb = 0; 64 * gb < bytes; ++gb) {
    const size_t valid = min_size(64, bytes - 64 * gb);
    const __mmask64 mask = valid == 64 ? ~__mmask64{0} : (__mmask64{1} << valid) - 1;
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) {
      __m512i r[16];
#pragma GCC unroll 16
      for (int i = 0; i < 16; ++i) {
        const size_t m = 16 * v + i;
        r[i] = m < rows ? _mm512_maskz_loadu_epi8(mask, c.src + (m0 + m) * c.src_stride + k0 + 64 * gb)
                        : _mm512_setzero_si512();
      }
      transpose16(r);
#pragma GCC unroll 16
      for (int j = 0; j < 16; ++j) _mm512_store_si512(act + (16 * gb + j) * 64 * V + 64 * v, r[j]);
    }
  }
}

// Group J of 8 (weight word J of wv, index byte J of x) into accumulator set J % U. The word goes to every
// lane by vpermd, a port-5 shuffle: a vpbroadcastd from memory costs as much as a 64-byte load, and the
// activation loads are the limit (also at V = 1, measured). (Explicit constant J: a loop over it leaves
// GCC 12 with a variable index into acc, which it then keeps on the stack.)
template <int V, int U, int J>
__attribute__((always_inline)) inline void step_at(Acc (&acc)[U][V], __m512i wv, uint64_t x,
                                                   const uint8_t* act) {
  const __m512i b = _mm512_permutexvar_epi32(_mm512_set1_epi32(J), wv);
  const uint8_t* p = act + ((x >> (8 * J)) & 0xff) * (64 * V);
#pragma GCC unroll 4
  for (int v = 0; v < V; ++v)
    acc[J % U][v] = (Acc)_mm512_dpbusd_epi32((__m512i)acc[J % U][v], _mm512_load_si512(p + 64 * v), b);
}

// The 8 weight words at w, or the first `count` of them and zeros (nothing read past them).
__attribute__((always_inline)) inline __m512i load_words(const uint8_t* w) {
  return _mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w)));
}
__attribute__((always_inline)) inline __m512i load_words(const uint8_t* w, unsigned count) {
  return _mm512_castsi256_si512(_mm256_maskz_loadu_epi32(static_cast<__mmask8>((1u << count) - 1), w));
}

// Sums one channel's `count` groups of the slice (weights w, indices idx) into acc[0] (acc[1..U) zero on
// entry). Weight words are read 8 (32 bytes) at a time, the last ones with a masked load.
template <int V, int U>
__attribute__((always_inline)) inline void accumulate(Acc (&acc)[U][V], const uint8_t* w, const uint8_t* idx,
                                                      unsigned count, const uint8_t* act) {
  unsigned i = 0;
  for (; i + 8 <= count; i += 8, w += 32) {
    const uint64_t x = load_u64(idx + i);
    const __m512i wv = load_words(w);
    step_at<V, U, 0>(acc, wv, x, act);
    step_at<V, U, 1>(acc, wv, x, act);
    step_at<V, U, 2>(acc, wv, x, act);
    step_at<V, U, 3>(acc, wv, x, act);
    step_at<V, U, 4>(acc, wv, x, act);
    step_at<V, U, 5>(acc, wv, x, act);
    step_at<V, U, 6>(acc, wv, x, act);
    step_at<V, U, 7>(acc, wv, x, act);
  }
  const uint64_t x = load_u64(idx + i);  // up to 7 bytes past the segment: kIndexOverread
  const __m512i wv = load_words(w, count - i);
  switch (count - i) {
    case 7: step_at<V, U, 6>(acc, wv, x, act); [[fallthrough]];
    case 6: step_at<V, U, 5>(acc, wv, x, act); [[fallthrough]];
    case 5: step_at<V, U, 4>(acc, wv, x, act); [[fallthrough]];
    case 4: step_at<V, U, 3>(acc, wv, x, act); [[fallthrough]];
    case 3: step_at<V, U, 2>(acc, wv, x, act); [[fallthrough]];
    case 2: step_at<V, U, 1>(acc, wv, x, act); [[fallthrough]];
    case 1: step_at<V, U, 0>(acc, wv, x, act); [[fallthrough]];
    default: break;
  }
#pragma GCC unroll 4
  for (int u = 1; u < U; ++u) {
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) acc[0][v] += acc[u][v];
  }
}

// The final sums of channel n into stage (row-major [16 V] int32 bits), then a block of stage to dst.
struct OutS32 {
  int32_t* dst;
  size_t stride;

  template <int V>
  void channel(const Acc (&acc)[V], size_t, int32_t* stage) const {
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) _mm512_store_si512(stage + 16 * v, (__m512i)acc[v]);
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
    const __m512 a = _mm512_set1_ps(alpha[n]), b = _mm512_set1_ps(beta[n]);
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) {
      const __m512 f = _mm512_fmadd_ps(_mm512_cvtepi32_ps((__m512i)acc[v]), a, b);
      _mm512_store_si512(stage + 16 * v, _mm512_castps_si512(f));
    }
  }
  void* row(size_t m) const { return dst + m * stride; }
};

// stage[channel][row] (channels [n0, n0 + cols)) to dst rows [m0, m0 + rows), as 16 x 16 transposes.
template <int V, class Out>
void store_block(const Out& out, const int32_t* stage, size_t m0, size_t rows, size_t n0, size_t cols) {
  const __mmask16 mask = static_cast<__mmask16>((1u << cols) - 1);
#pragma GCC unroll 4
  for (int v = 0; v < V; ++v) {
    __m512i r[16];
#pragma GCC unroll 16
    for (int j = 0; j < 16; ++j) r[j] = _mm512_load_si512(stage + j * kRows + 16 * v);
    transpose16(r);
#pragma GCC unroll 16
    for (int i = 0; i < 16; ++i) {
      const size_t m = 16 * v + i;
      if (m >= rows) break;
      auto* p = static_cast<int32_t*>(out.row(m0 + m)) + n0;
      if (cols == 16) {
        _mm512_storeu_si512(p, r[i]);
      } else {
        _mm512_mask_storeu_epi32(p, mask, r[i]);
      }
    }
  }
}

template <int V, class Out>
void row_tile(const Call& c, const Out& out, const GroupsLayout& L, const Buffers& buf, size_t m0,
              size_t rows) {
  constexpr int U = V >= 3 ? 2 : 4;
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
          Acc acc[U][V];
#pragma GCC unroll 4
          for (int u = 0; u < U; ++u) {
#pragma GCC unroll 4
            for (int v = 0; v < V; ++v) acc[u][v] = Acc{};
          }
          if (!first) {
#pragma GCC unroll 4
            for (int v = 0; v < V; ++v) acc[0][v] = (Acc)_mm512_load_si512(p + 16 * v);
          }
          accumulate<V, U>(acc, w, idx, count, act);
          w += 4 * count;
          idx += count;
          if (!last) {
#pragma GCC unroll 4
            for (int v = 0; v < V; ++v) _mm512_store_si512(p + 16 * v, (__m512i)acc[0][v]);
          } else {
            out.template channel<V>(acc[0], n0 + j, stage + j * kRows);
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
    switch ((rows + 15) / 16) {
      case 1: row_tile<1>(c, out, L, buf, m0, rows); break;
      case 2: row_tile<2>(c, out, L, buf, m0, rows); break;
      case 3: row_tile<3>(c, out, L, buf, m0, rows); break;
      default: row_tile<4>(c, out, L, buf, m0, rows); break;
    }
  }
}

}  // namespace

SPARROW_QGEMM_DEFINE_GROUPS_KERNEL(qgemm_u8s8s32_groups_64x16c4_avx512vnni)

}  // namespace sparrow::kernels::qgemm
