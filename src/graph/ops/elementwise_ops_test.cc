#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "graph/ops/op_test_util.h"
#include "graph/ops/op_utils.h"

namespace sparrow::graph::test {
namespace {

using ops::bf16_to_f32;
using ops::f16_to_f32;
using ops::f32_to_bf16;
using ops::f32_to_f16;

Tensor binary(const std::string& type, Tensor a, Tensor b, const std::string& broadcast = "numpy") {
  return OpTest(type).attr("auto_broadcast", broadcast).input(std::move(a)).input(std::move(b)).eval1();
}

TEST(ElementwiseOps, AddBroadcastsRowVector) {
  Tensor out = binary("Add", f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({3}, {10, 20, 30}));
  EXPECT_EQ(out.shape(), (Shape{2, 3}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{11, 22, 33, 14, 25, 36}));
}

TEST(ElementwiseOps, ScalarAgainstTensorBothSides) {
  EXPECT_EQ(values<float>(binary("Subtract", f32({}, {10}), f32({3}, {1, 2, 3}))),
            (std::vector<float>{9, 8, 7}));
  EXPECT_EQ(values<float>(binary("Subtract", f32({3}, {1, 2, 3}), f32({}, {10}))),
            (std::vector<float>{-9, -8, -7}));
}

TEST(ElementwiseOps, SizeOneDimsBroadcastBothWays) {
  Tensor out = binary("Multiply", f32({2, 1}, {1, 2}), f32({1, 3}, {1, 10, 100}));
  EXPECT_EQ(out.shape(), (Shape{2, 3}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{1, 10, 100, 2, 20, 200}));
}

TEST(ElementwiseOps, RankMismatchAlignsRight) {
  // [2,1,3] + [2,1] -> [2,2,3]: out[i,j,k] = a[i,0,k] + b[j,0]
  Tensor out = binary("Add", f32({2, 1, 3}, {0, 1, 2, 3, 4, 5}), f32({2, 1}, {10, 20}));
  EXPECT_EQ(out.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{10, 11, 12, 20, 21, 22, 13, 14, 15, 23, 24, 25}));
}

TEST(ElementwiseOps, IncompatibleShapesThrow) {
  expect_error(
      [] {
        binary("Add", f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({2}, {1, 2}));
      },
      {"Add 'op'", "[2,3]", "[2]", "cannot be broadcast"});
  expect_error(
      [] {
        OpTest("Add").param(ElementType::f32, {2, 3}).param(ElementType::f32, {4, 3}).infer();
      },
      {"cannot be broadcast"});
}

TEST(ElementwiseOps, AutoBroadcastNoneNeedsEqualShapes) {
  expect_error(
      [] {
        binary("Add", f32({2, 1}, {1, 2}), f32({2, 2}, {1, 2, 3, 4}), "none");
      },
      {"auto_broadcast is none"});
  EXPECT_EQ(values<float>(binary("Add", f32({2}, {1, 2}), f32({2}, {3, 4}), "none")),
            (std::vector<float>{4, 6}));
}

TEST(ElementwiseOps, InferPartialShapes) {
  auto infer = [](PartialShape a, PartialShape b) {
    return OpTest("Add").param(ElementType::f32, a).param(ElementType::f32, b).infer1().shape;
  };
  EXPECT_EQ(infer({-1, 3}, {1, 3}), (PartialShape{-1, 3}));
  EXPECT_EQ(infer({-1, 3}, {5, 1}), (PartialShape{5, 3}));
  EXPECT_EQ(infer({-1}, {-1}), (PartialShape{-1}));
  EXPECT_EQ(infer({2, -1}, {4}), (PartialShape{2, 4}));
  EXPECT_TRUE(infer(PartialShape::dynamic_rank(), {4}).rank_is_dynamic());
  auto port = OpTest("Less").param(ElementType::i64, {2}).param(ElementType::i64, {}).infer1();
  EXPECT_EQ(port.type, ElementType::boolean);
  EXPECT_EQ(port.shape, (PartialShape{2}));
  expect_error([] { OpTest("Add").param(ElementType::f32, {2}).param(ElementType::i32, {2}).infer(); },
               {"element type i32", "f32"});
}

TEST(ElementwiseOps, IntegerArithmeticWraps) {
  int32_t max = std::numeric_limits<int32_t>::max();
  EXPECT_EQ(values<int32_t>(binary("Add", i32({1}, {max}), i32({1}, {1}))),
            std::vector<int32_t>{std::numeric_limits<int32_t>::min()});
  EXPECT_EQ(values<int32_t>(binary("Multiply", i32({2}, {65536, -3}), i32({2}, {65536, 7}))),
            (std::vector<int32_t>{0, -21}));
}

TEST(ElementwiseOps, IntegerDivideFloorsByDefault) {
  Tensor a = i32({4}, {-7, 7, -7, 7}), b = i32({4}, {2, -2, -2, 2});
  EXPECT_EQ(values<int32_t>(binary("Divide", a, b)), (std::vector<int32_t>{-4, -4, 3, 3}));
  Tensor trunc = OpTest("Divide").attr("m_pythondiv", "false").input(a).input(b).eval1();
  EXPECT_EQ(values<int32_t>(trunc), (std::vector<int32_t>{-3, -3, 3, 3}));
  EXPECT_EQ(values<int64_t>(
                binary("Divide", i64({2}, {-6, std::numeric_limits<int64_t>::min()}), i64({2}, {3, -1}))),
            (std::vector<int64_t>{-2, std::numeric_limits<int64_t>::min()}));
  expect_error([] { binary("Divide", i32({1}, {1}), i32({1}, {0})); }, {"division by zero"});
}

TEST(ElementwiseOps, FloatDivide) {
  auto out = values<float>(binary("Divide", f32({3}, {1, -1, 7}), f32({3}, {0, 0, 2})));
  EXPECT_EQ(out[0], std::numeric_limits<float>::infinity());
  EXPECT_EQ(out[1], -std::numeric_limits<float>::infinity());
  EXPECT_EQ(out[2], 3.5f);
}

TEST(ElementwiseOps, PowerMaxMinSquaredDifference) {
  EXPECT_EQ(values<int64_t>(binary("Power", i64({4}, {2, 2, -1, 3}), i64({4}, {10, -1, -3, 0}))),
            (std::vector<int64_t>{1024, 0, -1, 1}));
  EXPECT_FLOAT_EQ(values<float>(binary("Power", f32({1}, {2}), f32({1}, {0.5f})))[0], std::sqrt(2.0f));
  EXPECT_EQ(values<float>(binary("Maximum", f32({3}, {1, 5, -2}), f32({}, {0}))),
            (std::vector<float>{1, 5, 0}));
  EXPECT_EQ(values<int32_t>(binary("Minimum", i32({3}, {1, 5, -2}), i32({}, {0}))),
            (std::vector<int32_t>{0, 0, -2}));
  EXPECT_EQ(values<float>(binary("SquaredDifference", f32({2}, {1, 5}), f32({2}, {4, 2}))),
            (std::vector<float>{9, 9}));
}

TEST(ElementwiseOps, ComparisonsGiveBooleans) {
  Tensor a = f32({3}, {1, 2, 3}), b = f32({}, {2});
  auto cmp = [&](const std::string& op) {
    Tensor t = binary(op, a, b);
    EXPECT_EQ(t.element_type(), ElementType::boolean);
    return values<uint8_t>(t);
  };
  EXPECT_EQ(cmp("Equal"), (std::vector<uint8_t>{0, 1, 0}));
  EXPECT_EQ(cmp("NotEqual"), (std::vector<uint8_t>{1, 0, 1}));
  EXPECT_EQ(cmp("Less"), (std::vector<uint8_t>{1, 0, 0}));
  EXPECT_EQ(cmp("LessEqual"), (std::vector<uint8_t>{1, 1, 0}));
  EXPECT_EQ(cmp("Greater"), (std::vector<uint8_t>{0, 0, 1}));
  EXPECT_EQ(cmp("GreaterEqual"), (std::vector<uint8_t>{0, 1, 1}));
  EXPECT_EQ(values<uint8_t>(binary("Equal", i64({2}, {5, 6}), i64({2}, {5, 7}))),
            (std::vector<uint8_t>{1, 0}));
}

TEST(ElementwiseOps, LogicalOps) {
  Tensor a = boolean({4}, {0, 0, 1, 1}), b = boolean({4}, {0, 1, 0, 1});
  EXPECT_EQ(values<uint8_t>(binary("LogicalAnd", a, b)), (std::vector<uint8_t>{0, 0, 0, 1}));
  EXPECT_EQ(values<uint8_t>(binary("LogicalOr", a, b)), (std::vector<uint8_t>{0, 1, 1, 1}));
  EXPECT_EQ(values<uint8_t>(OpTest("LogicalNot").input(a).eval1()), (std::vector<uint8_t>{1, 1, 0, 0}));
  expect_error([] { binary("LogicalAnd", f32({1}, {1}), f32({1}, {1})); }, {"expected boolean"});
}

float unary(const std::string& op, float x) {
  return values<float>(OpTest(op).input(f32({}, {x})).eval1())[0];
}

TEST(ElementwiseOps, UnaryMath) {
  EXPECT_FLOAT_EQ(unary("Sqrt", 9), 3);
  EXPECT_FLOAT_EQ(unary("Erf", 0.5f), 0.52049987781304654f);
  EXPECT_FLOAT_EQ(unary("Tanh", 1), 0.76159415595576489f);
  EXPECT_FLOAT_EQ(unary("Exp", 1), 2.7182818284590452f);
  EXPECT_FLOAT_EQ(unary("Log", 1), 0);
  EXPECT_FLOAT_EQ(unary("Abs", -2.5f), 2.5f);
  EXPECT_FLOAT_EQ(unary("Negative", 2.5f), -2.5f);
  EXPECT_FLOAT_EQ(unary("Sigmoid", 0), 0.5f);
  EXPECT_FLOAT_EQ(unary("Relu", -3), 0);
  EXPECT_FLOAT_EQ(unary("Relu", 3), 3);
  EXPECT_FLOAT_EQ(unary("Floor", -1.5f), -2);
  EXPECT_TRUE(std::isnan(unary("Sqrt", -1)));
  // Sigmoid of large negatives must not overflow to NaN.
  EXPECT_FLOAT_EQ(unary("Sigmoid", -1000), 0);
}

TEST(ElementwiseOps, UnaryIntegers) {
  int32_t min = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(values<int32_t>(OpTest("Abs").input(i32({3}, {-5, 5, min})).eval1()),
            (std::vector<int32_t>{5, 5, min}));
  EXPECT_EQ(values<int32_t>(OpTest("Negative").input(i32({2}, {-5, 5})).eval1()),
            (std::vector<int32_t>{5, -5}));
  EXPECT_EQ(values<int32_t>(OpTest("Relu").input(i32({2}, {-5, 5})).eval1()), (std::vector<int32_t>{0, 5}));
  EXPECT_EQ(values<int32_t>(OpTest("Sqrt").input(i32({2}, {16, 8})).eval1()), (std::vector<int32_t>{4, 3}));
}

TEST(ElementwiseOps, GeluModes) {
  Tensor x = f32({3}, {-1, 0, 1});
  auto erf = values<float>(OpTest("Gelu", 7).attr("approximation_mode", "ERF").input(x).eval1());
  EXPECT_FLOAT_EQ(erf[0], -0.15865525393145707f);
  EXPECT_FLOAT_EQ(erf[1], 0);
  EXPECT_FLOAT_EQ(erf[2], 0.84134474606854293f);
  auto v2 = values<float>(OpTest("Gelu", 2).input(x).eval1());
  EXPECT_EQ(v2, erf);
  auto tanh = values<float>(OpTest("Gelu", 7).attr("approximation_mode", "tanh").input(x).eval1());
  EXPECT_FLOAT_EQ(tanh[2], 0.84119199060164f);
  expect_error([&] { OpTest("Gelu", 7).attr("approximation_mode", "fast").input(x).eval1(); },
               {"approximation_mode", "fast"});
}

TEST(ElementwiseOps, ClampFloatAndInteger) {
  Tensor out =
      OpTest("Clamp").attr("min", "-1.5").attr("max", "2.5").input(f32({4}, {-3, 0.5f, 2.5f, 9})).eval1();
  EXPECT_EQ(values<float>(out), (std::vector<float>{-1.5f, 0.5f, 2.5f, 2.5f}));
  // Integers: min rounds up to -1, max rounds down to 2.
  out = OpTest("Clamp").attr("min", "-1.5").attr("max", "2.5").input(i32({4}, {-3, 0, 2, 9})).eval1();
  EXPECT_EQ(values<int32_t>(out), (std::vector<int32_t>{-1, 0, 2, 2}));
  expect_error([] { OpTest("Clamp").attr("min", "3").attr("max", "2").input(f32({1}, {0})).eval1(); },
               {"min"});
}

Tensor convert(Tensor in, const std::string& to) {
  return OpTest("Convert").attr("destination_type", to).input(std::move(in)).eval1();
}

TEST(ElementwiseOps, ConvertFloatToIntegerTruncatesAndSaturates) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor out = convert(f32({6}, {2.7f, -2.7f, 1e10f, -1e10f, nan, 0.5f}), "i32");
  EXPECT_EQ(out.element_type(), ElementType::i32);
  EXPECT_EQ(values<int32_t>(out), (std::vector<int32_t>{2, -2, std::numeric_limits<int32_t>::max(),
                                                        std::numeric_limits<int32_t>::min(), 0, 0}));
  EXPECT_EQ(values<uint8_t>(convert(f32({3}, {300, -5, 254.9f}), "u8")), (std::vector<uint8_t>{255, 0, 254}));
  EXPECT_EQ(values<int8_t>(convert(f32({2}, {-128.9f, 127.9f}), "i8")), (std::vector<int8_t>{-128, 127}));
  EXPECT_EQ(values<int64_t>(convert(f32({1}, {1e30f}), "i64")),
            std::vector<int64_t>{std::numeric_limits<int64_t>::max()});
}

