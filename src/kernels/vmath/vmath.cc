#include "kernels/vmath/vmath.h"

#include "kernels/dispatch.h"
#include "kernels/vmath/vmath_kernels.h"
#include "sparrow/error.h"

namespace sparrow::kernels {
namespace vmath {

const VmathKernels kKernels[] = {
#define SPARROW_VMATH_KERNEL(isa, name) \
  {                                     \
      #name,                            \
      base::Isa::isa,                   \
      &name##_gelu_erf,                 \
      &name##_gelu_tanh,                \
      &name##_softmax_row,              \
      &name##_mvn_row,                  \
      &name##_layernorm_row,            \
      &name##_quantize_u8,              \
      &name##_gelu_quantize_u8,         \
      &name##_exp_f64,                  \
      &name##_erf_f64,                  \
      &name##_tanh_f64},
#include "kernels/vmath/kernels.inc"
#undef SPARROW_VMATH_KERNEL
};

double g_gelu_bound_scale = 1.0;
bool g_gelu_accurate_only = false;
float g_gelu_quantize_bound_scale = 1.0f;
bool g_gelu_quantize_exact_only = false;

}  // namespace vmath

void vmath_set_gelu_test_hooks(double bound_scale, bool accurate_only) {
  vmath::g_gelu_bound_scale = bound_scale;
  vmath::g_gelu_accurate_only = accurate_only;
}

void vmath_set_gelu_quantize_test_hooks(float bound_scale, bool exact_only) {
  vmath::g_gelu_quantize_bound_scale = bound_scale;
  vmath::g_gelu_quantize_exact_only = exact_only;
}

std::span<const VmathKernels> vmath_kernels() {
  return vmath::kKernels;
}

const VmathKernels* find_vmath(std::string_view name) {
  return find_kernel(vmath_kernels(), name);
}

std::string vmath_reject_reason(const VmathKernels& kernels, base::Isa max_isa) {
  return isa_reject_reason(kernels.isa, max_isa);
}

const VmathKernels& select_vmath(base::Isa max_isa) {
  return select_kernel(vmath_kernels(), max_isa, "vmath");
}

}  // namespace sparrow::kernels
