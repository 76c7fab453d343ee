#include <gtest/gtest.h>

#include <limits>

#include "graph/ops/op_test_util.h"

namespace sparrow::graph::test {
namespace {

// ---- Gather ----

Tensor gather(int version, Tensor data, Tensor indices, int64_t axis, int64_t batch_dims = 0) {
  return OpTest("Gather", version)
      .attr("batch_dims", std::to_string(batch_dims))
      .input(std::move(data))
      .input(std::move(indices))
      .input(scalar_i64(axis))
      .eval1();
}

TEST(IndexOps, GatherRows) {
  Tensor data = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  Tensor out = gather(8, data, i64({2}, {2, 0}), 0);
  EXPECT_EQ(out.shape(), (Shape{2, 2}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{5, 6, 1, 2}));
  out = gather(1, data, i32({2, 1}, {1, 1}), 0);
  EXPECT_EQ(out.shape(), (Shape{2, 1, 2}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{3, 4, 3, 4}));
  out = gather(7, data, scalar_i64(1), -1);  // scalar index removes the axis
  EXPECT_EQ(out.shape(), (Shape{3}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{2, 4, 6}));
}

TEST(IndexOps, GatherNegativeIndicesOnlyInV8) {
  Tensor data = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(values<float>(gather(8, data, i64({2}, {-1, -3}), 0)), (std::vector<float>{5, 6, 1, 2}));
  expect_error([&] { gather(7, data, i64({1}, {-1}), 0); }, {"Gather 'op'", "index -1", "[0, 2]"});
}

TEST(IndexOps, GatherOutOfRangeIsAnError) {
  Tensor data = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  expect_error(
      [&] {
        gather(8, data, i64({3}, {0, 1, 3}), 0);
      },
      {"index 3", "position 2", "out of range [-3, 2]", "axis 0"});
  expect_error([&] { gather(8, data, i64({1}, {-4}), 0); }, {"index -4"});
  expect_error([&] { gather(1, data, i32({1}, {30522}), 0); }, {"index 30522", "[0, 2]"});
}

TEST(IndexOps, GatherBatchDims) {
  Tensor data = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor indices = i64({2, 2}, {0, 2, 1, 0});
  Tensor out = gather(8, data, indices, 1, 1);
  EXPECT_EQ(out.shape(), (Shape{2, 2}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{1, 3, 5, 4}));
  EXPECT_EQ(values<float>(gather(8, data, indices, 1, -1)), values<float>(out));
  // batch_dims = 1 with axis 2: data [2,2,3], indices [2,1] -> out [2,2,1]
  Tensor d3 = iota_tensor({2, 2, 3});
  out = gather(7, d3, i64({2, 1}, {2, 0}), 2, 1);
  EXPECT_EQ(out.shape(), (Shape{2, 2, 1}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{2, 5, 6, 9}));
  expect_error([&] { gather(8, data, indices, 0, 1); }, {"batch_dims"});
  expect_error([&] { gather(8, data, i64({3, 1}, {0, 0, 0}), 1, 1); }, {"batch dimension 0"});
}

TEST(IndexOps, GatherSpecExamples) {
  // Gather-7 example 3: batch_dims = 2, axis = 2
  Tensor data3 = f32({2, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20});
  Tensor idx3 = i32({2, 2, 3}, {0, 0, 4, 4, 0, 0, 1, 2, 4, 4, 3, 2});
  EXPECT_EQ(values<float>(gather(7, data3, idx3, 2, 2)),
            (std::vector<float>{1, 1, 5, 10, 6, 6, 12, 13, 15, 20, 19, 18}));
  // Gather-7 example 4: batch_dims = 1, axis = 2, data [2,1,5,4], indices [2,3] -> [2,1,3,4]
  std::vector<float> d(40);
  for (int i = 0; i < 40; ++i) d[i] = static_cast<float>(i + 1);
  Tensor out = gather(7, f32({2, 1, 5, 4}, d), i64({2, 3}, {1, 2, 4, 4, 3, 2}), 2, 1);
  EXPECT_EQ(out.shape(), (Shape{2, 1, 3, 4}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{5,  6,  7,  8,  9,  10, 11, 12, 17, 18, 19, 20,
                                                    37, 38, 39, 40, 33, 34, 35, 36, 29, 30, 31, 32}));
}

TEST(IndexOps, GatherInferPartial) {
  auto port = OpTest("Gather", 8)
                  .param(ElementType::f32, {30522, 768})
                  .param(ElementType::i64, {-1, 64})
                  .input(scalar_i64(0))
                  .infer1();
  EXPECT_EQ(port.shape, (PartialShape{-1, 64, 768}));
  port = OpTest("Gather", 8)
             .attr("batch_dims", "1")
             .param(ElementType::f32, {-1, 5, 7})
             .param(ElementType::i32, {4, 3})
             .input(scalar_i64(1))
             .infer1();
  EXPECT_EQ(port.shape, (PartialShape{4, 3, 7}));
  EXPECT_TRUE(OpTest("Gather", 8)
                  .param(ElementType::f32, {2, 3})
                  .param(ElementType::i64, {2})
                  .param(ElementType::i64, {})
                  .infer1()
                  .shape.rank_is_dynamic());
}

TEST(IndexOps, GatherAnyElementType) {
  Tensor data = make<uint8_t>({4}, {0x21, 0x43}, ElementType::u4);  // [1,2,3,4]
  Tensor out = gather(8, data, i64({3}, {3, 0, 1}), 0);
  EXPECT_EQ(values<uint8_t>(out), (std::vector<uint8_t>{0x14, 0x02}));  // [4,1,2]
}

// ---- StridedSlice ----

struct Masks {
  std::string begin = "", end = "", new_axis = "", shrink = "", ellipsis = "";
};

Tensor strided_slice(Tensor data, std::vector<int64_t> b, std::vector<int64_t> e, std::vector<int64_t> s,
                     const Masks& m = {}) {
  return OpTest("StridedSlice")
      .attr("begin_mask", m.begin)
      .attr("end_mask", m.end)
      .attr("new_axis_mask", m.new_axis)
      .attr("shrink_axis_mask", m.shrink)
      .attr("ellipsis_mask", m.ellipsis)
      .input(std::move(data))
      .input(vec_i64(b))
      .input(vec_i64(e))
      .input(vec_i64(s))
      .eval1();
}

TEST(IndexOps, StridedSliceBasicAndReverse) {
  Tensor out = strided_slice(iota_tensor({4, 4, 4, 4, 4, 4}), {0, 1, 0, 1, 3, 3}, {4, 4, 4, 4, 0, 0},
                             {1, 1, 2, 2, -1, -2});
  // numpy array[0:4, 1:4, 0:4:2, 1:4:2, 3:0:-1, 3:0:-2]
  EXPECT_EQ(out.shape(), (Shape{4, 3, 2, 2, 3, 2}));
  EXPECT_EQ(values<float>(strided_slice(iota_tensor({10}), {8}, {1}, {-3})), (std::vector<float>{8, 5, 2}));
  EXPECT_EQ(values<float>(strided_slice(iota_tensor({4}), {-1}, {-5}, {-1})),
            (std::vector<float>{3, 2, 1, 0}));
  // Out-of-range values clamp: [2,3][5:9] is empty, [-9:2] is [0,1]
  EXPECT_EQ(strided_slice(iota_tensor({3}), {5}, {9}, {1}).shape(), (Shape{0}));
  EXPECT_EQ(values<float>(strided_slice(iota_tensor({3}), {-9}, {2}, {1})), (std::vector<float>{0, 1}));
  // Negative end: array[0:2, 0:2, 0:-1] on [2,3,4]
  EXPECT_EQ(strided_slice(iota_tensor({2, 3, 4}), {0, 0, 0}, {2, 2, -1}, {1, 1, 1}).shape(),
            (Shape{2, 2, 3}));
}

TEST(IndexOps, StridedSliceBeginEndMasks) {
  // array[1:, :, ::-1] on [2,3,4]
  Tensor out = strided_slice(iota_tensor({2, 3, 4}), {1, 1, 123}, {0, 0, 2}, {1, 1, -1},
                             {.begin = "0,1,1", .end = "1,1,1"});
  EXPECT_EQ(out.shape(), (Shape{1, 3, 4}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{15, 14, 13, 12, 19, 18, 17, 16, 23, 22, 21, 20}));
}

TEST(IndexOps, StridedSliceNewAxisShrinkEllipsis) {
  // array[np.newaxis, 0:2, np.newaxis, 0:4] on [2,4]
  Tensor out = strided_slice(iota_tensor({2, 4}), {1234, 0, -1, 0}, {1234, 2, 9876, 4}, {132, 1, 241, 1},
                             {.new_axis = "1,0,1,0"});
  EXPECT_EQ(out.shape(), (Shape{1, 2, 1, 4}));
  EXPECT_EQ(values<float>(out), iota_f(8));
  // array[0:1, 1, :] on [1,2,3]
  out = strided_slice(iota_tensor({1, 2, 3}), {0, 1, 0}, {1, 2, 3}, {1, 1, 1}, {.shrink = "0,1,0"});
  EXPECT_EQ(out.shape(), (Shape{1, 3}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{3, 4, 5}));
  // array[0:1, ..., 1:3] on [2,3,4,5]
  out = strided_slice(iota_tensor({2, 3, 4, 5}), {0, 0, 1}, {1, 0, 3}, {1, -1, 1}, {.ellipsis = "0,1,0"});
  EXPECT_EQ(out.shape(), (Shape{1, 3, 4, 2}));
  // array[1:, ..., np.newaxis, :2] on [3,4,5]: masks of unequal length
  out = strided_slice(iota_tensor({3, 4, 5}), {1, 0, 0, 0}, {0, 0, 0, 2}, {1, 1, 1, 1},
                      {.begin = "0,0,1,1", .end = "1,1,0,0", .new_axis = "0,0,1", .ellipsis = "0,1"});
  EXPECT_EQ(out.shape(), (Shape{2, 4, 1, 2}));
  // Shrink with a negative begin picks from the end.
  out = strided_slice(iota_tensor({3, 2}), {-1}, {0}, {1}, {.shrink = "1"});
  EXPECT_EQ(values<float>(out), (std::vector<float>{4, 5}));
}

TEST(IndexOps, StridedSliceErrors) {
  expect_error([] { strided_slice(iota_tensor({3}), {0}, {3}, {0}); }, {"zero"});
  expect_error([] { strided_slice(iota_tensor({3}), {3}, {4}, {1}, {.shrink = "1"}); }, {"out of range"});
  expect_error(
      [] {
        strided_slice(iota_tensor({3}), {0, 0}, {1, 1}, {1, 1});
      },
      {"more dimensions than the input rank"});
  expect_error(
      [] {
        strided_slice(iota_tensor({3, 3}), {0, 0}, {1, 1}, {1, 1}, {.ellipsis = "1,1"});
      },
      {"ellipsis_mask"});
}

TEST(IndexOps, StridedSliceInferPartial) {
  // The BERT pooler's hidden[:, 0, :]
  auto port = OpTest("StridedSlice")
                  .attr("begin_mask", "1,0,1")
                  .attr("end_mask", "1,0,1")
                  .attr("shrink_axis_mask", "0,1,0")
                  .param(ElementType::f32, {-1, -1, 768})
                  .input(vec_i64({0, 0, 0}))
                  .input(vec_i64({0, 1, 0}))
                  .input(vec_i64({1, 1, 1}))
                  .infer1();
  EXPECT_EQ(port.shape, (PartialShape{-1, 768}));
  port = OpTest("StridedSlice")
             .attr("begin_mask", "0")
             .attr("end_mask", "0")
             .attr("new_axis_mask", "1")
             .param(ElementType::f32, {4, 5})
             .param(ElementType::i64, {2})
             .param(ElementType::i64, {2})
             .infer1();
  EXPECT_EQ(port.shape, (PartialShape{1, -1, 5}));
}

// ---- Slice ----

TEST(IndexOps, Slice) {
  auto run = [](Tensor data, std::vector<int64_t> start, std::vector<int64_t> stop, std::vector<int64_t> step,
                std::optional<std::vector<int64_t>> axes = std::nullopt) {
    OpTest t("Slice", 8);
    t.input(std::move(data)).input(vec_i64(start)).input(vec_i64(stop)).input(vec_i64(step));
    if (axes) t.input(vec_i64(*axes));
    return t.eval1();
  };
  EXPECT_EQ(values<float>(run(iota_tensor({10}), {1}, {8}, {3})), (std::vector<float>{1, 4, 7}));
  int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(values<float>(run(iota_tensor({4}), {-1}, {lo}, {-1})), (std::vector<float>{3, 2, 1, 0}));
  EXPECT_EQ(values<float>(run(iota_tensor({4}), {0}, {hi}, {hi})), (std::vector<float>{0}));
  Tensor out = run(iota_tensor({2, 4}), {1}, {hi}, {2}, std::vector<int64_t>{-1});
  EXPECT_EQ(out.shape(), (Shape{2, 2}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{1, 3, 5, 7}));
  out = run(iota_tensor({2, 4}), {3, 1}, {0, 2}, {-2, 1}, std::vector<int64_t>{1, 0});
  EXPECT_EQ(out.shape(), (Shape{1, 2}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{7, 5}));
  expect_error([&] { run(iota_tensor({4}), {0}, {4}, {0}); }, {"zero"});
  expect_error(
      [&] {
        run(iota_tensor({4}), {0, 0}, {4, 4}, {1, 1}, std::vector<int64_t>{0, 0});
      },
      {"repeated"});
  auto port = OpTest("Slice", 8)
                  .param(ElementType::f32, {-1, 10})
                  .input(vec_i64({2}))
                  .input(vec_i64({-2}))
                  .input(vec_i64({1}))
                  .input(vec_i64({1}))
                  .infer1();
  EXPECT_EQ(port.shape, (PartialShape{-1, 6}));
}

// ---- Range ----

TEST(IndexOps, RangeSpecExamples) {
  auto v4 = [](Tensor a, Tensor b, Tensor c, const std::string& type) {
    return OpTest("Range", 4).attr("output_type", type).input(a).input(b).input(c).eval1();
  };
  EXPECT_EQ(values<int32_t>(v4(i32({}, {2}), i32({}, {23}), i32({}, {3}), "i32")),
            (std::vector<int32_t>{2, 5, 8, 11, 14, 17, 20}));
  EXPECT_EQ(values<int32_t>(v4(i32({}, {23}), i32({}, {2}), i32({}, {-3}), "i32")),
            (std::vector<int32_t>{23, 20, 17, 14, 11, 8, 5}));
  EXPECT_EQ(values<float>(v4(f32({}, {1}), f32({}, {2.5f}), f32({}, {0.5f}), "f32")),
            (std::vector<float>{1, 1.5f, 2}));
  // Integer output: values are cast toward zero first, so 0.5..3.9 step 1.2 becomes 0..3 step 1.
  EXPECT_EQ(values<int64_t>(v4(f32({}, {0.5f}), f32({}, {3.9f}), f32({}, {1.2f}), "i64")),
            (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(v4(i64({}, {5}), i64({}, {2}), i64({}, {1}), "i64").shape(), (Shape{0}));
  expect_error([&] { v4(i64({}, {0}), i64({}, {5}), i64({}, {0}), "i64"); }, {"step must not be zero"});
  expect_error([&] { v4(f32({}, {0}), f32({}, {5}), f32({}, {0.5f}), "i32"); }, {"step must not be zero"});
  Tensor v1 = OpTest("Range").input(i64({}, {0})).input(i64({}, {4})).input(i64({}, {1})).eval1();
  EXPECT_EQ(values<int64_t>(v1), (std::vector<int64_t>{0, 1, 2, 3}));
  expect_error([] { OpTest("Range").input(i64({}, {0})).input(i32({}, {4})).input(i64({}, {1})).eval1(); },
               {"share one type"});
  expect_error([&] { v4(f32({}, {0}), f32({}, {1e30f}), f32({}, {1e-30f}), "f32"); }, {"elements"});
}

TEST(IndexOps, RangeInfer) {
  auto port = OpTest("Range", 4)
                  .attr("output_type", "i64")
                  .input(i64({}, {0}))
                  .input(i64({}, {10}))
                  .input(i64({}, {3}))
                  .infer1();
  EXPECT_EQ(port.shape, (PartialShape{4}));
  EXPECT_EQ(port.type, ElementType::i64);
  port = OpTest("Range", 4)
             .attr("output_type", "i32")
             .input(i64({}, {0}))
             .param(ElementType::i64, {})
             .input(i64({}, {1}))
             .infer1();
  EXPECT_EQ(port.shape, (PartialShape{-1}));
  EXPECT_EQ(port.type, ElementType::i32);
}

// ---- Scatter ----

TEST(IndexOps, ScatterUpdate) {
  Tensor out = OpTest("ScatterUpdate", 3)
                   .input(f32({3, 2}, {0, 0, 0, 0, 0, 0}))
                   .input(i64({2}, {2, 0}))
                   .input(f32({2, 2}, {1, 2, 3, 4}))
                   .input(scalar_i64(0))
                   .eval1();
  EXPECT_EQ(values<float>(out), (std::vector<float>{3, 4, 0, 0, 1, 2}));
  out = OpTest("ScatterUpdate", 3)
            .input(f32({2, 3}, {0, 0, 0, 0, 0, 0}))
            .input(i64({1, 2}, {-1, 0}))
            .input(f32({2, 1, 2}, {1, 2, 3, 4}))
            .input(scalar_i64(1))
            .eval1();
  EXPECT_EQ(values<float>(out), (std::vector<float>{2, 0, 1, 4, 0, 3}));
  expect_error(
      [] {
        OpTest("ScatterUpdate", 3)
            .input(f32({3}, {0, 0, 0}))
            .input(i64({1}, {3}))
            .input(f32({1}, {1}))
            .input(scalar_i64(0))
            .eval1();
      },
      {"index 3", "out of range"});
  expect_error(
      [] {
        OpTest("ScatterUpdate", 3)
            .input(f32({3}, {0, 0, 0}))
            .input(i64({2}, {0, 1}))
            .input(f32({1}, {1}))
            .input(scalar_i64(0))
            .eval1();
      },
      {"updates", "expected [2]"});
}

Tensor scatter_elements(int version, Tensor data, Tensor indices, Tensor updates, int64_t axis,
                        const std::string& reduction = "none", const std::string& use_init = "true") {
  return OpTest("ScatterElementsUpdate", version)
      .attr("reduction", reduction)
      .attr("use_init_val", use_init)
      .input(std::move(data))
      .input(std::move(indices))
      .input(std::move(updates))
      .input(i64({1}, {axis}))
      .eval1();
}

TEST(IndexOps, ScatterElementsUpdateSpecExamples) {
  Tensor data = f32({4}, {2, 3, 4, 6});
  Tensor updates = f32({6}, {10, 20, 30, 40, 70, 60});
  EXPECT_EQ(values<float>(scatter_elements(12, data, i64({6}, {1, 0, 0, -2, -1, 2}), updates, 0, "sum")),
            (std::vector<float>{52, 13, 104, 76}));
  EXPECT_EQ(
      values<float>(scatter_elements(12, data, i64({6}, {1, 0, 0, 2, 3, 2}), updates, 0, "sum", "false")),
      (std::vector<float>{50, 10, 100, 70}));
  Tensor idx = i64({2, 2}, {1, 2, 0, 3});
  Tensor upd = i32({2, 2}, {11, 12, 13, 14});
  EXPECT_EQ(values<int32_t>(scatter_elements(3, i32({3, 4}, std::vector<int32_t>(12, 0)), idx, upd, 1)),
            (std::vector<int32_t>{0, 11, 12, 0, 13, 0, 0, 14, 0, 0, 0, 0}));
  Tensor idx2 = i64({2, 2}, {1, 1, 0, 3});
  EXPECT_EQ(
      values<int32_t>(scatter_elements(12, i32({3, 4}, std::vector<int32_t>(12, 1)), idx2, upd, 1, "sum")),
      (std::vector<int32_t>{1, 24, 1, 1, 14, 1, 1, 15, 1, 1, 1, 1}));
  EXPECT_EQ(
      values<int32_t>(scatter_elements(12, i32({3, 4}, std::vector<int32_t>(12, 2)), idx2, upd, 1, "prod")),
      (std::vector<int32_t>{2, 264, 2, 2, 26, 2, 2, 28, 2, 2, 2, 2}));
}

TEST(IndexOps, ScatterElementsUpdateReductions) {
  Tensor data = f32({3}, {5, 5, 5});
  Tensor idx = i64({3}, {0, 0, 2});
  Tensor upd = f32({3}, {1, 8, 2});
  EXPECT_EQ(values<float>(scatter_elements(12, data, idx, upd, 0, "max")), (std::vector<float>{8, 5, 5}));
  EXPECT_EQ(values<float>(scatter_elements(12, data, idx, upd, 0, "min")), (std::vector<float>{1, 5, 2}));
  EXPECT_EQ(values<float>(scatter_elements(12, data, idx, upd, 0, "mean")),
            (std::vector<float>{14.0f / 3, 5, 3.5f}));
  EXPECT_EQ(values<float>(scatter_elements(12, data, idx, upd, 0, "mean", "false")),
            (std::vector<float>{4.5f, 5, 2}));
  // Integer mean rounds down: (5 + 1 + 8) / 3 = 4.67 -> 4; (5 + 2) / 2 = 3.5 -> 3
  EXPECT_EQ(values<int32_t>(scatter_elements(12, i32({3}, {5, 5, 5}), idx, i32({3}, {1, 8, 2}), 0, "mean")),
            (std::vector<int32_t>{4, 5, 3}));
  expect_error([&] { scatter_elements(12, data, i64({3}, {0, 3, 0}), upd, 0); }, {"index 3", "out of range"});
  expect_error([&] { scatter_elements(12, data, idx, upd, 0, "avg"); }, {"reduction"});
}

}  // namespace
}  // namespace sparrow::graph::test
