// qgemm on bitmask weights with AVX2: the 4x16c2 tile (qgemm_avx2_tile.h) over weights stored as one bit
// per weight plus the non-zero bytes (qgemm_bitmask_driver.h), expanded back into the dense AVX2 layout
// (int16 pairs) by a table-driven byte shuffle, never into a dense copy of the matrix.
//
// Layout: a k-group of a 16-column panel is 64 weights in the order of the dense AVX2 kernel's 64 int16
// elements (vector [h][v] lane j = column 8v + j, pair (w[4g + h], w[4g + h + 2])), so one 64-bit mask per
// k-group; its non-zero bytes follow each other in the panel's value stream. Expansion, 16 weights (one ymm
// of int16) per step, from the mask's next 16 bits lo (8) and hi (8):
//
//   x    = 16 bytes at values                       (may read past the last value: padded)
//   ctrl = kShuffle[lo] | (kShuffle[hi] + popcnt(lo)) << 64
//   ymm  = vpmovsxbw(pshufb(x, ctrl)); values += popcnt(lo) + popcnt(hi)
// where kShuffle[m] byte j is the rank of bit j among the set bits of m, or 0x80 (pshufb writes a zero).
//
// Loop (qgemm_bitmask_driver.h): rows in chunks, panels, row tiles of 4 x 16 over the whole K, each tile
// prefetching its share of the next compressed panel. A panel used by several row tiles is expanded once
// into a stack buffer (16 x K int16, 24 KiB at K = 768) that the dense tile reads; a single row tile, or
// K > 4608, expands in registers inside the tile.
//
// Compiled with AVX2 flags: uses nothing from the standard library but intrinsics.
#include "kernels/qgemm/qgemm_avx2_tile.h"
#include "kernels/qgemm/qgemm_bitmask_driver.h"

namespace sparrow::kernels::qgemm {
namespace {

// Byte of (column c, K value kk) in a k-group: the int16 element of the dense AVX2 layout that holds it.
struct Order {
  static constexpr size_t pos(size_t c, size_t kk) {
    return kk % 2 * 32 + c / kLanes * 2 * kLanes + c % kLanes * 2 + kk / 2;
  }
};

// kShuffle.ctrl[m], byte j: for bit j of m set, how many bits of m below it are set (the byte of the packed
// values it takes); else 0x80 (pshufb writes zero). popcnt[m]: the bits of m.
struct ShuffleTable {
  uint64_t ctrl[256];
  uint8_t popcnt[256];
};
constexpr ShuffleTable make_shuffle_table() {
  ShuffleTable t{};
  for (unsigned m = 0; m < 256; ++m) {
    uint64_t ctrl = 0;
    unsigned rank = 0;
    for (unsigned j = 0; j < 8; ++j) ctrl |= uint64_t{(m >> j & 1) ? rank++ : 0x80u} << (8 * j);
    t.ctrl[m] = ctrl;
    t.popcnt[m] = static_cast<uint8_t>(rank);
  }
  return t;
}
constexpr ShuffleTable kShuffle = make_shuffle_table();

// 16 weights widened to int16 from 16 mask bits; advances `values` past the ones it took.
__attribute__((always_inline)) inline __m256i expand16(unsigned bits, const int8_t*& values) {
  const unsigned lo = bits & 0xff, hi = bits >> 8 & 0xff;
  const unsigned n_lo = kShuffle.popcnt[lo];
  // Adding n_lo keeps a 0x80 byte's high bit (0x80 + 8 < 0x100) and moves the hi indices past lo's values.
  const __m128i ctrl =
      _mm_set_epi64x(static_cast<long long>(kShuffle.ctrl[hi] + n_lo * 0x0101010101010101ull),
                     static_cast<long long>(kShuffle.ctrl[lo]));
  const __m128i x = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(values)), ctrl);
  values += n_lo + kShuffle.popcnt[hi];
  return _mm256_cvtepi8_epi16(x);
}

// The weight vectors of a compressed panel, expanded in registers k-group after k-group.
template <int NV>
struct ExpandedWeights {
  static_assert(NV == 2, "one 64-bit mask per k-group of 16 columns");
  const uint64_t* mask;
  const int8_t* values;

  ExpandedWeights(const Call& c, const void* panel)
      : mask(static_cast<const uint64_t*>(panel)),
        values(static_cast<const int8_t*>(panel) + bitmask_mask_bytes(c.K, 1)) {}
  __attribute__((always_inline)) void next(__m256i (&w)[2][NV]) {
    const uint64_t bits = *mask++;
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) w[i / NV][i % NV] = expand16(static_cast<unsigned>(bits >> (16 * i)), values);
  }
};

// The whole compressed panel into `buffer` in the dense layout (4 ymm per k-group).
void expand_panel(const Call& c, const void* panel, void* buffer) {
  const auto* mask = static_cast<const uint64_t*>(panel);
  const int8_t* values = static_cast<const int8_t*>(panel) + bitmask_mask_bytes(c.K, 1);
  auto* out = static_cast<__m256i*>(buffer);
  const size_t groups = round_up(c.K, 4) / 4;
  for (size_t g = 0; g < groups; ++g, out += 4) {
    const uint64_t bits = mask[g];
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i)
      _mm256_store_si256(out + i, expand16(static_cast<unsigned>(bits >> (16 * i)), values));
  }
}

template <int MR, int NR, class Out>
void run(const Call& c, const Out& out) {
  static_assert(NR % kLanes == 0);
  constexpr int NV = NR / kLanes;
  alignas(64) int8_t buffer[kBitmaskBufferBytes];
  const size_t rows = min_size(c.M, round_up(kSrcChunkBytes / c.src_stride + 1, MR));
  const bool buffered = rows > MR && NR * round_up(c.K, 4) * sizeof(int16_t) <= kBitmaskBufferBytes;
  for_each_bitmask_tile<MR, NR>(c, buffered ? buffer : nullptr, expand_panel, Tiles<NV, Out>{out},
                                Tiles<NV, Out, ExpandedWeights<NV>>{out});
}

}  // namespace

SPARROW_QGEMM_DEFINE_BITMASK_KERNEL(qgemm_u8s8s32_bitmask_4x16c2_avx2)

}  // namespace sparrow::kernels::qgemm