TEST(ElementwiseOps, ConvertIntegerNarrowingWraps) {
  EXPECT_EQ(values<uint8_t>(convert(i32({3}, {300, -1, 255}), "u8")), (std::vector<uint8_t>{44, 255, 255}));
  EXPECT_EQ(values<uint32_t>(convert(i32({1}, {-1}), "u32")), std::vector<uint32_t>{4294967295u});
  EXPECT_EQ(values<int64_t>(convert(make<uint64_t>({1}, {uint64_t{1} << 63}), "i64")),
            std::vector<int64_t>{std::numeric_limits<int64_t>::min()});
  EXPECT_EQ(values<float>(convert(make<uint64_t>({1}, {uint64_t{1} << 63}), "f32")),
            std::vector<float>{9223372036854775808.0f});
}

TEST(ElementwiseOps, ConvertBooleans) {
  EXPECT_EQ(values<uint8_t>(convert(f32({3}, {0.5f, 0, -2}), "boolean")), (std::vector<uint8_t>{1, 0, 1}));
  EXPECT_EQ(values<float>(convert(boolean({2}, {1, 0}), "f32")), (std::vector<float>{1, 0}));
  EXPECT_EQ(values<int32_t>(convert(boolean({2}, {1, 0}), "i32")), (std::vector<int32_t>{1, 0}));
}

