#include "runtime/weight_format.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "sparrow/error.h"

namespace sparrow::runtime {
namespace {

using kernels::WeightFormat;

// BERT-base FFN-up weights: dense, 80% unstructured zeros (41% zero 4-groups), 80% 4-block zeros.
constexpr WeightPattern kDense{3072, 768, 0.0, 0.0, 64};
constexpr WeightPattern kUnstructured{3072, 768, 0.8, 0.41, 64};
constexpr WeightPattern kBlock4{3072, 768, 0.8, 0.8, 64};

TEST(WeightFormat, RateOneIsOffWhateverTheZeros) {
  for (const WeightPattern& p : {kDense, kUnstructured, kBlock4})
    EXPECT_EQ(choose_weight_format(p, {false, 1.0}).format, WeightFormat::dense);
  WeightPattern all_zero = kBlock4;
  all_zero.zero_fraction = all_zero.zero_group_fraction = 1.0;
  EXPECT_EQ(choose_weight_format(all_zero, {false, 1.0}).format, WeightFormat::dense);
}

// OpenVINO's meaning: sparse when the zero fraction is at least the rate (equality included).
TEST(WeightFormat, ARateSelectsLayersWithAtLeastThatShareOfZeros) {
  EXPECT_NE(choose_weight_format(kUnstructured, {false, 0.75}).format, WeightFormat::dense);
  EXPECT_NE(choose_weight_format(kUnstructured, {false, 0.8}).format, WeightFormat::dense);
  EXPECT_EQ(choose_weight_format(kUnstructured, {false, 0.81}).format, WeightFormat::dense);
  EXPECT_EQ(choose_weight_format(kDense, {false, 0.5}).format, WeightFormat::dense);
  // A rate of 0 puts even a dense layer on a sparse format, as OpenVINO would.
  EXPECT_NE(choose_weight_format(kDense, {false, 0.0}).format, WeightFormat::dense);
}

// Which sparse format: the groups kernel skips 80% of the work on 4-block weights.
TEST(WeightFormat, FourBlockWeightsTakeTheGroupsFormat) {
  EXPECT_EQ(choose_weight_format(kBlock4, {false, 0.75}).format, WeightFormat::groups);
  EXPECT_EQ(choose_weight_format(kBlock4, {true}).format, WeightFormat::groups);
  EXPECT_LT(relative_cost(WeightFormat::groups, kBlock4), relative_cost(WeightFormat::groups, kUnstructured));
}

TEST(WeightFormat, AutoLeavesDenseWeightsDense) {
  EXPECT_EQ(choose_weight_format(kDense, {true}).format, WeightFormat::dense);
  WeightPattern short_seq = kDense;
  short_seq.rows = 8;
  EXPECT_EQ(choose_weight_format(short_seq, {true}).format, WeightFormat::dense);
}

TEST(WeightFormat, ForcedFormatReplacesThePickOnlyWhereTheLayerGoesSparse) {
  EXPECT_EQ(choose_weight_format(kBlock4, {false, 0.75, WeightFormat::bitmask}).format, WeightFormat::bitmask);
  EXPECT_EQ(choose_weight_format(kUnstructured, {false, 0.75, WeightFormat::groups}).format, WeightFormat::groups);
  EXPECT_EQ(choose_weight_format(kUnstructured, {false, 0.9, WeightFormat::groups}).format, WeightFormat::dense);
  EXPECT_EQ(choose_weight_format(kDense, {true, 1.0, WeightFormat::groups}).format, WeightFormat::dense);
}

TEST(WeightFormat, EveryChoiceSaysWhy) {
  FormatChoice c = choose_weight_format(kBlock4, {false, 0.75});
  EXPECT_NE(c.reason.find("80.0% zeros"), std::string::npos) << c.reason;
  EXPECT_NE(c.reason.find("rate 75.0%"), std::string::npos) << c.reason;
  EXPECT_NE(choose_weight_format(kDense, {true}).reason.find("AUTO"), std::string::npos);
}

TEST(WeightFormat, SparseFormatOverrideFromTheEnvironment) {
  setenv("SPARROW_SPARSE_FORMAT", "groups", 1);
  EXPECT_EQ(sparse_format_override(), WeightFormat::groups);
  setenv("SPARROW_SPARSE_FORMAT", "bitmask", 1);
  EXPECT_EQ(sparse_format_override(), WeightFormat::bitmask);
  setenv("SPARROW_SPARSE_FORMAT", "csr", 1);
  try {
    sparse_format_override();
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "SPARROW_SPARSE_FORMAT='csr': expected bitmask or groups (or unset)");
  }
  unsetenv("SPARROW_SPARSE_FORMAT");
  EXPECT_EQ(sparse_format_override(), WeightFormat::dense);
}

}  // namespace
}  // namespace sparrow::runtime
