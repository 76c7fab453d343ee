#include "kernels/sgemm/sgemm.h"

#include <cassert>

#include "kernels/dispatch.h"
#include "kernels/sgemm/sgemm_kernels.h"
#include "sparrow/error.h"

namespace sparrow::kernels {
namespace sgemm {
namespace {

using RunFn = void (*)(const Call& call);

// What every kernel shares: the precondition checks and the degenerate shapes, so kernels see M, N, K >= 1.
template <RunFn Run>
void run(size_t M, size_t N, size_t K, const float* A, size_t lda, const float* B, size_t ldb,
         bool b_transposed, float* C, size_t ldc) {
  assert(lda >= K && ldb >= (b_transposed ? K : N) && ldc >= N);
  if (M == 0 || N == 0) return;
  assert(C != nullptr);
  if (K == 0) {
    for (size_t m = 0; m < M; ++m) {
      for (size_t n = 0; n < N; ++n) C[m * ldc + n] = 0.0f;
    }
    return;
  }
  assert(A != nullptr && B != nullptr);
  Run(Call{M, N, K, A, lda, B, ldb, b_transposed, C, ldc});
}

}  // namespace

const SgemmKernel kKernels[] = {
#define SPARROW_SGEMM_KERNEL(isa, name, MR, NR) {#name, base::Isa::isa, MR, NR, &run<name##_run>},
#include "kernels/sgemm/kernels.inc"
#undef SPARROW_SGEMM_KERNEL
};

}  // namespace sgemm

std::span<const SgemmKernel> sgemm_kernels() {
  return sgemm::kKernels;
}

const SgemmKernel* find_sgemm(std::string_view name) {
  return find_kernel(sgemm_kernels(), name);
}

std::string sgemm_reject_reason(const SgemmKernel& kernel, base::Isa max_isa) {
  return isa_reject_reason(kernel.isa, max_isa);
}

const SgemmKernel& select_sgemm(base::Isa max_isa) {
  return select_kernel(sgemm_kernels(), max_isa, "sgemm");
}

}  // namespace sparrow::kernels
