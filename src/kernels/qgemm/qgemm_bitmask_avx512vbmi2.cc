// qgemm on bitmask weights with AVX-512 VNNI + VBMI2: the 8x48c4 VNNI tile (qgemm_avx512vnni_tile.h) over
// weights stored as one bit per weight plus the non-zero bytes (qgemm_bitmask_driver.h), expanded back into
// the dense VNNI layout by vpexpandb, never into a dense copy of the matrix.
//
// Layout: the dense kernel's k-group of a 48-column panel (3 zmm, 192 bytes: vector v lane j = column
// 16v + j, bytes k = 4g .. 4g+3) becomes 3 64-bit masks, one per zmm, in the panel's mask array, and the
// vector's non-zero bytes, in order, in the panel's value stream:
//
//   mask[g][v]  bit i: byte i of zmm v of k-group g is not zero
//   values      ... | nz(g, 0) | nz(g, 1) | nz(g, 2) | nz(g + 1, 0) | ...
//   zmm v       = vpexpandb zmm{mask[g][v]}{z}, [values]; values += popcnt(mask[g][v])
//
// Loop (qgemm_bitmask_driver.h): rows in chunks, panels, row tiles of 8 x 48 over the whole K, each tile
// prefetching its share of the next compressed panel. A panel used by several row tiles is expanded once
// into a stack buffer (48 x K bytes, 36 KiB at K = 768: L1) that the dense tile reads; a single row tile, or
// K > 3072, expands in registers inside the tile (3 vpexpandb per k-group next to 24 vpdpbusd).
//
// Compiled with AVX-512 VNNI and VBMI2 flags: uses nothing from the standard library but intrinsics.
#include "kernels/qgemm/qgemm_avx512vnni_tile.h"
#include "kernels/qgemm/qgemm_bitmask_driver.h"

namespace sparrow::kernels::qgemm {
namespace {

// Byte of (column c, K value kk) in a k-group of the dense VNNI layout.
struct Order {
  static constexpr size_t pos(size_t c, size_t kk) { return 4 * c + kk; }
};

// One weight vector: the next popcnt(bits) values spread over the set bits, zeros elsewhere. The register
// form after a full 64-byte load (which may read past the last value: the buffer is padded): vpexpandb's
// memory form is microcoded on Ice Lake, ~3x slower.
__attribute__((always_inline)) inline __m512i expand(uint64_t bits, const int8_t* values) {
  return _mm512_maskz_expand_epi8(_cvtu64_mask64(bits), _mm512_loadu_si512(values));
}

// The weight vectors of a compressed panel, expanded in registers k-group after k-group.
template <int NV>
struct ExpandedWeights {
  const uint64_t* mask;
  const int8_t* values;

  ExpandedWeights(const Call& c, const void* panel)
      : mask(static_cast<const uint64_t*>(panel)),
        values(static_cast<const int8_t*>(panel) + bitmask_mask_bytes(c.K, NV)) {}
  __attribute__((always_inline)) void next(__m512i (&w)[NV]) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      const uint64_t bits = mask[v];
      w[v] = expand(bits, values);
      values += __builtin_popcountll(bits);
    }
    mask += NV;
  }
};

// The whole compressed panel into `buffer` in the dense layout (K4 * NV vectors).
template <int NV>
void expand_panel(const Call& c, const void* panel, void* buffer) {
  const auto* mask = static_cast<const uint64_t*>(panel);
  const int8_t* values = static_cast<const int8_t*>(panel) + bitmask_mask_bytes(c.K, NV);
  auto* out = static_cast<int8_t*>(buffer);
  const size_t vectors = round_up(c.K, 4) / 4 * NV;
  for (size_t i = 0; i < vectors; ++i) {
    const uint64_t bits = mask[i];
    _mm512_store_si512(out + 64 * i, expand(bits, values));
    values += __builtin_popcountll(bits);
  }
}

template <int MR, int NR, class Out>
void run(const Call& c, const Out& out) {
  static_assert(NR % kLanes == 0);
  constexpr int NV = NR / kLanes;
  alignas(64) int8_t buffer[kBitmaskBufferBytes];
  const size_t rows = min_size(c.M, round_up(kSrcChunkBytes / c.src_stride + 1, MR));
  const bool buffered = rows > MR && NR * round_up(c.K, 4) <= kBitmaskBufferBytes;
  for_each_bitmask_tile<MR, NR>(c, buffered ? buffer : nullptr, expand_panel<NV>, Tiles<NV, Out>{out},
                                Tiles<NV, Out, ExpandedWeights<NV>>{out});
}

}  // namespace

SPARROW_QGEMM_DEFINE_BITMASK_KERNEL(qgemm_u8s8s32_bitmask_8x48c4_avx512vbmi2)

}  // namespace sparrow::kernels::qgemm
