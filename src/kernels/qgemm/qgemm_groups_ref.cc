// The reference of the groups format: scalar loops over the packed groups (qgemm_groups.h), so only the
// stored groups are multiplied; any CPU runs it. n_block 1: a channel's groups are found from its block's
// counts.
#include <cmath>

#include "kernels/qgemm/qgemm_groups.h"

namespace sparrow::kernels::qgemm {
namespace {

int32_t dot(const Call& c, const GroupsLayout& L, const uint8_t* row, size_t n) {
  const size_t b = n / kGroupsBlock, j = n % kGroupsBlock;
  int32_t acc = 0;
  for (size_t s = 0; s < L.slices; ++s) {
    const GroupsSegment seg = groups_segment(c.packed, L, s, b);
    size_t first = 0;
    for (size_t i = 0; i < j; ++i) first += seg.counts[i];
    for (size_t i = first; i < first + seg.counts[j]; ++i) {
      const size_t k0 = s * kSliceK + 4 * size_t{seg.idx[i]};
      for (size_t t = 0; t < 4 && k0 + t < c.K; ++t)
        acc += int32_t{row[k0 + t]} * int32_t{static_cast<int8_t>(seg.wei[4 * i + t])};
    }
  }
  return acc;
}

struct OutS32 {
  int32_t* dst;
  size_t stride;
  void store(size_t m, size_t n, int32_t acc) const { dst[m * stride + n] = acc; }
};

struct OutF32 {
  const float* alpha;
  const float* beta;
  float* dst;
  size_t stride;
  void store(size_t m, size_t n, int32_t acc) const {
    dst[m * stride + n] = std::fma(static_cast<float>(acc), alpha[n], beta[n]);
  }
};

template <class Out>
void run(const Call& c, const Out& out) {
  const GroupsLayout L = groups_layout(c.N, c.K);
  for (size_t m = 0; m < c.M; ++m) {
    for (size_t n = c.n_begin; n < c.n_end; ++n) out.store(m, n, dot(c, L, c.src + m * c.src_stride, n));
  }
}

}  // namespace

SPARROW_QGEMM_DEFINE_GROUPS_KERNEL(qgemm_u8s8s32_groups_ref)

}  // namespace sparrow::kernels::qgemm
