#include "runtime/weight_format.h"

#include <cstdio>
#include <cstdlib>

#include "sparrow/error.h"

namespace sparrow::runtime {
namespace {

using kernels::WeightFormat;

// Time per stored 4-group of the groups kernel against a dense 4-group, and the bitmask kernel's time
// against dense, both measured at M = 64 on BERT-base shapes (docs/weight_formats.md, "Choosing").
constexpr double kGroupsCostPerStoredGroup = 1.0;
constexpr double kBitmaskCost = 1.0;
// AUTO leaves a layer dense unless a sparse format is predicted at least this much faster: the model is
// an estimate, and near a tie the dense kernel's steadier speed is worth more.
constexpr double kAutoMargin = 0.9;

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
    case WeightFormat::bitmask:
      return kBitmaskCost;
    case WeightFormat::groups:
      return kGroupsCostPerStoredGroup * (1.0 - pattern.zero_group_fraction);
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