TEST(ElementwiseOps, ConvertPackedInputs) {
  // u1 is most significant bit first.
  EXPECT_EQ(values<int32_t>(convert(make<uint8_t>({3}, {0b10100000}, ElementType::u1), "i32")),
            (std::vector<int32_t>{1, 0, 1}));
  // u4/i4: element 0 in the low nibble.
  EXPECT_EQ(values<int32_t>(convert(make<uint8_t>({2}, {0x21}, ElementType::u4), "i32")),
            (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(values<float>(convert(make<uint8_t>({4}, {0xF8, 0x07}, ElementType::i4), "f32")),
            (std::vector<float>{-8, -1, 7, 0}));
  EXPECT_EQ(values<uint8_t>(convert(i32({3}, {-1, 2, 9}), "i4")), (std::vector<uint8_t>{0x2F, 0x09}));
}

TEST(HalfPrecision, F32ToF16RoundsToNearestEven) {
  EXPECT_EQ(f32_to_f16(1.0f), 0x3C00);
  EXPECT_EQ(f32_to_f16(-2.0f), 0xC000);
  EXPECT_EQ(f32_to_f16(65504.0f), 0x7BFF);
  EXPECT_EQ(f32_to_f16(65519.0f), 0x7BFF);
  EXPECT_EQ(f32_to_f16(65520.0f), 0x7C00);  // halfway to 65536 rounds to even: infinity
  EXPECT_EQ(f32_to_f16(std::numeric_limits<float>::infinity()), 0x7C00);
  EXPECT_EQ(f32_to_f16(1.0f + 0x1p-11f), 0x3C00);      // tie -> even (down)
  EXPECT_EQ(f32_to_f16(1.0f + 3 * 0x1p-11f), 0x3C02);  // tie -> even (up)
  EXPECT_EQ(f32_to_f16(1.0f + 0x1p-11f + 0x1p-20f), 0x3C01);
  EXPECT_EQ(f32_to_f16(0x1p-24f), 0x0001);      // smallest subnormal
  EXPECT_EQ(f32_to_f16(0x1p-25f), 0x0000);      // tie -> even zero
  EXPECT_EQ(f32_to_f16(3 * 0x1p-25f), 0x0002);  // 1.5 ulp -> 2
  EXPECT_EQ(f32_to_f16(-0x1p-26f), 0x8000);
  EXPECT_EQ(f32_to_f16(0x1p-14f - 0x1p-26f), 0x0400);  // rounds up into the smallest normal
  EXPECT_EQ(f32_to_f16(0.0f), 0x0000);
  EXPECT_EQ(f32_to_f16(-0.0f), 0x8000);
  uint16_t nan = f32_to_f16(std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(nan & 0x7C00, 0x7C00);
  EXPECT_NE(nan & 0x3FF, 0);
}

TEST(HalfPrecision, F16ToF32) {
  EXPECT_EQ(f16_to_f32(0x3C00), 1.0f);
  EXPECT_EQ(f16_to_f32(0x0001), 0x1p-24f);
  EXPECT_EQ(f16_to_f32(0x03FF), 1023 * 0x1p-24f);
  EXPECT_EQ(f16_to_f32(0x7BFF), 65504.0f);
  EXPECT_EQ(f16_to_f32(0x7C00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(f16_to_f32(0xFC00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(f16_to_f32(0x7E00)));
  EXPECT_EQ(f16_to_f32(0x3555), 0.333251953125f);
  EXPECT_TRUE(std::signbit(f16_to_f32(0x8000)));
  // Every finite f16 survives a round trip.
  for (uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7C00) == 0x7C00 && (h & 0x3FF)) continue;
    ASSERT_EQ(f32_to_f16(f16_to_f32(static_cast<uint16_t>(h))), h) << std::hex << h;
  }
}

TEST(HalfPrecision, Bf16) {
  EXPECT_EQ(f32_to_bf16(1.0f), 0x3F80);
  EXPECT_EQ(f32_to_bf16(1.0f + 0x1p-8f), 0x3F80);      // tie -> even
  EXPECT_EQ(f32_to_bf16(1.0f + 3 * 0x1p-8f), 0x3F82);  // tie -> even (up)
  EXPECT_EQ(f32_to_bf16(-3.0f), 0xC040);
  EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_EQ(f32_to_bf16(std::numeric_limits<float>::max()), 0x7F80);  // overflows to infinity
  EXPECT_EQ(bf16_to_f32(0x4049), 3.140625f);
}

TEST(ElementwiseOps, ConvertHalfTypes) {
  Tensor h = convert(f32({3}, {1.0f, 65520.0f, 0x1p-25f}), "f16");
  EXPECT_EQ(h.element_type(), ElementType::f16);
  EXPECT_EQ(values<uint16_t>(h), (std::vector<uint16_t>{0x3C00, 0x7C00, 0x0000}));
  EXPECT_EQ(values<float>(convert(make<uint16_t>({2}, {0x3555, 0xC000}, ElementType::f16), "f32")),
            (std::vector<float>{0.333251953125f, -2.0f}));
  EXPECT_EQ(values<int32_t>(convert(make<uint16_t>({2}, {0x4049, 0xC049}, ElementType::bf16), "i32")),
            (std::vector<int32_t>{3, -3}));
  EXPECT_EQ(values<uint16_t>(convert(f32({1}, {3.14159f}), "bf16")), std::vector<uint16_t>{0x4049});
  // f16 arithmetic goes through f32 and rounds once.
  Tensor sum = binary("Add", make<uint16_t>({1}, {0x3C00}, ElementType::f16),
                      make<uint16_t>({1}, {0x1400}, ElementType::f16));  // 1 + 2^-10
  EXPECT_EQ(values<uint16_t>(sum), std::vector<uint16_t>{0x3C01});
}

TEST(ElementwiseOps, ConvertInferUsesDestinationType) {
  auto port = OpTest("Convert").attr("destination_type", "f16").param(ElementType::f32, {-1, 4}).infer1();
  EXPECT_EQ(port.type, ElementType::f16);
  EXPECT_EQ(port.shape, (PartialShape{-1, 4}));
  expect_error([] { OpTest("Convert").attr("destination_type", "q7").param(ElementType::f32, {1}).infer(); },
               {"destination_type", "q7"});
}

TEST(ElementwiseOps, SelectBroadcastsAllThree) {
  Tensor out = OpTest("Select")
                   .input(boolean({3}, {1, 0, 1}))
                   .input(i64({2, 3}, {1, 2, 3, 4, 5, 6}))
                   .input(i64({}, {-1}))
                   .eval1();
  EXPECT_EQ(out.shape(), (Shape{2, 3}));
  EXPECT_EQ(values<int64_t>(out), (std::vector<int64_t>{1, -1, 3, 4, -1, 6}));
  auto port = OpTest("Select")
                  .param(ElementType::boolean, {-1, 1})
                  .param(ElementType::f32, {4})
                  .param(ElementType::f32, {1})
                  .infer1();
  EXPECT_EQ(port.shape, (PartialShape{-1, 4}));
  expect_error(
      [] { OpTest("Select").input(f32({1}, {1})).input(f32({1}, {1})).input(f32({1}, {2})).eval1(); },
      {"cond", "boolean"});
}

}  // namespace
}  // namespace sparrow::graph::test
