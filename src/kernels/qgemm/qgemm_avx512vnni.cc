// qgemm with AVX-512 VNNI: vpdpbusd multiplies 4 u8 activations by 4 s8 weights per int32 lane and adds
// the 4 products to the lane exactly (no intermediate saturation).
//
// Packed layout: panels of NR = 16 * NV columns; in a panel, k-group g holds NV zmm vectors, vector v lane j
// = column 16v + j, bytes k = 4g .. 4g+3. A register tile is MR rows x NR columns: per k-group it loads NV
// weight vectors, broadcasts 4 bytes of each of the MR activation rows, and issues MR * NV vpdpbusd.
// Loop order: qgemm_driver.h.
//
// Compiled with AVX-512 flags: uses nothing from the standard library but intrinsics (qgemm_driver.h).
// The register tile: qgemm_avx512vnni_tile.h.
#include "kernels/qgemm/qgemm_avx512vnni_tile.h"

namespace sparrow::kernels::qgemm {
namespace {

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

template <int MR, int NR, class Out>
void run(const Call& c, const Out& out) {
  static_assert(NR % kLanes == 0);
  for_each_tile<MR, NR>(c, NR * round_up(c.K, 4), Tiles<NR / kLanes, Out>{out});
}

}  // namespace

SPARROW_QGEMM_DEFINE_KERNEL(qgemm_u8s8s32_8x48c4_avx512vnni)

}  // namespace sparrow::kernels::qgemm
