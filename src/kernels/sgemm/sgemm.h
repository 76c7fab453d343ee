// sgemm: the f32 matrix product of attention (scores = Q x K^T, context = P x V), accumulated in double
// and rounded once, so that it gives the floats of the reference MatMul and of the fp64 oracles.
//
// What is computed
//   C[m][n] = float( sum_{k<K} double(A[m][k]) * double(B(k, n)) )        m < M, n < N
//
//   A  f32, row-major [M][lda], lda >= K
//   B  f32, b_transposed == false: row-major [K][ldb], ldb >= N, B(k, n) = B[k * ldb + n]  (V in P x V)
//           b_transposed == true:  row-major [N][ldb], ldb >= K, B(k, n) = B[n * ldb + k]  (K in Q x K^T)
//   C  f32, row-major [M][ldc], ldc >= N
//   Strides are in elements and need no alignment, so a head can be read straight out of a
//   [seq][heads * 64] buffer (Q of head h: A = q + 64 h, lda = 768).
//
// Exactness
//   A float x float product has at most 48 significant bits, so double(a) * double(b) is exact. Every
//   kernel starts each output at +0.0 and adds the K products in increasing k, one rounding to double per
//   addition (a fused multiply-add of an exact product rounds exactly like the addition), then rounds the
//   sum once to float, to nearest-even (the default MXCSR mode; vcvtpd2ps / static_cast<float>). Every
//   kernel therefore gives the same floats, bit for bit, as the plain loop
//       double acc = 0; for (k = 0; k < K; ++k) acc += double(A[m][k]) * double(B(k, n)); C = float(acc);
//   which is also what the engine's reference MatMul computes up to the order of its double additions. (A
//   kernel that summed in another order would differ from that loop only where the exact sum lies within
//   about 1e-16 relative of a point halfway between two floats: by one float ulp, in rare elements.)
//   Infinities and NaNs propagate as in that loop (inf - inf is NaN; an overflowing sum rounds to inf);
//   NaN payloads are not specified. K == 0 gives +0.0.
//
// Memory that kernels touch
//   A: rows [0, M), columns [0, K) only. B: the K x N elements B(k, n) only. Nothing past a row's last
//   element is read (tails use masked loads). C: rows [0, M) x columns [0, N) only; stride padding is left
//   alone. A and B may alias each other, never C.
//   The optimized kernels convert panels of B (up to 64 KiB) and tiles of A to double in buffers on the
//   stack: a call uses about 100 KiB of stack and allocates nothing.
//
// Threading
//   run is single-threaded and reentrant (no state outside the call's stack). Callers split the work
//   between threads by rows (disjoint A and C rows) or columns (disjoint B columns and C columns); each
//   element's value does not depend on the split.
//
// Preconditions (debug asserts; kernels never fail): the strides above; A, B, C non-null when M, N, K
// make them read or written.
//
// Kernels are listed in kernels.inc (ISA, name, register tile); docs/kernels.md says how to add one. Names
// follow sgemm_f32f64acc_<MR>x<NR>_<isa>: f32 operands, f64 accumulators, MR rows x NR columns of C per
// register tile.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "base/isa.h"

namespace sparrow::kernels {

struct SgemmKernel {
  const char* name;  // sgemm_f32f64acc_8x16_avx512, ...
  base::Isa isa;     // the lowest ISA level it needs
  size_t m_tile;     // MR: rows per register tile (informational: any M is accepted)
  size_t n_tile;     // NR: columns per register tile (informational: any N is accepted)

  // C = A x B (the contract above) for all M x N outputs, single-threaded.
  void (*run)(size_t M, size_t N, size_t K, const float* A, size_t lda, const float* B, size_t ldb,
              bool b_transposed, float* C, size_t ldc);
};

// Every compiled kernel in preference order (kernels.inc), the reference last.
std::span<const SgemmKernel> sgemm_kernels();

// The kernel of that name, or nullptr.
const SgemmKernel* find_sgemm(std::string_view name);

// Why `kernel` may not run under `max_isa` on this CPU ("needs avx512, above the cap avx2"), or "" when
// it may.
std::string sgemm_reject_reason(const SgemmKernel& kernel, base::Isa max_isa);

// The first kernel whose ISA is <= max_isa and that this CPU supports (the reference always qualifies).
// With SPARROW_VERBOSE=dispatch, prints each rejected kernel with its reason and the choice to stderr.
// Callers pass base::max_isa() unless they test a level on purpose.
const SgemmKernel& select_sgemm(base::Isa max_isa);

}  // namespace sparrow::kernels
