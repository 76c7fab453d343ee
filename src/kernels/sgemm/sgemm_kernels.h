// The per-kernel entry points that kernels.inc declares, in raw pointers only: the per-ISA translation
// units include this header and nothing from the standard library's templates, so no inline function
// compiled with that ISA's flags can be shared (as a weak symbol) with code that runs on any CPU.
// sgemm.cc wraps these into SgemmKernel (sgemm.h holds the contract).
#pragma once

#include <cstddef>

namespace sparrow::kernels::sgemm {

struct Tile {
  int mr, nr;
};

// One call's operands (sgemm.h names them). sgemm.cc has already returned for M, N or K == 0.
struct Call {
  size_t M, N, K;
  const float* A;
  size_t lda;
  const float* B;
  size_t ldb;
  bool b_transposed;
  float* C;
  size_t ldc;
};

#define SPARROW_SGEMM_KERNEL(isa, name, MR, NR) \
  inline constexpr Tile name##_tile{MR, NR};    \
  void name##_run(const Call& call);
#include "kernels/sgemm/kernels.inc"
#undef SPARROW_SGEMM_KERNEL

}  // namespace sparrow::kernels::sgemm
