#include "graph/weights.h"

#include <gtest/gtest.h>

#include "sparrow/error.h"

namespace sparrow::graph {
namespace {

Tensor i8(Shape shape, std::vector<int8_t> v) {
  Tensor t(ElementType::i8, std::move(shape));
  std::copy(v.begin(), v.end(), t.data<int8_t>());
  return t;
}

TEST(Weights, ZeroGroupFractionCountsAllZeroRunsOfInputChannels) {
  // 2 output channels x 10 input channels: groups [0,4) [4,8) [8,10) per row.
  Tensor w = i8({2, 10}, {0, 0, 0, 0, /**/ 0, 1, 0, 0, /**/ 0, 0,  //
                          3, 0, 0, 0, /**/ 0, 0, 0, 0, /**/ 0, -1});
  EXPECT_DOUBLE_EQ(zero_group_fraction(w, 4), 3.0 / 6.0);
  EXPECT_DOUBLE_EQ(zero_group_fraction(w, 1), 17.0 / 20.0);  // groups of one: the zero fraction
  EXPECT_DOUBLE_EQ(zero_fraction(w), 17.0 / 20.0);
  EXPECT_DOUBLE_EQ(zero_group_fraction(w, 10), 0.0);
  EXPECT_DOUBLE_EQ(zero_group_fraction(i8({3, 0}, {}), 4), 0.0);
  EXPECT_THROW(zero_group_fraction(Tensor(ElementType::f32, {2, 2}), 4), Error);
  EXPECT_THROW(zero_group_fraction(i8({4}, {0, 0, 0, 0}), 4), Error);
}

}  // namespace
}  // namespace sparrow::graph
