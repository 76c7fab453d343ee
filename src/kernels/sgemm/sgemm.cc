#include "kernels/sgemm/sgemm.h"

#include <cassert>
#include <cstdio>

#include "base/verbose.h"
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
  for (const SgemmKernel& kernel : sgemm_kernels()) {
    if (name == kernel.name) return &kernel;
  }
  return nullptr;
}

std::string sgemm_reject_reason(const SgemmKernel& kernel, base::Isa max_isa) {
  base::Isa cpu = base::detected_isa();
  if (kernel.isa > cpu)
    return detail::concat("needs ", to_string(kernel.isa), ", this CPU has ", to_string(cpu));
  if (kernel.isa > max_isa) {
    return detail::concat("needs ", to_string(kernel.isa), ", above the cap ", to_string(max_isa));
  }
  return "";
}

const SgemmKernel& select_sgemm(base::Isa max_isa) {
  const bool verbose = base::verbose_enabled("dispatch");
  for (const SgemmKernel& kernel : sgemm_kernels()) {
    std::string reason = sgemm_reject_reason(kernel, max_isa);
    if (reason.empty()) {
      if (verbose)
        std::fprintf(stderr, "sparrow dispatch: sgemm: chose %s (max isa %s)\n", kernel.name,
                     to_string(max_isa));
      return kernel;
    }
    if (verbose) std::fprintf(stderr, "sparrow dispatch: sgemm: skip %s: %s\n", kernel.name, reason.c_str());
  }
  fail("sgemm: no kernel runs at ISA level ", to_string(max_isa),
       " (kernels.inc must end with the reference)");
}

}  // namespace sparrow::kernels
