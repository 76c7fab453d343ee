#include "runtime/weight_format.h"

#include <cstdio>
#include <cstdlib>

#include "sparrow/error.h"

namespace sparrow::runtime {
namespace {

using kernels::WeightFormat;

// Measured in BERT-base models (docs/weight_formats.md, "Choosing a format"):
// - groups: time per stored 4-group against a dense 4-group, at 64 rows or more and at 16 rows or fewer
//   (between: interpolated); the kernel vectorises over rows, so short sequences pay more per group.
constexpr double kGroupsCostLargeM = 2.3;
constexpr double kGroupsCostSmallM = 3.5;
// - bitmask: the dense arithmetic plus the expansion, minus the memory traffic it saves: a gain only when
//   the dense kernel waits on memory (few rows per weight byte) and the compressed weights are small.
constexpr double kBitmaskCostLargeM = 1.0;
constexpr double kBitmaskCostSmallM = 0.8;
// AUTO leaves a layer dense unless a sparse format is predicted at least this much faster: the model is
// an estimate, and near a tie the dense kernel's steadier speed is worth more.
constexpr double kAutoMargin = 0.9;

// 0 at 16 rows or fewer, 1 at 64 or more.
double large_m_weight(size_t rows) {
  const double m = static_cast<double>(rows ? rows : kTypicalRows);
  return m <= 16 ? 0.0 : m >= 64 ? 1.0 : (m - 16) / 48;
}

std::string percent(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * x);
  return buf;
}

}  // namespace

double relative_cost(WeightFormat format, const WeightPattern& pattern) {
  switch (format) {
    case WeightFormat::dense:
      return 1.0;
    case WeightFormat::bitmask: {
      // Bytes per weight: 1/8 for the mask, 1 per non-zero; at 12.5% zeros or fewer the mask costs more than
      // the zeros save, a loss.
      const double bytes = 0.125 + (1.0 - pattern.zero_fraction);
      const double gain = (1.0 - kBitmaskCostSmallM) * (1.0 - large_m_weight(pattern.rows));
      return bytes >= 1.0 ? kBitmaskCostLargeM + 0.1 : kBitmaskCostLargeM - gain * (1.0 - bytes) / 0.675;
    }
    case WeightFormat::groups: {
      const double w = large_m_weight(pattern.rows);
      return (w * kGroupsCostLargeM + (1 - w) * kGroupsCostSmallM) * (1.0 - pattern.zero_group_fraction);
    }
  }
  return 1.0;
}

WeightFormat sparse_format_override() {
  const char* env = std::getenv("SPARROW_SPARSE_FORMAT");
  const std::string v = env ? env : "";
  if (v.empty()) return WeightFormat::dense;
  if (v == "bitmask") return WeightFormat::bitmask;
  if (v == "groups") return WeightFormat::groups;
  fail("SPARROW_SPARSE_FORMAT='", v, "': expected bitmask or groups (or unset)");
}

FormatChoice choose_weight_format(const WeightPattern& pattern, const SparseWeightsPolicy& policy) {
  const double bitmask = relative_cost(WeightFormat::bitmask, pattern);
  const double groups = relative_cost(WeightFormat::groups, pattern);
  WeightFormat sparse = groups <= bitmask ? WeightFormat::groups : WeightFormat::bitmask;
  const double sparse_cost = sparse == WeightFormat::groups ? groups : bitmask;
  if (policy.forced != WeightFormat::dense) sparse = policy.forced;
  const std::string pattern_text =
      percent(pattern.zero_fraction) + " zeros, " + percent(pattern.zero_group_fraction) + " zero 4-groups";
  if (policy.automatic) {
    if (sparse_cost <= kAutoMargin)
      return {sparse, "AUTO: " + pattern_text + "; predicted " + percent(sparse_cost) + " of dense time"};
    return {WeightFormat::dense, "AUTO: " + pattern_text + "; no sparse format predicted faster"};
  }
  if (policy.rate >= 1.0) return {WeightFormat::dense, "sparse path off (rate 1)"};
  if (pattern.zero_fraction >= policy.rate)
    return {sparse, pattern_text + " >= rate " + percent(policy.rate)};
  return {WeightFormat::dense, pattern_text + " < rate " + percent(policy.rate)};
}

}  // namespace sparrow::runtime
