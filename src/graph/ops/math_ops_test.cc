#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "graph/ops/op_test_util.h"

namespace sparrow::graph::test {
namespace {

Tensor matmul(Tensor a, Tensor b, bool ta = false, bool tb = false) {
  return OpTest("MatMul")
      .attr("transpose_a", ta ? "true" : "false")
      .attr("transpose_b", tb ? "true" : "false")
      .input(std::move(a))
      .input(std::move(b))
      .eval1();
}

// ---- MatMul ----

TEST(MathOps, MatMulPlainAndTransposed) {
  Tensor a = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = f32({3, 2}, {7, 8, 9, 10, 11, 12});
  std::vector<float> expected = {58, 64, 139, 154};
  EXPECT_EQ(values<float>(matmul(a, b)), expected);
  Tensor at = f32({3, 2}, {1, 4, 2, 5, 3, 6});
  Tensor bt = f32({2, 3}, {7, 9, 11, 8, 10, 12});
  EXPECT_EQ(values<float>(matmul(at, b, true, false)), expected);
  EXPECT_EQ(values<float>(matmul(a, bt, false, true)), expected);
  EXPECT_EQ(values<float>(matmul(at, bt, true, true)), expected);
}

TEST(MathOps, MatMulVectors) {
  Tensor a = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor v = f32({3}, {1, 0, -1});
  Tensor out = matmul(a, v);  // [2,3] x [3] -> [2]
  EXPECT_EQ(out.shape(), (Shape{2}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{-2, -2}));
  out = matmul(f32({2}, {1, 1}), a);  // [2] x [2,3] -> [3]
  EXPECT_EQ(out.shape(), (Shape{3}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{5, 7, 9}));
  out = matmul(v, v, true, true);  // transposes are ignored for 1-D operands; [3] x [3] -> scalar
  EXPECT_EQ(out.shape(), (Shape{}));
  EXPECT_EQ(values<float>(out), std::vector<float>{2});
}

TEST(MathOps, MatMulBatchBroadcast) {
  // a [2,1,2,2] x b [3,2,2] -> [2,3,2,2]; out[i][j] = a[i][0] x b[j]
  Tensor a = iota_tensor({2, 1, 2, 2});
  Tensor b = iota_tensor({3, 2, 2});
  Tensor out = matmul(a, b);
  EXPECT_EQ(out.shape(), (Shape{2, 3, 2, 2}));
  auto o = values<float>(out);
  auto av = iota_f(8), bv = iota_f(12);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 2; ++c) {
          float s = 0;
          for (int k = 0; k < 2; ++k) s += av[i * 4 + r * 2 + k] * bv[j * 4 + k * 2 + c];
          EXPECT_EQ(o[((i * 3 + j) * 2 + r) * 2 + c], s);
        }
  // Rank-2 weights against a batch: [2,2,3] x [3,1]
  out = matmul(iota_tensor({2, 2, 3}), f32({3, 1}, {1, 1, 1}));
  EXPECT_EQ(out.shape(), (Shape{2, 2, 1}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{3, 12, 21, 30}));
}

TEST(MathOps, MatMulErrorsAndInfer) {
  expect_error([] { matmul(iota_tensor({2, 3}), iota_tensor({2, 3})); }, {"inner dimensions", "K = 3 vs 2"});
  expect_error([] { matmul(iota_tensor({2, 2, 3}), iota_tensor({3, 3, 1})); }, {"cannot be broadcast"});
  auto port = OpTest("MatMul")
                  .attr("transpose_b", "true")
                  .param(ElementType::f32, {-1, -1, 768})
                  .param(ElementType::f32, {3072, 768})
                  .infer1();
  EXPECT_EQ(port.shape, (PartialShape{-1, -1, 3072}));
  port = OpTest("MatMul")
             .param(ElementType::f32, {1, 12, -1, 64})
             .param(ElementType::f32, {1, 12, 64, -1})
             .infer1();
  EXPECT_EQ(port.shape, (PartialShape{1, 12, -1, -1}));
  expect_error(
      [] {
        OpTest("MatMul").param(ElementType::f32, {4, 5}).param(ElementType::f32, {4, 5}).infer();
      },
      {"inner dimensions"});
}

TEST(MathOps, MatMulIntegers) {
  Tensor out = OpTest("MatMul").input(i32({1, 2}, {-3, 4})).input(i32({2, 1}, {5, 6})).eval1();
  EXPECT_EQ(values<int32_t>(out), std::vector<int32_t>{9});
}

TEST(MathOps, MatMulMatchesDoubleReference) {
  std::mt19937 rng(1234);  // fixed seed: replayable
  std::uniform_real_distribution<float> dist(-1, 1);
  const int M = 7, K = 33, N = 17;
  std::vector<float> a(M * K), b(K * N);
  for (float& x : a) x = dist(rng);
  for (float& x : b) x = dist(rng);
  auto out = values<float>(matmul(f32({M, K}, a), f32({K, N}, b)));
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double s = 0;
      for (int k = 0; k < K; ++k) s += static_cast<double>(a[i * K + k]) * b[k * N + j];
      // Double accumulation rounded once: equal to the rounded exact sum.
      EXPECT_EQ(out[i * N + j], static_cast<float>(s));
    }
}

