#include <gtest/gtest.h>

#include <cmath>

#include "graph/ops/op_test_util.h"

namespace sparrow::graph::test {
namespace {

Tensor quantize(Tensor x, float low, float high, int levels) {
  return OpTest("Quantize")
      .attr("input_low", std::to_string(low))
      .attr("input_high", std::to_string(high))
      .attr("levels", std::to_string(levels))
      .input(std::move(x))
      .eval1();
}

TEST(QuantizedOps, QuantizeIsFakeQuantizesIntegerStep) {
  // [0, 2.55] in 256 levels: step 0.01; ends saturate, x == low is level 0, halves round to even.
  Tensor x = f32({6}, {-1.0f, 0.0f, 2.55f, 3.0f, 0.5f, 1.0f});
  EXPECT_EQ(values<uint8_t>(quantize(x, 0.0f, 2.55f, 256)), (std::vector<uint8_t>{0, 0, 255, 255, 50, 100}));
  // levels 5 over [0, 4]: exact ties at .5 go to the even level.
  Tensor ties = f32({4}, {0.5f, 1.5f, 2.5f, 3.5f});
  EXPECT_EQ(values<uint8_t>(quantize(ties, 0.0f, 4.0f, 5)), (std::vector<uint8_t>{0, 2, 2, 4}));
  expect_error([&] { quantize(x, 1.0f, 1.0f, 256); }, {"input_low", "input_high"});
  expect_error([&] { quantize(x, 0.0f, 1.0f, 300); }, {"levels", "[2, 256]"});
}

TEST(QuantizedOps, QuantizedMatMulSumsExactlyThenAppliesAlphaBeta) {
  // src [2, 3] u8, wei [2, 3] i8: acc = src . wei^T.
  Tensor src = make<uint8_t>({2, 3}, {255, 0, 1, 10, 20, 30});
  Tensor wei = make<int8_t>({2, 3}, {-128, 127, 1, 2, -3, 4});
  Tensor alpha = f32({2}, {0.5f, 0.25f});
  Tensor beta = f32({2}, {1.0f, -2.0f});
  Tensor out = OpTest("QuantizedMatMul").input(src).input(wei).input(alpha).input(beta).eval1();
  ASSERT_EQ(out.shape(), (Shape{2, 2}));
  const int acc[2][2] = {{255 * -128 + 1, 255 * 2 + 4}, {10 * -128 + 20 * 127 + 30, 20 - 60 + 120}};
  const float a[2] = {0.5f, 0.25f}, b[2] = {1.0f, -2.0f};
  for (int m = 0; m < 2; ++m)
    for (int n = 0; n < 2; ++n)
      EXPECT_EQ(values<float>(out)[m * 2 + n], std::fma(static_cast<float>(acc[m][n]), a[n], b[n]));
}

TEST(QuantizedOps, QuantizedMatMulKeepsLeadingDimsAndChecksShapes) {
  OpTest t("QuantizedMatMul");
  t.param(ElementType::u8, PartialShape{-1, -1, 3})
      .input(make<int8_t>({4, 3}, std::vector<int8_t>(12, 1)))
      .input(f32({4}, {1, 1, 1, 1}))
      .input(f32({4}, {0, 0, 0, 0}));
  EXPECT_EQ(t.infer1().shape.to_string(), "[?,?,4]");
  OpTest bad("QuantizedMatMul");
  bad.param(ElementType::u8, PartialShape{2, 5})
      .input(make<int8_t>({4, 3}, std::vector<int8_t>(12, 1)))
      .input(f32({4}, {1, 1, 1, 1}))
      .input(f32({4}, {0, 0, 0, 0}));
  expect_error([&] { bad.infer(); }, {"K = 3"});
}

TEST(QuantizedOps, IrFilesCannotNameInternalOps) {
  expect_error([] { OpRegistry::instance().resolve_version("QuantizedMatMul", "opset8"); },
               {"unsupported op type QuantizedMatMul"});
  EXPECT_EQ(OpRegistry::instance().resolve_version("Quantize", "sparrow"), 1);
}

}  // namespace
}  // namespace sparrow::graph::test
