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
//   gelu_quantize_u8: q[i] = quantize_u8(gelu_erf(x[i])) with this set's gelu_erf and quantize_u8, bit for
//               bit (the ref set: the reference ops' Gelu then Quantize), without the float y in memory.
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
// gelu_quantize_u8 decides most lanes from a float approximation of gelu (16 lanes per zmm, no division)
//   Only the level matters. Write G for the float the set's gelu_erf returns, qz(G) for its Quantize step
//   and, for any float v (the step extended past the clamps), tq(v) = fl(fl(fl(v - low) / fl(high - low)) *
//   (levels - 1)). Then qz(G) = clamp(nearbyint(tq(G)), 0, levels-1) for every finite G: for low < G <= high
//   it is the op's own formula (its value already in [0, levels-1], as v - low <= fl(high - low) there); for
//   G <= low each IEEE step keeps tq(G) <= 0, so the clamp gives 0 = qz(G); for G > high, fl(G - low) >=
//   fl(high - low) by monotonic rounding, so tq(G) >= levels-1 and the clamp gives levels-1 = qz(G). And r ->
//   clamp(nearbyint(r), 0, levels-1) is monotonic. So if lo <= tq(G) <= hi for floats lo and hi whose clamped
//   nearbyint are the same level, that level is qz(G), exactly; ties included. Per lane: g = x (1 - Q(|x|))
//   for x >= 0, x Q(|x|) below, in float, Q(a) ~ Phi(-a) = erfc(a / sqrt2) / 2 by a polynomial of degree 5 on
//   16 intervals of [0, 6) (one vpermps per coefficient; AVX2: degree 6 on 8) and Q = 0 from 6 on. Its error
//   |g - gelu(x)| <= eps_a min(|x|, 6) + 2^-150 (g's underflow), eps_a = 2.5e-7: measured 6.4e-8 (AVX2's
//   table: 8.4e-8) at most over every float with |x| <= 6 (docs/kernels.md; the fit alone 1.3e-8 / 2.9e-8);
//   for x > 6, g = x and |x Phi(-x)| <= 6 Phi(-6) = 6e-9 (x Phi(-x) falls for x > 1); for x < -6, g = -0 and
//   |gelu| is the same 6e-9. That absolute form holds in gelu's negative tail, where a relative one cannot. G
//   is gelu(x) rounded to float (2^-24 |G|) after the double path's error (~1e-15 relative, plus |x| 2^-53
//   where 1 + erf is tiny: far below eps_a |x|). With s = fl((levels-1) / fl(high - low)), b = fl(-low s) and
//   t = fma(g, s, b), each of tq(G) and t is the real (v - low) (levels-1) / (high - low) at G or g times at
//   most three factors (1 + d), |d| <= 2^-24, plus |b| 2^-24; so |tq(G) - t| <= eps_a min(|x|, 6) s (1 +
//   2^-10) + (|t| + |b|) 2^-20 + 2^-100 =: margin, where 2^-20 = 16 * 2^-24 covers the 7 |t| + 2 |b| (in
//   2^-24) that the steps, G's rounding, the rounding of t +- margin and of margin itself add up to, and
//   2^-100 the underflows (2^-150 s and the steps' own; s <= 2^40). lo = fl(t - margin) and hi = fl(t +
//   margin) then bracket tq(G). Lanes where their levels differ (~2 margin: with BERT's ranges a few in 1e4,
//   docs/kernels.md), x NaN or +-inf, and NaN bounds (t overflowing) take the exact composition (that
//   element's gelu_erf, then quantize_u8); so do all lanes when s is outside [2^-100, 2^40] or |b| > 2^40
//   (degenerate ranges) or vmath_set_gelu_quantize_test_hooks asks for it. VmathTest.GeluQuantize* check the
//   bytes against the composition with no allowance, and with eps_a widened 1e2x and 1e4x; the whole float
//   range was checked offline (docs/kernels.md).
//
// Memory
//   Reads x[0, n) (and residual, gamma, beta [0, n) when non-null), writes y[0, n) (and sum_out [0, n)) or,
//   for the quantizing kernels, q[0, n);
//   nothing outside, no alignment required (tails use masked or copied partial vectors). y may equal x (in
//   place); other overlaps are not allowed, except that sum_out may equal x or residual. n may be 0.
//   No allocation.
//
// Threading: every function is single-threaded and reentrant; callers split rows or element ranges.
// Preconditions (not checked): 2 <= levels <= 256 and low < high with high - low finite, for quantize_u8
// and gelu_quantize_u8.
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
  void (*gelu_quantize_u8)(const float* x, uint8_t* q, size_t n, float low, float high, int levels);

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

// Test hook, not thread-safe: gelu_quantize_u8's margin widens its eps_a by `bound_scale` (1 outside tests),
// so that more lanes take the exact composition, which must not change a single byte; with exact_only,
// every lane does.
void vmath_set_gelu_quantize_test_hooks(float bound_scale, bool exact_only);

}  // namespace sparrow::kernels