// Speed is measured in bench/, never asserted here; this checks a BERT-sized product end to end.
TEST(MathOps, MatMulBertSized) {
  const int M = 64, K = 768, N = 3072;
  std::vector<float> a(M * K, 0.5f), b(K * N, 0.25f);
  Tensor out = matmul(f32({M, K}, a), f32({K, N}, b));
  std::vector<float> v = values<float>(out);
  ASSERT_EQ(v.size(), size_t{M} * N);
  for (float x : v) ASSERT_EQ(x, 96.0f);
}

// ---- SoftMax ----

TEST(MathOps, SoftMaxValues) {
  Tensor out = OpTest("SoftMax").attr("axis", "1").input(f32({2, 3}, {0, 1, 2, 0, 0, 0})).eval1();
  auto o = values<float>(out);
  double e0 = 1, e1 = std::exp(1.0), e2 = std::exp(2.0), s = e0 + e1 + e2;
  EXPECT_FLOAT_EQ(o[0], e0 / s);
  EXPECT_FLOAT_EQ(o[1], e1 / s);
  EXPECT_FLOAT_EQ(o[2], e2 / s);
  EXPECT_FLOAT_EQ(o[3], 1.0f / 3);
  out = OpTest("SoftMax").attr("axis", "0").input(f32({2, 2}, {0, 5, 0, 5})).eval1();
  EXPECT_EQ(values<float>(out), (std::vector<float>{0.5f, 0.5f, 0.5f, 0.5f}));
}

TEST(MathOps, SoftMaxLargeNumbersAreStable) {
  auto big =
      values<float>(OpTest("SoftMax", 8).attr("axis", "-1").input(f32({3}, {1000, 1001, 1002})).eval1());
  auto small = values<float>(OpTest("SoftMax", 8).attr("axis", "-1").input(f32({3}, {0, 1, 2})).eval1());
  EXPECT_EQ(big, small);
  auto neg = values<float>(OpTest("SoftMax", 8).attr("axis", "0").input(f32({2}, {-1e30f, 0})).eval1());
  EXPECT_EQ(neg, (std::vector<float>{0, 1}));
}

TEST(MathOps, SoftMaxAxisRules) {
  expect_error(
      [] {
        OpTest("SoftMax", 1).attr("axis", "-1").input(f32({3}, {0, 1, 2})).eval1();
      },
      {"SoftMax-1", "axis"});
  expect_error(
      [] {
        OpTest("SoftMax", 8).attr("axis", "2").input(f32({3}, {0, 1, 2})).eval1();
      },
      {"out of range"});
  expect_error([] { OpTest("SoftMax", 8).attr("axis", "0").param(ElementType::i32, {3}).infer(); },
               {"floating-point"});
}

TEST(MathOps, LogSoftmax) {
  auto o = values<float>(OpTest("LogSoftmax", 5).attr("axis", "-1").input(f32({2}, {1000, 1000})).eval1());
  EXPECT_FLOAT_EQ(o[0], static_cast<float>(-std::log(2.0)));
  EXPECT_FLOAT_EQ(o[1], static_cast<float>(-std::log(2.0)));
}

// ---- MVN ----

Tensor mvn6(Tensor x, std::vector<int64_t> axes, const std::string& eps, const std::string& mode,
            bool normalize = true) {
  return OpTest("MVN", 6)
      .attr("eps", eps)
      .attr("eps_mode", mode)
      .attr("normalize_variance", normalize ? "true" : "false")
      .input(std::move(x))
      .input(vec_i64(axes))
      .eval1();
}

TEST(MathOps, MvnEpsModes) {
  Tensor x = f32({1, 4}, {1, 2, 3, 4});  // mean 2.5, variance 1.25
  auto inside = values<float>(mvn6(x, {1}, "0.75", "inside_sqrt"));
  auto outside = values<float>(mvn6(x, {-1}, "0.75", "outside_sqrt"));
  double d_in = std::sqrt(1.25 + 0.75), d_out = std::sqrt(1.25) + 0.75;
  for (int i = 0; i < 4; ++i) {
    EXPECT_FLOAT_EQ(inside[i], static_cast<float>((i + 1 - 2.5) / d_in));
    EXPECT_FLOAT_EQ(outside[i], static_cast<float>((i + 1 - 2.5) / d_out));
  }
  EXPECT_EQ(values<float>(mvn6(x, {1}, "1e-9", "INSIDE_SQRT", false)),
            (std::vector<float>{-1.5f, -0.5f, 0.5f, 1.5f}));
  expect_error([&] { mvn6(x, {1}, "1e-9", "around_sqrt"); }, {"eps_mode"});
  expect_error([&] { mvn6(x, {2}, "1e-9", "inside_sqrt"); }, {"out of range"});
}

