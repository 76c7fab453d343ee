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

// The slice of the next panel that one row tile pulls into L2 while it runs: `lines` cache lines every
// `every` k-groups from `p`, none at or past `end`. In a model the weights are read from DRAM once per
// inference; the hardware prefetchers stop at 4 KiB pages and the first row tile of a panel would otherwise
// wait for all of it while the other tiles leave the memory idle. Each of a panel's T row tiles fetches 1/T
// of the next panel, evenly over its k-groups, so the panel's DRAM traffic overlaps all of its compute.
struct Prefetch {
  const char* p = nullptr;
  const char* end = nullptr;
  unsigned lines = 0, every = 1, countdown = 1;
};

// prefetcht1 (L2): the next panel and the current one together (2 x 36 KiB at K = 768) exceed L1.
__attribute__((always_inline)) inline void prefetch_group(Prefetch& pf) {
  if (--pf.countdown != 0) return;
  pf.countdown = pf.every;
  for (unsigned l = 0; l < pf.lines; ++l, pf.p += 64) {
    if (pf.p < pf.end) __builtin_prefetch(pf.p, 0, 2);
  }
}

// Rows [m0, m0 + rows) with rows < R + 1: the tile instantiated for exactly that many rows.
template <int R, class Tiles>
void tail_rows(size_t rows, const Tiles& tiles, const Call& c, const void* panel, size_t m0, size_t n0,
               size_t cols, Prefetch pf) {
  if constexpr (R >= 1) {
    if (rows == R) {
      tiles.template rows<R>(c, panel, m0, n0, cols, pf);
    } else {
      tail_rows<R - 1>(rows, tiles, c, panel, m0, n0, cols, pf);
    }
  }
}

// The loop order of every optimized kernel: for each chunk of rows whose activations stay in L2, for each
// panel of NR columns in [n_begin, n_end) (panel_bytes each, in L1 for K = 768, in L2 for K = 3072), for
// each tile of MR rows: tiles.rows<MR>(...) covers the whole K, columns [n0, n0 + cols), cols <= NR, and
// calls prefetch_group(pf) once per k-group of its main loop (K / 4 of them) to fetch its slice of the next
// panel.
template <int MR, int NR, class Tiles>
void for_each_tile(const Call& c, size_t panel_bytes, const Tiles& tiles) {
  const auto* packed = static_cast<const char*>(c.packed);
  const size_t chunk = round_up(kSrcChunkBytes / c.src_stride + 1, MR);
  const size_t groups = c.K / 4 > 0 ? c.K / 4 : 1;
  const size_t panel_lines = panel_bytes / 64;
  for (size_t m0 = 0; m0 < c.M; m0 += chunk) {
    const size_t m_end = min_size(c.M, m0 + chunk);
    const size_t tiles_per_panel = (m_end - m0 + MR - 1) / MR;
    const size_t slice_lines = (panel_lines + tiles_per_panel - 1) / tiles_per_panel;
    const auto lines_per_group = static_cast<unsigned>((slice_lines + groups - 1) / groups);
    const auto every = static_cast<unsigned>(slice_lines >= groups ? 1 : groups / slice_lines);
    for (size_t n0 = c.n_begin; n0 < c.n_end; n0 += NR) {
      const char* panel = packed + n0 / NR * panel_bytes;
      const char* next = n0 + NR < c.n_end ? panel + panel_bytes : nullptr;
      const size_t cols = min_size(NR, c.n_end - n0);
      const char* slice = next;
      Prefetch pf;
      auto advance = [&] {
        if (!next) return;
        pf = Prefetch{
            slice, slice + 64 * min_size(slice_lines, static_cast<size_t>(next + panel_bytes - slice) / 64),
            lines_per_group, every, 1};
        slice = pf.end;
      };
      size_t m = m0;
      for (; m + MR <= m_end; m += MR) {
        advance();
        tiles.template rows<MR>(c, panel, m, n0, cols, pf);
      }
      if (m < m_end) {
        advance();
        tail_rows<MR - 1>(m_end - m, tiles, c, panel, m, n0, cols, pf);
      }
    }
  }
}

}  // namespace
}  // namespace sparrow::kernels::qgemm

// The four entry points that kernels.inc declares for `name`, from the including file's templates
// packed_bytes<NR>(N, K), pack<NR>(wei, N, K, void* out) and run<MR, NR>(call, out) with out = OutS32 or
// OutF32, at the tile sizes kernels.inc gives.
#define SPARROW_QGEMM_DEFINE_KERNEL(name)                                                                    \
  size_t name##_packed_bytes(const int8_t*, size_t N, size_t K) {                                            \
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
