#include <gtest/gtest.h>

#include "sparrow/error.h"
#include "sparrow/shape.h"
#include "sparrow/tensor.h"

namespace sparrow {
namespace {

TEST(PartialShape, ParsesIrSyntax) {
  EXPECT_EQ(PartialShape::parse("?,?").to_string(), "[?,?]");
  EXPECT_EQ(PartialShape::parse("1,64").to_shape(), (Shape{1, 64}));
  EXPECT_EQ(PartialShape::parse("[1,-1]").to_string(), "[1,?]");
  EXPECT_EQ(PartialShape::parse("1..128,4").to_string(), "[?,4]");
  EXPECT_EQ(PartialShape::parse("").rank(), 0u);
  EXPECT_TRUE(PartialShape::parse("...").rank_is_dynamic());
  EXPECT_THROW(PartialShape::parse("1,x"), Error);
  EXPECT_THROW(PartialShape::parse("1,,2"), Error);
  EXPECT_THROW(PartialShape::parse("-3"), Error);
}

TEST(PartialShape, AdmitsAndCompatible) {
  PartialShape p{-1, 64};
  EXPECT_TRUE(p.admits({3, 64}));
  EXPECT_FALSE(p.admits({3, 65}));
  EXPECT_FALSE(p.admits({64}));
  EXPECT_TRUE(p.compatible(PartialShape{2, -1}));
  EXPECT_FALSE(p.compatible(PartialShape{2, 63}));
}

TEST(ShapeSize, RejectsOverflowAndNegative) {
  EXPECT_EQ(shape_size({}), 1);
  EXPECT_EQ(shape_size({2, 3, 0}), 0);
  EXPECT_THROW(shape_size({int64_t(1) << 40, int64_t(1) << 40}), Error);
  EXPECT_THROW(shape_size({-1}), Error);
}

TEST(Tensor, PackedTypesAndViews) {
  Tensor t(ElementType::u1, {3, 5});
  EXPECT_EQ(t.byte_size(), 2u);
  Tensor f(ElementType::f32, {2, 3});
  f.data<float>()[5] = 7.f;
  Tensor v = f.reshaped({6});
  EXPECT_EQ(v.data<float>()[5], 7.f);
  EXPECT_THROW(f.reshaped({7}), Error);
  Tensor c = f.copy();
  c.data<float>()[5] = 1.f;
  EXPECT_EQ(f.data<float>()[5], 7.f);
}

}  // namespace
}  // namespace sparrow
