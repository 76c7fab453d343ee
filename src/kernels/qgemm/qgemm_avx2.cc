// qgemm with AVX2 (no VNNI). vpmaddubsw would saturate (255 * 127 * 2 > 32767), so weights are packed
// already widened to int16 and activations are widened in registers; vpmaddwd then multiplies int16 pairs
// into exact int32 sums (|255 * -128 * 2| < 2^31), added to int32 accumulators.
//
// Packed layout: panels of NR = 8 * NV columns; in a panel, k-group g (K values 4g .. 4g+3) holds 2 x NV
// ymm vectors: vector [h][v] lane j = column 8v + j, int16 pair (w[4g + h], w[4g + h + 2]). A row's 4
// activation bytes a0 a1 a2 a3, broadcast to every dword, become the int16 pairs (a0, a2) by masking the
// high bytes and (a1, a3) by a 16-bit shift right by 8: no byte shuffles. Loop order: qgemm_driver.h.
//
// Compiled with AVX2 flags: uses nothing from the standard library but intrinsics and memcpy
// (qgemm_driver.h). The register tile: qgemm_avx2_tile.h.
#include "kernels/qgemm/qgemm_avx2_tile.h"

namespace sparrow::kernels::qgemm {
namespace {

template <int NR>
size_t packed_bytes(size_t N, size_t K) {
  return round_up(N, NR) * round_up(K, 4) * sizeof(int16_t);
}

template <int NR>
void pack(const int8_t* wei, size_t N, size_t K, void* packed) {
  auto* out = static_cast<int16_t*>(packed);
  constexpr size_t NV = NR / kLanes;
  const size_t panel_elems = NR * round_up(K, 4);
  for (size_t n = 0; n < N; ++n) {
    const size_t c = n % NR;
    int16_t* col = out + n / NR * panel_elems + c / kLanes * 2 * kLanes + c % kLanes * 2;
    for (size_t k = 0; k < K; ++k) {
      const size_t h = k % 2, second = k % 4 / 2;
      col[k / 4 * NR * 4 + h * NV * 2 * kLanes + second] = wei[n * K + k];
    }
  }
}

template <int MR, int NR, class Out>
void run(const Call& c, const Out& out) {
  static_assert(NR % kLanes == 0);
  for_each_tile<MR, NR>(c, NR * round_up(c.K, 4) * sizeof(int16_t), Tiles<NR / kLanes, Out>{out});
}

}  // namespace

SPARROW_QGEMM_DEFINE_KERNEL(qgemm_u8s8s32_4x16c2_avx2)

}  // namespace sparrow::kernels::qgemm
