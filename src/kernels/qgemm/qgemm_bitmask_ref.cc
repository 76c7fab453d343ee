// The reference qgemm on bitmask weights: plain loops that decode the format one bit at a time. Shares no
// code with the optimized bitmask kernels and keeps no dense copy of the weights. Its own layout, per output
// channel rather than per panel (n_block = 1):
//
//   uint64 first[N + 1]     first[n] = index in values[] of channel n's first non-zero; first[N] = count
//   uint8  mask[N][K8]      K8 = ceil(K / 8); bit k % 8 of mask[n][k / 8]: wei[n][k] is not zero
//   int8   values[]         the non-zeros, channel by channel, in increasing k
#include <cmath>
#include <cstring>

#include "kernels/qgemm/qgemm_kernels.h"

namespace sparrow::kernels::qgemm {
namespace {

struct View {
  const uint64_t* first;
  const uint8_t* mask;
  const int8_t* values;
  size_t mask_row;
};

View view(const void* packed, size_t N, size_t K) {
  const auto* bytes = static_cast<const uint8_t*>(packed);
  const size_t mask_row = (K + 7) / 8;
  return {static_cast<const uint64_t*>(packed), bytes + 8 * (N + 1),
          reinterpret_cast<const int8_t*>(bytes + 8 * (N + 1) + N * mask_row), mask_row};
}

int32_t dot(const uint8_t* src, const View& w, size_t n, size_t K) {
  const uint8_t* mask = w.mask + n * w.mask_row;
  const int8_t* value = w.values + w.first[n];
  int32_t acc = 0;
  for (size_t k = 0; k < K; ++k) {
    if (mask[k / 8] >> (k % 8) & 1) acc += int32_t{src[k]} * int32_t{*value++};
  }
  return acc;
}

}  // namespace

size_t qgemm_u8s8s32_bitmask_ref_packed_bytes(const int8_t* wei, size_t N, size_t K) {
  size_t nnz = 0;
  for (size_t i = 0; i < N * K; ++i) nnz += wei[i] != 0;
  return 8 * (N + 1) + N * ((K + 7) / 8) + nnz;
}

void qgemm_u8s8s32_bitmask_ref_pack(const int8_t* wei, size_t N, size_t K, void* packed) {
  auto* first = static_cast<uint64_t*>(packed);
  auto* mask = static_cast<uint8_t*>(packed) + 8 * (N + 1);
  auto* values = reinterpret_cast<int8_t*>(mask + N * ((K + 7) / 8));
  uint64_t count = 0;
  for (size_t n = 0; n < N; ++n) {
    first[n] = count;
    for (size_t k = 0; k < K; ++k) {
      const int8_t x = wei[n * K + k];
      if (x == 0) continue;
      mask[n * ((K + 7) / 8) + k / 8] |= static_cast<uint8_t>(1u << (k % 8));
      values[count++] = x;
    }
  }
  first[N] = count;
}

void qgemm_u8s8s32_bitmask_ref_run_s32(const Call& c, int32_t* dst, size_t dst_stride) {
  const View w = view(c.packed, c.N, c.K);
  for (size_t m = 0; m < c.M; ++m) {
    for (size_t n = c.n_begin; n < c.n_end; ++n)
      dst[m * dst_stride + n] = dot(c.src + m * c.src_stride, w, n, c.K);
  }
}

void qgemm_u8s8s32_bitmask_ref_run_f32(const Call& c, const float* alpha, const float* beta, float* dst,
                                       size_t dst_stride) {
  const View w = view(c.packed, c.N, c.K);
  for (size_t m = 0; m < c.M; ++m) {
    for (size_t n = c.n_begin; n < c.n_end; ++n) {
      auto acc = static_cast<float>(dot(c.src + m * c.src_stride, w, n, c.K));
      dst[m * dst_stride + n] = std::fma(acc, alpha[n], beta[n]);
    }
  }
}

}  // namespace sparrow::kernels::qgemm
