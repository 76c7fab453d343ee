// The bitmask weight format of the optimized qgemm kernels (docs/weight_formats.md, "bitmask"): its packing
// and the loop over panels that expands it, shared by qgemm_bitmask_avx512vbmi2.cc and
// qgemm_bitmask_avx2.cc. Included only by per-ISA translation units; everything here has internal linkage.
//
// Packed buffer (64-byte aligned; every offset below is a multiple of 64):
//   uint64 start[P + 1]          P = ceil(N / NR) panels; start[p] = byte offset of panel p, start[P] = end
//   panel p, at start[p]:
//     uint64 mask[K4][W]         K4 = ceil(K / 4) k-groups, W = NR * 4 / 64 words per k-group; bit i of word
//                                w = byte 64 w + i of the k-group's NR * 4 bytes in the kernel's dense order
//                                is not zero. Padding columns and K values are zero, so their bits are 0.
//     int8  values[]             the non-zero bytes, k-group by k-group, word by word, bit by bit, then
//                                zeros up to a multiple of 64 bytes
//   64 zero bytes                so a full-width load at any value pointer stays inside the buffer
// Byte b of a k-group is where the kernel's dense tile reads it: Order::pos(column c, K value kk) for
// c < NR, kk < 4 (VNNI: 4 c + kk; AVX2: the int16 element of its widened layout).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/qgemm/qgemm_driver.h"

namespace sparrow::kernels::qgemm {
namespace {

constexpr size_t kBitmaskTailPad = 64;

// The largest expanded panel a call keeps on its stack (48 columns x K = 3072 in the VNNI layout, 16 x 3072
// widened to int16 in the AVX2 one); longer K runs the tile that expands in registers.
constexpr size_t kBitmaskBufferBytes = 48 * 3072;

constexpr size_t bitmask_header_bytes(size_t panels) {
  return round_up(8 * (panels + 1), 64);
}
constexpr size_t bitmask_mask_bytes(size_t K, size_t words_per_group) {
  return round_up(round_up(K, 4) / 4 * words_per_group * 8, 64);
}

template <int NR>
size_t bitmask_packed_bytes(const int8_t* wei, size_t N, size_t K) {
  static_assert(NR * 4 % 64 == 0);
  constexpr size_t W = NR * 4 / 64;
  const size_t panels = (N + NR - 1) / NR;
  size_t bytes = bitmask_header_bytes(panels) + kBitmaskTailPad;
  for (size_t p = 0; p < panels; ++p) {
    size_t nnz = 0;
    for (size_t n = p * NR; n < min_size(N, p * NR + NR); ++n) {
      for (size_t k = 0; k < K; ++k) nnz += wei[n * K + k] != 0;
    }
    bytes += bitmask_mask_bytes(K, W) + round_up(nnz, 64);
  }
  return bytes;
}

// `packed` is zero-filled and bitmask_packed_bytes<NR>(wei, N, K) long.
template <int NR, class Order>
void bitmask_pack(const int8_t* wei, size_t N, size_t K, void* packed) {
  constexpr size_t G = NR * 4, W = G / 64;
  auto* base = static_cast<int8_t*>(packed);
  auto* start = static_cast<uint64_t*>(packed);
  const size_t panels = (N + NR - 1) / NR, groups = round_up(K, 4) / 4;
  size_t offset = bitmask_header_bytes(panels);
  for (size_t p = 0; p < panels; ++p) {
    start[p] = offset;
    auto* mask = reinterpret_cast<uint64_t*>(base + offset);
    int8_t* values = base + offset + bitmask_mask_bytes(K, W);
    size_t nnz = 0;
    for (size_t g = 0; g < groups; ++g) {
      int8_t group[G] = {};
      for (size_t c = 0; c < NR && p * NR + c < N; ++c) {
        for (size_t kk = 0; kk < 4 && 4 * g + kk < K; ++kk)
          group[Order::pos(c, kk)] = wei[(p * NR + c) * K + 4 * g + kk];
      }
      for (size_t w = 0; w < W; ++w) {
        uint64_t bits = 0;
        for (size_t i = 0; i < 64; ++i) {
          if (group[64 * w + i] == 0) continue;
          bits |= uint64_t{1} << i;
          values[nnz++] = group[64 * w + i];
        }
        mask[g * W + w] = bits;
      }
    }
    offset += bitmask_mask_bytes(K, W) + round_up(nnz, 64);
  }
  start[panels] = offset;
}

// Tiles whose rows<MR> stays a function of its own: inlined into for_each_bitmask_tile beside the expansion
// and a second kind of tile, GCC 12 ran out of registers and reloaded the row pointers from the stack in
// the K loop (+25% at M = 64).
template <class Tiles>
struct OutOfLine {
  Tiles tiles;

