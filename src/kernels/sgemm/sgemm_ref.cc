// The reference sgemm: the contract's loop, one output at a time. Shares no code with the optimized
// kernels; any CPU runs it.
#include "kernels/sgemm/sgemm_kernels.h"

namespace sparrow::kernels::sgemm {

void sgemm_f32f64acc_ref_run(const Call& c) {
  const size_t k_stride = c.b_transposed ? 1 : c.ldb, n_stride = c.b_transposed ? c.ldb : 1;
  for (size_t m = 0; m < c.M; ++m) {
    const float* a = c.A + m * c.lda;
    for (size_t n = 0; n < c.N; ++n) {
      const float* b = c.B + n * n_stride;
      double acc = 0.0;
      for (size_t k = 0; k < c.K; ++k)
        acc += static_cast<double>(a[k]) * static_cast<double>(b[k * k_stride]);
      c.C[m * c.ldc + n] = static_cast<float>(acc);
    }
  }
}

}  // namespace sparrow::kernels::sgemm
