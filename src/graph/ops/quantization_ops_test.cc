#include <gtest/gtest.h>

#include "graph/ops/op_test_util.h"

namespace sparrow::graph::test {
namespace {

Tensor fq(int levels, Tensor x, Tensor il, Tensor ih, Tensor ol, Tensor oh) {
  return OpTest("FakeQuantize")
      .attr("levels", std::to_string(levels))
      .input(std::move(x))
      .input(std::move(il))
      .input(std::move(ih))
      .input(std::move(ol))
      .input(std::move(oh))
      .eval1();
}

Tensor s(float v) {
  return f32({}, {v});
}

TEST(QuantizationOps, FakeQuantizeRoundsHalfToEven) {
  // levels 5 over [0,4]: (x - 0) / 4 * 4 is exact, so .5 values are true ties.
  Tensor x = f32({4}, {0.5f, 1.5f, 2.5f, 3.5f});
  EXPECT_EQ(values<float>(fq(5, x, s(0), s(4), s(0), s(4))), (std::vector<float>{0, 2, 2, 4}));
  // The same levels mapped to [-1, 1]: q / 4 * 2 - 1.
  EXPECT_EQ(values<float>(fq(5, x, s(0), s(4), s(-1), s(1))), (std::vector<float>{-1, 0, 0, 1}));
}

TEST(QuantizationOps, FakeQuantizeRangeEnds) {
  // x <= min(il, ih) -> ol (x == il included); x > max(il, ih) -> oh; x == ih goes through the formula.
  Tensor x = f32({5}, {-1, 0, 4, 5, 1e30f});
  EXPECT_EQ(values<float>(fq(5, x, s(0), s(4), s(10), s(20))), (std::vector<float>{10, 10, 20, 20, 20}));
}

TEST(QuantizationOps, FakeQuantizeInvertedInputRange) {
  // il > ih: values outside [ih, il] saturate by the min/max rule; inside, (x - il) / (ih - il) runs
  // backwards.
  Tensor x = f32({5}, {-1, 0.5f, 1.5f, 4, 5});
  EXPECT_EQ(values<float>(fq(5, x, s(4), s(0), s(0), s(4))), (std::vector<float>{0, 4, 2, 0, 4}));
}

TEST(QuantizationOps, FakeQuantizeBroadcastsRanges) {
  // Per-channel input ranges [1,2,1] on x [1,2,2]; scalar output range.
  Tensor x = f32({1, 2, 2}, {1, 3, 2, 6});
  Tensor il = f32({1, 2, 1}, {0, 0}), ih = f32({1, 2, 1}, {4, 8});
  EXPECT_EQ(values<float>(fq(5, x, il, ih, s(0), s(8))), (std::vector<float>{2, 6, 2, 6}));
  // Lower-rank range shapes align to the right: [2,1] against [1,2,2].
  Tensor il2 = f32({2, 1}, {0, 0}), ih2 = f32({2, 1}, {4, 8});
  EXPECT_EQ(values<float>(fq(5, x, il2, ih2, s(0), s(8))), (std::vector<float>{2, 6, 2, 6}));
  // Per-channel output ranges.
  Tensor ol = f32({1, 2, 1}, {0, 100}), oh = f32({1, 2, 1}, {4, 108});
  EXPECT_EQ(values<float>(fq(5, x, s(0), s(4), ol, oh)), (std::vector<float>{1, 3, 104, 108}));
}

TEST(QuantizationOps, FakeQuantizeErrors) {
  Tensor x = f32({1, 2, 2}, {1, 3, 2, 6});
  expect_error([&] { fq(1, x, s(0), s(4), s(0), s(4)); }, {"levels", "at least 2"});
  expect_error([&] { fq(5, x, f32({3}, {0, 0, 0}), s(4), s(0), s(4)); }, {"broadcast"});
  expect_error([&] { fq(5, f32({2}, {0, 1}), f32({2, 2}, {0, 0, 0, 0}), s(4), s(0), s(4)); }, {"broadcast"});
  expect_error(
      [] {
        OpTest("FakeQuantize")
            .attr("levels", "256")
            .param(ElementType::f32, {1, 4})
            .param(ElementType::f32, {1, 8})
            .param(ElementType::f32, {})
            .param(ElementType::f32, {})
            .param(ElementType::f32, {})
            .infer();
      },
      {"broadcast"});
  expect_error([&] { fq(5, x, make<int32_t>({}, {0}), s(4), s(0), s(4)); }, {"type"});
}

TEST(QuantizationOps, FakeQuantizeInfer) {
  auto port = OpTest("FakeQuantize")
                  .attr("levels", "256")
                  .param(ElementType::f32, {-1, -1, 768})
                  .param(ElementType::f32, {1, 1, 768})
                  .param(ElementType::f32, {1, 1, 768})
                  .param(ElementType::f32, {})
                  .param(ElementType::f32, {})
                  .infer1();
  EXPECT_EQ(port.type, ElementType::f32);
  EXPECT_EQ(port.shape, (PartialShape{-1, -1, 768}));
}

TEST(QuantizationOps, FakeQuantizeHalfPrecision) {
  // f16 [0.5, 1.5, 2.5] with levels 5 over [0, 4]
  Tensor x = make<uint16_t>({3}, {0x3800, 0x3E00, 0x4100}, ElementType::f16);
  auto h = [](uint16_t v) { return make<uint16_t>({}, {v}, ElementType::f16); };
  Tensor out = fq(5, x, h(0x0000), h(0x4400), h(0x0000), h(0x4400));
  EXPECT_EQ(out.element_type(), ElementType::f16);
  EXPECT_EQ(values<uint16_t>(out), (std::vector<uint16_t>{0x0000, 0x4000, 0x4000}));  // 0, 2, 2
}

}  // namespace
}  // namespace sparrow::graph::test