  template <int MR>
  __attribute__((noinline)) void rows(const Call& c, const void* panel, size_t m0, size_t n0, size_t cols,
                                      Prefetch pf) const {
    tiles.template rows<MR>(c, panel, m0, n0, cols, pf);
  }
};

// The loop order of the bitmask kernels, qgemm_driver.h's for_each_tile over panels of varying size: for
// each chunk of rows, for each panel of [n_begin, n_end), for each tile of MR rows over the whole K, with
// each tile prefetching its share of the next compressed panel into L2. `buffer` non-null: each panel is
// first expanded, once per chunk, into `buffer` by expand(call, panel, buffer) and the dense tiles `dense`
// read it from there (L1 at K = 768); null: the tiles `inreg` expand the panel in registers, once per tile.
template <int MR, int NR, class Expand, class DenseTiles, class InRegTiles>
void for_each_bitmask_tile(const Call& c, void* buffer, Expand expand, const DenseTiles& dense_tiles,
                           const InRegTiles& inreg_tiles) {
  const OutOfLine<DenseTiles> dense{dense_tiles};
  const OutOfLine<InRegTiles> inreg{inreg_tiles};
  const auto* packed = static_cast<const char*>(c.packed);
  const auto* start = static_cast<const uint64_t*>(c.packed);
  const size_t chunk = round_up(kSrcChunkBytes / c.src_stride + 1, MR);
  const size_t groups = c.K / 4 > 0 ? c.K / 4 : 1;
  for (size_t m0 = 0; m0 < c.M; m0 += chunk) {
    const size_t m_end = min_size(c.M, m0 + chunk);
    const size_t tiles_per_panel = (m_end - m0 + MR - 1) / MR;
    for (size_t n0 = c.n_begin; n0 < c.n_end; n0 += NR) {
      const size_t p = n0 / NR;
      const char* panel = packed + start[p];
      const char* next = n0 + NR < c.n_end ? packed + start[p + 1] : nullptr;
      const char* next_end = next ? packed + start[p + 2] : nullptr;
      const size_t cols = min_size(NR, c.n_end - n0);
      const size_t next_lines = next ? static_cast<size_t>(next_end - next) / 64 : 0;
      const size_t slice_lines = (next_lines + tiles_per_panel - 1) / tiles_per_panel;
      const auto lines_per_group = static_cast<unsigned>((slice_lines + groups - 1) / groups);
      const auto every =
          static_cast<unsigned>(slice_lines >= groups || slice_lines == 0 ? 1 : groups / slice_lines);
      const char* slice = next;
      Prefetch pf;
      auto advance = [&] {
        if (!next) return;
        pf = Prefetch{slice, slice + 64 * min_size(slice_lines, static_cast<size_t>(next_end - slice) / 64),
                      lines_per_group, every, 1};
        slice = pf.end;
      };
      if (buffer) expand(c, panel, buffer);
      size_t m = m0;
      for (; m + MR <= m_end; m += MR) {
        advance();
        if (buffer) {
          dense.template rows<MR>(c, buffer, m, n0, cols, pf);
        } else {
          inreg.template rows<MR>(c, panel, m, n0, cols, pf);
        }
      }
      if (m < m_end) {
        advance();
        if (buffer) {
          tail_rows<MR - 1>(m_end - m, dense, c, buffer, m, n0, cols, pf);
        } else {
          tail_rows<MR - 1>(m_end - m, inreg, c, panel, m, n0, cols, pf);
        }
      }
    }
  }
}

}  // namespace
}  // namespace sparrow::kernels::qgemm

// The four entry points that kernels.inc declares for a bitmask kernel `name`, from the including file's
// Order (byte position in a k-group) and run<MR, NR>(call, out) with out = OutS32 or OutF32.
#define SPARROW_QGEMM_DEFINE_BITMASK_KERNEL(name)                                                            \
  size_t name##_packed_bytes(const int8_t* wei, size_t N, size_t K) {                                        \
    return bitmask_packed_bytes<name##_tile.nr>(wei, N, K);                                                  \
  }                                                                                                          \
  void name##_pack(const int8_t* wei, size_t N, size_t K, void* packed) {                                    \
    bitmask_pack<name##_tile.nr, Order>(wei, N, K, packed);                                                  \
  }                                                                                                          \
  void name##_run_s32(const Call& c, int32_t* dst, size_t dst_stride) {                                      \
    run<name##_tile.mr, name##_tile.nr>(c, OutS32{dst, dst_stride});                                         \
  }                                                                                                          \
  void name##_run_f32(const Call& c, const float* alpha, const float* beta, float* dst, size_t dst_stride) { \
    run<name##_tile.mr, name##_tile.nr>(c, OutF32{alpha, beta, dst, dst_stride});                            \
  }
