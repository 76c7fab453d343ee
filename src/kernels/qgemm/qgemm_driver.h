// What the optimized qgemm kernels share: the loop over register tiles and the named instantiations.
// Included only by the per-ISA translation units; everything here has internal linkage, so each ISA's
// copy, compiled with that ISA's flags, stays its own.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/qgemm/qgemm_kernels.h"

namespace sparrow::kernels::qgemm {
namespace {

constexpr size_t round_up(size_t x, size_t m) {
  return (x + m - 1) / m * m;
}
constexpr size_t min_size(size_t a, size_t b) {
  return a < b ? a : b;
}

// Activation rows per chunk: about this many bytes of src stay in L2 (1 to 2 MiB per core on current x86
// servers) while every panel of the column range streams past them.
constexpr size_t kSrcChunkBytes = 512 * 1024;

// Rows [m0, m0 + rows) with rows < R + 1: the tile instantiated for exactly that many rows.
template <int R, class Tiles>
void tail_rows(size_t rows, const Tiles& tiles, const Call& c, const void* panel, size_t m0, size_t n0,
               size_t cols) {
  if constexpr (R >= 1) {
    if (rows == R) {
      tiles.template rows<R>(c, panel, m0, n0, cols);
    } else {
      tail_rows<R - 1>(rows, tiles, c, panel, m0, n0, cols);
    }
  }
}

// The loop order of every optimized kernel: for each chunk of rows whose activations stay in L2, for each
// panel of NR columns in [n_begin, n_end) (panel_bytes each, in L1 for K = 768, in L2 for K = 3072), for
// each tile of MR rows: tiles.rows<MR>(...) covers the whole K, columns [n0, n0 + cols), cols <= NR.
template <int MR, int NR, class Tiles>
void for_each_tile(const Call& c, size_t panel_bytes, const Tiles& tiles) {
  const auto* packed = static_cast<const char*>(c.packed);
  const size_t chunk = round_up(kSrcChunkBytes / c.src_stride + 1, MR);
  for (size_t m0 = 0; m0 < c.M; m0 += chunk) {
    const size_t m_end = min_size(c.M, m0 + chunk);
    for (size_t n0 = c.n_begin; n0 < c.n_end; n0 += NR) {
      const void* panel = packed + n0 / NR * panel_bytes;
      const size_t cols = min_size(NR, c.n_end - n0);
      size_t m = m0;
      for (; m + MR <= m_end; m += MR) tiles.template rows<MR>(c, panel, m, n0, cols);
      if (m < m_end) tail_rows<MR - 1>(m_end - m, tiles, c, panel, m, n0, cols);
    }
  }
}

}  // namespace
}  // namespace sparrow::kernels::qgemm

// The four entry points that kernels.inc declares for `name`, from the including file's templates
// packed_bytes<NR>(N, K), pack<NR>(wei, N, K, void* out) and run<MR, NR>(call, out) with out = OutS32 or
// OutF32, at the tile sizes kernels.inc gives.
#define SPARROW_QGEMM_DEFINE_KERNEL(name)                                                                    \
  size_t name##_packed_bytes(size_t N, size_t K) {                                                           \
    return packed_bytes<name##_tile.nr>(N, K);                                                               \
  }                                                                                                          \
  void name##_pack(const int8_t* wei, size_t N, size_t K, void* packed) {                                    \
    pack<name##_tile.nr>(wei, N, K, packed);                                                                 \
  }                                                                                                          \
  void name##_run_s32(const Call& c, int32_t* dst, size_t dst_stride) {                                      \
    run<name##_tile.mr, name##_tile.nr>(c, OutS32{dst, dst_stride});                                         \
  }                                                                                                          \
  void name##_run_f32(const Call& c, const float* alpha, const float* beta, float* dst, size_t dst_stride) { \
    run<name##_tile.mr, name##_tile.nr>(c, OutF32{alpha, beta, dst, dst_stride});                            \
  }
