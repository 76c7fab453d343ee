// vmath: the float element-wise and row kernels of a BERT layer (Gelu, SoftMax, MVN / LayerNorm, Quantize),
// vectorized so that they return the SAME floats as the engine's reference ops.
//
// What is computed (x, y float; every formula is evaluated in double and rounded to float once, exactly as
// the reference op in src/graph/ops writes it; "(f32)" marks IEEE float arithmetic)
//   gelu_erf:   y[i] = float(0.5 * x * (1.0 + erf(x / sqrt2)))                      (elementwise_ops.cc)
//   gelu_tanh:  y[i] = float(0.5 * x * (1.0 + tanh(k * (x + 0.044715 * x * x * x)))),
//               k = sqrt(2.0 / pi) rounded to double; products left to right as C++ parses them
//   softmax_row: mx = max_i double(x[i]) (NaN entries ignored by the max, like std::max(mx, x)),
//               sum = sum_i exp(x[i] - mx), y[i] = float(exp(x[i] - mx) / sum)      (math_ops.cc)
//   mvn_row:    mean = (sum_i x[i]) / n; d[i] = x[i] - mean; var = (sum_i d[i]^2) / n;
//               denom = eps_inside ? sqrt(var + eps) : sqrt(var) + eps;
//               y[i] = float(normalize_variance ? d[i] / denom : d[i])              (math_ops.cc mvn_typed)
//   layernorm_row: the op chain Add -> MVN -> Multiply -> Add, each step rounded like the separate ops:
//               s[i] = x[i] + residual[i] (f32; s = x when residual is null; written to sum_out if given),
//               t[i] = mvn_row(s) with normalize_variance, t[i] = t[i] * gamma[i] (f32, if gamma),
//               y[i] = t[i] + beta[i] (f32, if beta). The float multiply and add are never fused.
//   quantize_u8: in float, as the Quantize op (quantized_ops.cc): v <= low -> 0; else v > high -> levels-1;
//               else nearbyint((v - low) / (high - low) * float(levels - 1)), round half to even, true
//               division (no reciprocal); NaN -> 0 (the reference's static_cast<uint8_t> of a NaN float
//               compiles to cvttss2si, 0x80000000, low byte 0).
//   exp_f64, erf_f64, tanh_f64: the double functions the kernels use, on double arrays (for tests).
//
// Exactness (why the same floats, and when not)
//   Test oracles (PyTorch in double) rely on the reference's single rounding: at BERT-base width a one-ulp
//   float difference before a FakeQuantize flips a rounding tie and moves logits by up to 0.2. The kernels
//   evaluate the same formula in double (8 lanes per zmm, 4 per ymm) with their own exp, erf and tanh, whose
//   error against glibc's std::exp / std::erf / std::tanh is at most 2 double ulps on the whole double range
//   (measured: docs/kernels.md, VmathTest.DoubleFunctionsWithinTheirUlpBound); reductions sum in a different
//   order than the reference loop (a few double ulps of the sum). A float result can therefore differ from
//   the reference only when the exact value lies within ~1e-15 relative of a float rounding boundary
//   (half-way point): about one element in 1e7..1e8, and then by one float ulp. erf near +-1 is computed as
//   +-(1 - erfc) with erfc accurate to a few ulps relative, so 1 + erf(x / sqrt2) keeps its bits where it is
//   tiny (x << 0). quantize_u8 and the float steps of layernorm_row are bit-exact: they are the same IEEE
//   float operations. inf and NaN propagate exactly as in the reference formula (erf(+-inf) = +-1, so
//   gelu(-inf) = NaN as 0.5 * -inf * 0; a row with a NaN or +inf gives NaN for softmax and mvn; -inf entries
//   of a softmax row give 0 unless every entry is -inf). The reference set (vmath_f64_ref) is the reference
//   ops' own scalar loops with std:: functions.
//
// gelu_erf's fast path returns the accurate path's float, bit for bit (Ziv's rounding test)
//   The accurate path above (erf by two polynomials of degree 10 and 14, a division) runs only for the lanes
//   where a cheaper evaluation cannot prove which float it rounds to. The fast path computes ef = erfc(|x| *
//   (1/sqrt2)) (exp of degree 9 without the ln2 low part, erfcx of degree 8 on 16 non-uniform intervals, or
//   10 on 8 for AVX2) with |ef - e| <= E ef, where e is the erfc the accurate path's erf implies (erf = +-(1
//   - e)) and E = 1e-12 covers the fit error 2.4e-13, x * (1/sqrt2) for x / sqrt2 (erfc's condition number,
//   at most 73 on [0, 6], times 4.4e-16), the rounding of both evaluations and of ef * (1 +- E)
//   (docs/kernels.md). It then applies the accurate path's last steps, each a monotonic function rounded to
//   nearest (1 - e, the sign, 1 + erf, 0.5 x times that, to float), to both ends ef (1 - E) and ef (1 + E).
//   Monotonic roundings keep order, so the accurate path's float lies between the two ends' floats; where
//   these are the same bits the lane is done, else the whole vector is recomputed by the accurate path. The
//   test also covers the steps where the accurate path's own roundings are coarse (1 - e rounds to a multiple
//   of 2^-53 for x < 0, so 1 + erf in the negative tail holds few bits; 0.5 x rounding to float as a tie),
//   since both ends go through the same roundings. Lanes that fail: ~2E / 2^-24, about 3e-5; NaN, +-inf, x
//   with 1 + erf of a few bits are decided by the same test.
//   VmathTest.GeluErfFastPathReturnsTheAccuratePathsFloats checks the bits on 6e7 inputs per set with E as
//   is, widened 1e3x and 1e6x.
//
// Memory
//   Reads x[0, n) (and residual, gamma, beta [0, n) when non-null), writes y[0, n) (and sum_out [0, n));
//   nothing outside, no alignment required (tails use masked or copied partial vectors). y may equal x (in
//   place); other overlaps are not allowed, except that sum_out may equal x or residual. n may be 0.
//   No allocation.
//
// Threading: every function is single-threaded and reentrant; callers split rows or element ranges.
// Preconditions (not checked): 2 <= levels <= 256 and low < high for quantize_u8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/isa.h"

