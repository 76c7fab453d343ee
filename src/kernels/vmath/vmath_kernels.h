// The per-set entry points that kernels.inc declares, in raw pointers only: the per-ISA translation units
// include this header and nothing from the standard library's templates, so no inline function compiled
// with that ISA's flags can be shared (as a weak symbol) with code that runs on any CPU. vmath.cc lists them
// in VmathKernels (vmath.h holds the contract).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sparrow::kernels::vmath {

#define SPARROW_VMATH_KERNEL(isa, name)                                                                   \
  void name##_gelu_erf(const float* x, float* y, size_t n);                                               \
  void name##_gelu_tanh(const float* x, float* y, size_t n);                                              \
  void name##_softmax_row(const float* x, float* y, size_t n);                                            \
  void name##_mvn_row(const float* x, float* y, size_t n, bool normalize_variance, double eps,            \
                      bool eps_inside);                                                                   \
  void name##_layernorm_row(const float* x, const float* residual, const float* gamma, const float* beta, \
                            size_t n, double eps, bool eps_inside, float* y, float* sum_out);             \
  void name##_quantize_u8(const float* x, uint8_t* q, size_t n, float low, float high, int levels);       \
  void name##_gelu_quantize_u8(const float* x, uint8_t* q, size_t n, float low, float high, int levels);  \
  void name##_exp_f64(const double* x, double* y, size_t n);                                              \
  void name##_erf_f64(const double* x, double* y, size_t n);                                              \
  void name##_tanh_f64(const double* x, double* y, size_t n);
#include "kernels/vmath/kernels.inc"
#undef SPARROW_VMATH_KERNEL

// vmath_set_gelu_test_hooks (vmath.h); gelu_erf reads them once per call. 1 and false outside tests.
extern double g_gelu_bound_scale;
extern bool g_gelu_accurate_only;
// vmath_set_gelu_quantize_test_hooks (vmath.h); gelu_quantize_u8 reads them once per call.
extern float g_gelu_quantize_bound_scale;
extern bool g_gelu_quantize_exact_only;

}  // namespace sparrow::kernels::vmath