TEST(MathOps, MvnPerRowLikeLayerNorm) {
  Tensor x = f32({2, 2}, {0, 2, 10, 30});
  auto o = values<float>(mvn6(x, {1}, "0", "inside_sqrt"));
  EXPECT_EQ(o, (std::vector<float>{-1, 1, -1, 1}));
  o = values<float>(mvn6(x, {0, 1}, "0", "inside_sqrt"));
  double mean = 10.5, var = (10.5 * 10.5 + 8.5 * 8.5 + 0.5 * 0.5 + 19.5 * 19.5) / 4;
  EXPECT_FLOAT_EQ(o[3], static_cast<float>(19.5 / std::sqrt(var)));
  EXPECT_FLOAT_EQ(o[0], static_cast<float>(-mean / std::sqrt(var)));
}

TEST(MathOps, Mvn1AcrossChannelsAndReductionAxes) {
  Tensor x = f32({1, 2, 2}, {1, 3, 10, 20});
  auto per_channel = values<float>(OpTest("MVN", 1)
                                       .attr("across_channels", "false")
                                       .attr("normalize_variance", "false")
                                       .attr("eps", "1e-9")
                                       .input(x)
                                       .eval1());
  EXPECT_EQ(per_channel, (std::vector<float>{-1, 1, -5, 5}));
  auto across = values<float>(OpTest("MVN", 1)
                                  .attr("across_channels", "true")
                                  .attr("normalize_variance", "false")
                                  .attr("eps", "1e-9")
                                  .input(x)
                                  .eval1());
  EXPECT_EQ(across, (std::vector<float>{-7.5f, -5.5f, 1.5f, 11.5f}));
  auto axes = values<float>(OpTest("MVN", 1)
                                .attr("reduction_axes", "1")
                                .attr("normalize_variance", "true")
                                .attr("eps", "0.5")
                                .input(x)
                                .eval1());
  // Over axis 1: pairs (1,10) and (3,20); MVN-1 adds eps inside the square root.
  EXPECT_FLOAT_EQ(axes[0], static_cast<float>(-4.5 / std::sqrt(4.5 * 4.5 + 0.5)));
  EXPECT_FLOAT_EQ(axes[3], static_cast<float>(8.5 / std::sqrt(8.5 * 8.5 + 0.5)));
}

// ---- Reduce* ----

Tensor reduce(const std::string& op, Tensor x, std::vector<int64_t> axes, bool keep_dims = false) {
  return OpTest(op)
      .attr("keep_dims", keep_dims ? "true" : "false")
      .input(std::move(x))
      .input(vec_i64(axes))
      .eval1();
}

TEST(MathOps, ReduceFamily) {
  Tensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(values<float>(reduce("ReduceSum", x, {1})), (std::vector<float>{6, 15}));
  EXPECT_EQ(reduce("ReduceSum", x, {1}, true).shape(), (Shape{2, 1}));
  EXPECT_EQ(values<float>(reduce("ReduceSum", x, {0, -1})), std::vector<float>{21});
  EXPECT_EQ(reduce("ReduceSum", x, {0, 1}).shape(), (Shape{}));
  EXPECT_EQ(values<float>(reduce("ReduceMean", x, {0})), (std::vector<float>{2.5f, 3.5f, 4.5f}));
  EXPECT_EQ(values<float>(reduce("ReduceMax", x, {-1})), (std::vector<float>{3, 6}));
  EXPECT_EQ(values<float>(reduce("ReduceMin", x, {1})), (std::vector<float>{1, 4}));
  EXPECT_EQ(values<float>(reduce("ReduceProd", x, {1})), (std::vector<float>{6, 120}));
  Tensor same = reduce("ReduceSum", x, {});
  EXPECT_EQ(same.shape(), (Shape{2, 3}));
  EXPECT_EQ(values<float>(same), values<float>(x));
  Tensor scalar_axis = OpTest("ReduceMax").input(x).input(scalar_i64(0)).eval1();
  EXPECT_EQ(values<float>(scalar_axis), (std::vector<float>{4, 5, 6}));
  EXPECT_EQ(values<int64_t>(reduce("ReduceMean", i64({3}, {1, 2, 4}), {0})), std::vector<int64_t>{2});
  EXPECT_EQ(values<int32_t>(reduce("ReduceSum", i32({3}, {1, 2, 4}), {0})), std::vector<int32_t>{7});
  expect_error([&] { reduce("ReduceSum", x, {2}); }, {"out of range"});
  expect_error([] { reduce("ReduceMax", f32({0, 2}, {}), {0}); }, {"empty"});
}

TEST(MathOps, ReduceInferPartial) {
  auto port = OpTest("ReduceMean")
                  .attr("keep_dims", "true")
                  .param(ElementType::f32, {-1, -1, 768})
                  .input(vec_i64({-1}))
                  .infer1();
  EXPECT_EQ(port.shape, (PartialShape{-1, -1, 1}));
  port = OpTest("ReduceMean").param(ElementType::f32, {-1, 4, 768}).input(vec_i64({1})).infer1();
  EXPECT_EQ(port.shape, (PartialShape{-1, 768}));
  port = OpTest("ReduceSum").param(ElementType::f32, {2, 3}).param(ElementType::i64, {1}).infer1();
  EXPECT_TRUE(port.shape.rank_is_dynamic());
}

}  // namespace
}  // namespace sparrow::graph::test
