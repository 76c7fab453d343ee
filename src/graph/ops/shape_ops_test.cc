#include <gtest/gtest.h>

#include "graph/ops/op_test_util.h"

namespace sparrow::graph::test {
namespace {

TEST(ShapeOps, ShapeOfVersions) {
  Tensor out = OpTest("ShapeOf").input(f32({2, 3}, iota_f(6))).eval1();
  EXPECT_EQ(out.element_type(), ElementType::i64);
  EXPECT_EQ(values<int64_t>(out), (std::vector<int64_t>{2, 3}));
  out = OpTest("ShapeOf", 3).attr("output_type", "i32").input(f32({2, 3}, iota_f(6))).eval1();
  EXPECT_EQ(values<int32_t>(out), (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(OpTest("ShapeOf", 3).param(ElementType::f32, {-1, 3}).infer1().shape, (PartialShape{2}));
  EXPECT_EQ(OpTest("ShapeOf", 3).param(ElementType::f32, {-1, 3}).infer1().type, ElementType::i64);
  EXPECT_EQ(OpTest("ShapeOf").param(ElementType::f32, PartialShape::dynamic_rank()).infer1().shape,
            (PartialShape{-1}));
  Tensor scalar_shape = OpTest("ShapeOf").input(f32({}, {1})).eval1();
  EXPECT_EQ(scalar_shape.shape(), (Shape{0}));
}

Shape reshape(Shape in, std::vector<int64_t> target, bool special_zero) {
  return OpTest("Reshape")
      .attr("special_zero", special_zero ? "true" : "false")
      .input(iota_tensor(in))
      .input(vec_i64(target))
      .eval1()
      .shape();
}

TEST(ShapeOps, ReshapeSpecExamples) {
  EXPECT_EQ(reshape({2, 5, 5, 0}, {0, 4}, false), (Shape{0, 4}));
  EXPECT_EQ(reshape({2, 5, 5, 24}, {0, -1, 4}, true), (Shape{2, 150, 4}));
  EXPECT_EQ(reshape({2, 2, 3}, {0, 0, 1, -1}, true), (Shape{2, 2, 1, 3}));
  EXPECT_EQ(reshape({3, 1, 1}, {-1, 0}, true), (Shape{3, 1}));
  EXPECT_EQ(reshape({3, 1, 1}, {0, -1}, true), (Shape{3, 1}));
  EXPECT_EQ(reshape({2, 3}, {-1}, false), (Shape{6}));
}

TEST(ShapeOps, ReshapeIsAViewWithSameData) {
  Tensor in = iota_tensor({2, 3});
  Tensor out = OpTest("Reshape").attr("special_zero", "false").input(in).input(vec_i64({3, 2})).eval1();
  EXPECT_EQ(out.shape(), (Shape{3, 2}));
  EXPECT_EQ(values<float>(out), iota_f(6));
}

TEST(ShapeOps, ReshapeErrors) {
  expect_error([] { reshape({2, 3}, {-1, -1}, false); }, {"more than one -1"});
  expect_error([] { reshape({2, 3}, {4, 2}, false); }, {"cannot reshape", "6 elements", "8 elements"});
  expect_error([] { reshape({2, 3}, {4, -1}, false); }, {"not a multiple of 4"});
  expect_error([] { reshape({6}, {0, 0, 6}, true); }, {"special_zero", "rank 1"});
  expect_error([] { reshape({6}, {-2, 3}, false); }, {"invalid dimension -2"});
  expect_error([] { reshape({2, 3}, {0, -1}, false); }, {"other dimensions multiply to 0"});
}

TEST(ShapeOps, ReshapeInferPartial) {
  auto port = OpTest("Reshape")
                  .attr("special_zero", "true")
                  .param(ElementType::f32, {-1, 12, 64})
                  .input(vec_i64({0, -1, 64}))
                  .infer1();
  EXPECT_EQ(port.shape, (PartialShape{-1, -1, 64}));
  port = OpTest("Reshape")
             .attr("special_zero", "true")
             .param(ElementType::f32, {2, 12, 64})
             .input(vec_i64({0, -1}))
             .infer1();
  EXPECT_EQ(port.shape, (PartialShape{2, 768}));
  port = OpTest("Reshape")
             .attr("special_zero", "false")
             .param(ElementType::f32, {2, 12})
             .param(ElementType::i64, {3})
             .infer1();
  EXPECT_EQ(port.shape, (PartialShape{-1, -1, -1}));
}

Shape squeeze(Shape in, std::optional<std::vector<int64_t>> axes) {
  OpTest t("Squeeze");
  t.input(iota_tensor(in));
  if (axes) t.input(vec_i64(*axes));
  return t.eval1().shape();
}

TEST(ShapeOps, Squeeze) {
  EXPECT_EQ(squeeze({1, 3, 1, 2}, std::vector<int64_t>{0, 2}), (Shape{3, 2}));
  EXPECT_EQ(squeeze({1, 3, 1, 2}, std::nullopt), (Shape{3, 2}));
  EXPECT_EQ(squeeze({1, 3, 1, 2}, std::vector<int64_t>{-2}), (Shape{1, 3, 2}));
  EXPECT_EQ(squeeze({1}, std::vector<int64_t>{0}), (Shape{}));
  EXPECT_EQ(squeeze({1, 3}, std::vector<int64_t>{1}),
            (Shape{1, 3}));  // a non-1 dimension is kept (current spec)
  expect_error([] { squeeze({1, 3}, std::vector<int64_t>{2}); }, {"axis 2 is out of range"});
  EXPECT_TRUE(OpTest("Squeeze").param(ElementType::f32, {-1, 3}).infer1().shape.rank_is_dynamic());
  EXPECT_EQ(OpTest("Squeeze").param(ElementType::f32, {-1, 3}).input(vec_i64({0})).infer1().shape,
            (PartialShape{3}));
}

TEST(ShapeOps, Unsqueeze) {
  auto run = [](Shape in, std::vector<int64_t> axes) {
    return OpTest("Unsqueeze").input(iota_tensor(in)).input(vec_i64(axes)).eval1().shape();
  };
  EXPECT_EQ(run({2, 3}, {0, 3}), (Shape{1, 2, 3, 1}));
  EXPECT_EQ(run({2, 3}, {-1}), (Shape{2, 3, 1}));
  EXPECT_EQ(run({}, {0}), (Shape{1}));
  expect_error([&] { run({2, 3}, {1, 1}); }, {"repeated"});
  expect_error([&] { run({2, 3}, {3}); }, {"out of range"});
  EXPECT_EQ(OpTest("Unsqueeze").param(ElementType::f32, {-1, 3}).input(vec_i64({1})).infer1().shape,
            (PartialShape{-1, 1, 3}));
}

TEST(ShapeOps, Transpose) {
  Tensor out = OpTest("Transpose").input(iota_tensor({2, 3})).input(vec_i64({1, 0})).eval1();
  EXPECT_EQ(out.shape(), (Shape{3, 2}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  // Empty order reverses the axes.
  out = OpTest("Transpose").input(iota_tensor({2, 1, 3})).input(i64({0}, {})).eval1();
  EXPECT_EQ(out.shape(), (Shape{3, 1, 2}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  // [2,3,2] with order [2,0,1]: out[k][i][j] = in[i][j][k]
  out = OpTest("Transpose").input(iota_tensor({2, 3, 2})).input(vec_i64({2, 0, 1})).eval1();
  EXPECT_EQ(out.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11}));
  expect_error(
      [] {
        OpTest("Transpose").input(iota_tensor({2, 3})).input(vec_i64({0, 0})).eval1();
      },
      {"not a permutation"});
  EXPECT_EQ(OpTest("Transpose").param(ElementType::f32, {-1, 4, 8}).input(vec_i64({0, 2, 1})).infer1().shape,
            (PartialShape{-1, 8, 4}));
}

TEST(ShapeOps, TransposeKeepingTheInnermostAxisCopiesRows) {
  // [0, 2, 1, 3] as attention uses it, on [2, 3, 2, 4]: out[a][c][b][d] = in[a][b][c][d].
  Tensor out = OpTest("Transpose").input(iota_tensor({2, 3, 2, 4})).input(vec_i64({0, 2, 1, 3})).eval1();
  ASSERT_EQ(out.shape(), (Shape{2, 2, 3, 4}));
  std::vector<float> want;
  for (int a = 0; a < 2; ++a)
    for (int c = 0; c < 2; ++c)
      for (int b = 0; b < 3; ++b)
        for (int d = 0; d < 4; ++d) want.push_back(static_cast<float>(((a * 3 + b) * 2 + c) * 4 + d));
  EXPECT_EQ(values<float>(out), want);
}

TEST(ShapeOps, TransposeMovesPackedElements) {
  // i4 [2,2] = [[1,2],[3,4]] -> [[1,3],[2,4]]
  Tensor in = make<uint8_t>({2, 2}, {0x21, 0x43}, ElementType::i4);
  Tensor out = OpTest("Transpose").input(in).input(vec_i64({1, 0})).eval1();
  EXPECT_EQ(values<uint8_t>(out), (std::vector<uint8_t>{0x31, 0x42}));
}

TEST(ShapeOps, ConcatNegativeAxis) {
  Tensor out =
      OpTest("Concat").attr("axis", "-1").input(f32({2, 1}, {1, 2})).input(f32({2, 2}, {3, 4, 5, 6})).eval1();
  EXPECT_EQ(out.shape(), (Shape{2, 3}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{1, 3, 4, 2, 5, 6}));
  out = OpTest("Concat")
            .attr("axis", "0")
            .input(i64({1}, {7}))
            .input(i64({0}, {}))
            .input(i64({2}, {8, 9}))
            .eval1();
  EXPECT_EQ(values<int64_t>(out), (std::vector<int64_t>{7, 8, 9}));
  expect_error(
      [] {
        OpTest("Concat").attr("axis", "0").input(f32({2, 1}, {1, 2})).input(f32({1, 2}, {3, 4})).eval1();
      },
      {"outside axis 0"});
  auto port = OpTest("Concat")
                  .attr("axis", "1")
                  .param(ElementType::f32, {2, -1})
                  .param(ElementType::f32, {-1, 3})
                  .infer1();
  EXPECT_EQ(port.shape, (PartialShape{2, -1}));
  port = OpTest("Concat")
             .attr("axis", "0")
             .param(ElementType::f32, {1, 3})
             .param(ElementType::f32, {2, -1})
             .infer1();
  EXPECT_EQ(port.shape, (PartialShape{3, 3}));
}

TEST(ShapeOps, BroadcastNumpy) {
  Tensor out = OpTest("Broadcast", 3).input(f32({3, 1}, {1, 2, 3})).input(vec_i64({2, 3, 2})).eval1();
  EXPECT_EQ(out.shape(), (Shape{2, 3, 2}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}));
  expect_error(
      [] {
        OpTest("Broadcast", 3).input(f32({3}, {1, 2, 3})).input(vec_i64({2, 4})).eval1();
      },
      {"numpy"});
  expect_error(
      [] {
        OpTest("Broadcast", 3).input(f32({3, 1}, {1, 2, 3})).input(vec_i64({3})).eval1();
      },
      {"lower-rank"});
}

TEST(ShapeOps, BroadcastExplicit) {
  Tensor out = OpTest("Broadcast", 3)
                   .attr("mode", "explicit")
                   .input(f32({2}, {1, 2}))
                   .input(vec_i64({2, 3}))
                   .input(vec_i64({0}))
                   .eval1();
  EXPECT_EQ(values<float>(out), (std::vector<float>{1, 1, 1, 2, 2, 2}));
  expect_error(
      [] {
        OpTest("Broadcast", 3)
            .attr("mode", "explicit")
            .input(f32({2}, {1, 2}))
            .input(vec_i64({2, 3}))
            .input(vec_i64({1}))
            .eval1();
      },
      {"axes_mapping"});
}

TEST(ShapeOps, BroadcastBidirectional) {
  Tensor out = OpTest("Broadcast", 3)
                   .attr("mode", "bidirectional")
                   .input(f32({3, 1}, {1, 2, 3}))
                   .input(vec_i64({1, 2}))
                   .eval1();
  EXPECT_EQ(out.shape(), (Shape{3, 2}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{1, 1, 2, 2, 3, 3}));
  expect_error(
      [] {
        OpTest("Broadcast", 1).attr("mode", "bidirectional").input(f32({1}, {1})).input(vec_i64({2})).eval1();
      },
      {"mode"});
  auto port = OpTest("Broadcast", 3).param(ElementType::f32, {-1, 1}).param(ElementType::i64, {3}).infer1();
  EXPECT_EQ(port.shape, (PartialShape{-1, -1, -1}));
  port = OpTest("Broadcast", 3).param(ElementType::f32, {-1, 1}).input(vec_i64({4, 5})).infer1();
  EXPECT_EQ(port.shape, (PartialShape{4, 5}));
}

TEST(ShapeOps, Tile) {
  Tensor in = f32({2, 2}, {1, 2, 3, 4});
  Tensor out = OpTest("Tile").input(in).input(vec_i64({2, 1})).eval1();
  EXPECT_EQ(values<float>(out), (std::vector<float>{1, 2, 3, 4, 1, 2, 3, 4}));
  out = OpTest("Tile").input(in).input(vec_i64({2})).eval1();
  EXPECT_EQ(out.shape(), (Shape{2, 4}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{1, 2, 1, 2, 3, 4, 3, 4}));
  out = OpTest("Tile").input(in).input(vec_i64({2, 1, 1})).eval1();
  EXPECT_EQ(out.shape(), (Shape{2, 2, 2}));
  expect_error([&] { OpTest("Tile").input(in).input(vec_i64({-1})).eval1(); }, {"negative"});
  EXPECT_EQ(OpTest("Tile").param(ElementType::f32, {-1, 3}).input(vec_i64({2, 2})).infer1().shape,
            (PartialShape{-1, 6}));
}

TEST(ShapeOps, Split) {
  auto outs =
      OpTest("Split", 1, 3).attr("num_splits", "3").input(f32({6}, iota_f(6))).input(scalar_i64(-1)).eval();
  ASSERT_EQ(outs.size(), 3u);
  EXPECT_EQ(values<float>(outs[1]), (std::vector<float>{2, 3}));
  outs = OpTest("Split", 1, 2).attr("num_splits", "2").input(iota_tensor({2, 2})).input(scalar_i64(0)).eval();
  EXPECT_EQ(values<float>(outs[1]), (std::vector<float>{2, 3}));
  expect_error(
      [] {
        OpTest("Split", 1, 4).attr("num_splits", "4").input(f32({6}, iota_f(6))).input(scalar_i64(0)).eval();
      },
      {"cannot be split into 4"});
  expect_error(
      [] {
        OpTest("Split", 1, 2).attr("num_splits", "3").input(f32({6}, iota_f(6))).input(scalar_i64(0)).eval();
      },
      {"num_splits", "2 outputs"});
  auto ports = OpTest("Split", 1, 2)
                   .attr("num_splits", "2")
                   .param(ElementType::f32, {-1, 8})
                   .input(scalar_i64(1))
                   .infer();
  EXPECT_EQ(ports[1].shape, (PartialShape{-1, 4}));
}

TEST(ShapeOps, VariadicSplit) {
  auto outs = OpTest("VariadicSplit", 1, 3)
                  .input(iota_tensor({2, 5}))
                  .input(scalar_i64(1))
                  .input(vec_i64({2, -1, 0}))
                  .eval();
  ASSERT_EQ(outs.size(), 3u);
  EXPECT_EQ(outs[0].shape(), (Shape{2, 2}));
  EXPECT_EQ(values<float>(outs[1]), (std::vector<float>{2, 3, 4, 7, 8, 9}));
  EXPECT_EQ(outs[2].shape(), (Shape{2, 0}));
  expect_error(
      [] {
        OpTest("VariadicSplit", 1, 2)
            .input(iota_tensor({2, 5}))
            .input(scalar_i64(1))
            .input(vec_i64({2, 2}))
            .eval();
      },
      {"sums to 4"});
  auto ports = OpTest("VariadicSplit", 1, 2)
                   .param(ElementType::f32, {3, 10})
                   .input(scalar_i64(1))
                   .input(vec_i64({4, -1}))
                   .infer();
  EXPECT_EQ(ports[1].shape, (PartialShape{3, 6}));
}

}  // namespace
}  // namespace sparrow::graph::test