namespace sparrow::kernels {

struct VmathKernels {
  const char* name;  // vmath_f64_avx512, vmath_f64_avx2, vmath_f64_ref
  base::Isa isa;     // the lowest ISA level it needs

  void (*gelu_erf)(const float* x, float* y, size_t n);
  void (*gelu_tanh)(const float* x, float* y, size_t n);
  void (*softmax_row)(const float* x, float* y, size_t n);
  void (*mvn_row)(const float* x, float* y, size_t n, bool normalize_variance, double eps, bool eps_inside);
  // residual, gamma, beta and sum_out may each be null.
  void (*layernorm_row)(const float* x, const float* residual, const float* gamma, const float* beta,
                        size_t n, double eps, bool eps_inside, float* y, float* sum_out);
  void (*quantize_u8)(const float* x, uint8_t* q, size_t n, float low, float high, int levels);

  void (*exp_f64)(const double* x, double* y, size_t n);
  void (*erf_f64)(const double* x, double* y, size_t n);
  void (*tanh_f64)(const double* x, double* y, size_t n);
};

// Every compiled set in preference order (kernels.inc), the reference last.
std::span<const VmathKernels> vmath_kernels();

// The set of that name, or nullptr.
const VmathKernels* find_vmath(std::string_view name);

// Why `kernels` may not run under `max_isa` on this CPU ("needs avx512, above the cap avx2"), or "".
std::string vmath_reject_reason(const VmathKernels& kernels, base::Isa max_isa);

// The first set whose ISA is <= max_isa and that this CPU supports (the reference always qualifies). With
// SPARROW_VERBOSE=dispatch, prints each rejected set with its reason and the choice to stderr.
const VmathKernels& select_vmath(base::Isa max_isa);

// Test hook, not thread-safe: gelu_erf's rounding test widens its bound E by `bound_scale` (1 outside tests;
// at most 1e11), so that more lanes take the accurate path, which must not change a single float; with
// accurate_only, every lane takes the accurate path (the floats the fast path must reproduce).
void vmath_set_gelu_test_hooks(double bound_scale, bool accurate_only);

}  // namespace sparrow::kernels
