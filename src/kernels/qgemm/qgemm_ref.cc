// The reference qgemm: plain loops over an unpacked [N][K] copy of the weights. Shares no code with the
// optimized kernels; it is what they are checked against and what any CPU can run.
#include <cmath>
#include <cstring>

#include "kernels/qgemm/qgemm_kernels.h"

namespace sparrow::kernels::qgemm {
namespace {

int32_t dot(const uint8_t* src, const int8_t* wei, size_t K) {
  int32_t acc = 0;
  for (size_t k = 0; k < K; ++k) acc += int32_t{src[k]} * int32_t{wei[k]};
  return acc;
}

}  // namespace

size_t qgemm_u8s8s32_ref_packed_bytes(const int8_t*, size_t N, size_t K) {
  return N * K;
}

void qgemm_u8s8s32_ref_pack(const int8_t* wei, size_t N, size_t K, void* packed) {
  std::memcpy(packed, wei, N * K);
}

void qgemm_u8s8s32_ref_run_s32(const Call& c, int32_t* dst, size_t dst_stride) {
  const auto* wei = static_cast<const int8_t*>(c.packed);
  for (size_t m = 0; m < c.M; ++m) {
    for (size_t n = c.n_begin; n < c.n_end; ++n) {
      dst[m * dst_stride + n] = dot(c.src + m * c.src_stride, wei + n * c.K, c.K);
    }
  }
}

void qgemm_u8s8s32_ref_run_f32(const Call& c, const float* alpha, const float* beta, float* dst,
                               size_t dst_stride) {
  const auto* wei = static_cast<const int8_t*>(c.packed);
  for (size_t m = 0; m < c.M; ++m) {
    for (size_t n = c.n_begin; n < c.n_end; ++n) {
      auto acc = static_cast<float>(dot(c.src + m * c.src_stride, wei + n * c.K, c.K));
      dst[m * dst_stride + n] = std::fma(acc, alpha[n], beta[n]);
    }
  }
}

}  // namespace sparrow::kernels::qgemm
