#include "kernels/vmath/vmath.h"

#include <cstdio>

#include "base/verbose.h"
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
  for (const VmathKernels& kernels : vmath_kernels()) {
    if (name == kernels.name) return &kernels;
  }
  return nullptr;
}

std::string vmath_reject_reason(const VmathKernels& kernels, base::Isa max_isa) {
  base::Isa cpu = base::detected_isa();
  if (kernels.isa > cpu)
    return detail::concat("needs ", to_string(kernels.isa), ", this CPU has ", to_string(cpu));
  if (kernels.isa > max_isa)
    return detail::concat("needs ", to_string(kernels.isa), ", above the cap ", to_string(max_isa));
  return "";
}

const VmathKernels& select_vmath(base::Isa max_isa) {
  const bool verbose = base::verbose_enabled("dispatch");
  for (const VmathKernels& kernels : vmath_kernels()) {
    std::string reason = vmath_reject_reason(kernels, max_isa);
    if (reason.empty()) {
      if (verbose)
        std::fprintf(stderr, "sparrow dispatch: vmath: chose %s (max isa %s)\n", kernels.name,
                     to_string(max_isa));
      return kernels;
    }
    if (verbose) std::fprintf(stderr, "sparrow dispatch: vmath: skip %s: %s\n", kernels.name, reason.c_str());
  }
  fail("vmath: no kernel set runs at ISA level ", to_string(max_isa),
       " (kernels.inc must end with the reference)");
}

}  // namespace sparrow::kernels
