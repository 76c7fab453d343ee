// The reference set: the reference ops' own scalar loops (src/graph/ops), one element or row at a time, with
// glibc's std::exp / std::erf / std::tanh in double. Built without ISA flags, so nothing is fused.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "kernels/vmath/vmath_kernels.h"

namespace sparrow::kernels::vmath {
namespace {

double mvn_denominator(double var, double eps, bool eps_inside) {
  return eps_inside ? std::sqrt(var + eps) : std::sqrt(var) + eps;
}

}  // namespace

void vmath_f64_ref_gelu_erf(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const double v = x[i];
    y[i] = static_cast<float>(0.5 * v * (1.0 + std::erf(v / std::numbers::sqrt2)));
  }
}

void vmath_f64_ref_gelu_tanh(const float* x, float* y, size_t n) {
  const double k = std::sqrt(2.0 / std::numbers::pi);
  for (size_t i = 0; i < n; ++i) {
    const double v = x[i];
    y[i] = static_cast<float>(0.5 * v * (1.0 + std::tanh(k * (v + 0.044715 * v * v * v))));
  }
}

void vmath_f64_ref_softmax_row(const float* x, float* y, size_t n) {
  double mx = -std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < n; ++i) mx = std::max(mx, static_cast<double>(x[i]));
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += std::exp(static_cast<double>(x[i]) - mx);
  for (size_t i = 0; i < n; ++i) y[i] = static_cast<float>(std::exp(static_cast<double>(x[i]) - mx) / sum);
}

void vmath_f64_ref_mvn_row(const float* x, float* y, size_t n, bool normalize_variance, double eps,
                           bool eps_inside) {
  if (n == 0) return;
  double mean = 0;
  for (size_t i = 0; i < n; ++i) mean += static_cast<double>(x[i]);
  mean /= static_cast<double>(n);
  double denom = 1;
  if (normalize_variance) {
    double var = 0;
    for (size_t i = 0; i < n; ++i) {
      const double d = static_cast<double>(x[i]) - mean;
      var += d * d;
    }
    denom = mvn_denominator(var / static_cast<double>(n), eps, eps_inside);
  }
  for (size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(x[i]) - mean;
    y[i] = static_cast<float>(normalize_variance ? d / denom : d);
  }
}

void vmath_f64_ref_layernorm_row(const float* x, const float* residual, const float* gamma, const float* beta,
                                 size_t n, double eps, bool eps_inside, float* y, float* sum_out) {
  if (n == 0) return;
  // s[i] = x[i] + residual[i] in float; read back from sum_out when it is given (it may alias x).
  auto s = [&](size_t i) -> float {
    if (sum_out) return sum_out[i];
    return residual ? x[i] + residual[i] : x[i];
  };
  if (sum_out) {
    for (size_t i = 0; i < n; ++i) sum_out[i] = residual ? x[i] + residual[i] : x[i];
  }
  double mean = 0;
  for (size_t i = 0; i < n; ++i) mean += static_cast<double>(s(i));
  mean /= static_cast<double>(n);
  double var = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(s(i)) - mean;
    var += d * d;
  }
  const double denom = mvn_denominator(var / static_cast<double>(n), eps, eps_inside);
  for (size_t i = 0; i < n; ++i) {
    float t = static_cast<float>((static_cast<double>(s(i)) - mean) / denom);
    if (gamma) t = t * gamma[i];
    if (beta) t = t + beta[i];
    y[i] = t;
  }
}

void vmath_f64_ref_quantize_u8(const float* x, uint8_t* q, size_t n, float low, float high, int levels) {
  const float lm1 = static_cast<float>(levels - 1);
  for (size_t i = 0; i < n; ++i) {
    const float v = x[i];
    if (v <= low) {
      q[i] = 0;
    } else if (v > high) {
      q[i] = static_cast<uint8_t>(levels - 1);
    } else {
      const float r = std::nearbyint((v - low) / (high - low) * lm1);
      q[i] = std::isnan(r) ? 0 : static_cast<uint8_t>(r);  // NaN: what the reference's cast compiles to
    }
  }
}

void vmath_f64_ref_gelu_quantize_u8(const float* x, uint8_t* q, size_t n, float low, float high, int levels) {
  for (size_t i = 0; i < n; ++i) {
    float y;
    vmath_f64_ref_gelu_erf(x + i, &y, 1);
    vmath_f64_ref_quantize_u8(&y, q + i, 1, low, high, levels);
  }
}

void vmath_f64_ref_exp_f64(const double* x, double* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = std::exp(x[i]);
}

void vmath_f64_ref_erf_f64(const double* x, double* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = std::erf(x[i]);
}

void vmath_f64_ref_tanh_f64(const double* x, double* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = std::tanh(x[i]);
}

}  // namespace sparrow::kernels::vmath
