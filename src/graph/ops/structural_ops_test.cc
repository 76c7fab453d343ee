#include <gtest/gtest.h>

#include "graph/ops/op_test_util.h"

namespace sparrow::graph::test {
namespace {

TEST(StructuralOps, ParameterConstResult) {
  Graph g;
  Node* p = g.add_parameter("input_ids", ElementType::i64, {-1, 64});
  auto ports = infer_node(*p);
  ASSERT_EQ(ports.size(), 1u);
  EXPECT_EQ(ports[0].type, ElementType::i64);
  EXPECT_EQ(ports[0].shape, (PartialShape{-1, 64}));
  expect_error([&] { evaluate_node(*p, {}); }, {"Parameter 'input_ids'", "never evaluated"});

  Node* c = g.add_constant("w", f32({2}, {1, 2}));
  ports = infer_node(*c);
  EXPECT_EQ(ports[0].type, ElementType::f32);
  EXPECT_EQ(ports[0].shape, (PartialShape{2}));
  auto outs = evaluate_node(*c, {});
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(values<float>(outs[0]), (std::vector<float>{1, 2}));

  Node* r = g.add_result("out", {c, 0});
  EXPECT_TRUE(infer_node(*r).empty());
  EXPECT_TRUE(evaluate_node(*r, outs).empty());
  EXPECT_FALSE(OpRegistry::instance().find("Parameter")->foldable);
  EXPECT_FALSE(OpRegistry::instance().find("Result")->foldable);
}

TEST(StructuralOps, InputCountIsChecked) {
  Graph g;
  Node* c = g.add_constant("x", f32({1}, {1}));
  Node* add = g.add_node("Add", 1, "add", {{c, 0}}, 1);
  expect_error([&] { infer_node(*add); }, {"Add 'add'", "1 inputs", "expected 2"});
}

TEST(StructuralOps, VersionsResolveByOpset) {
  const OpRegistry& r = OpRegistry::instance();
  EXPECT_EQ(r.resolve_version("Gather", "opset8"), 8);
  EXPECT_EQ(r.resolve_version("Gather", "opset7"), 7);
  EXPECT_EQ(r.resolve_version("Gather", "opset6"), 1);
  EXPECT_EQ(r.resolve_version("SoftMax", "opset11"), 8);
  EXPECT_EQ(r.resolve_version("MVN", "opset6"), 6);
  EXPECT_EQ(r.resolve_version("Gelu", "opset7"), 7);
  EXPECT_EQ(r.resolve_version("ShapeOf", "opset3"), 3);
  EXPECT_EQ(r.resolve_version("ScatterElementsUpdate", "opset12"), 12);
  EXPECT_THROW(r.resolve_version("Slice", "opset7"), Error);
  for (const char* type : {"Parameter",
                           "Const",
                           "Result",
                           "Add",
                           "Subtract",
                           "Multiply",
                           "Divide",
                           "Power",
                           "Maximum",
                           "Minimum",
                           "SquaredDifference",
                           "Equal",
                           "NotEqual",
                           "Less",
                           "LessEqual",
                           "Greater",
                           "GreaterEqual",
                           "LogicalNot",
                           "LogicalAnd",
                           "LogicalOr",
                           "Sqrt",
                           "Erf",
                           "Tanh",
                           "Exp",
                           "Log",
                           "Abs",
                           "Negative",
                           "Sigmoid",
                           "Relu",
                           "Floor",
                           "Clamp",
                           "Convert",
                           "Select",
                           "Gelu",
                           "ShapeOf",
                           "Reshape",
                           "Squeeze",
                           "Unsqueeze",
                           "Transpose",
                           "Concat",
                           "Broadcast",
                           "Tile",
                           "Split",
                           "VariadicSplit",
                           "Gather",
                           "StridedSlice",
                           "Slice",
                           "Range",
                           "ScatterUpdate",
                           "ScatterElementsUpdate",
                           "MatMul",
                           "SoftMax",
                           "LogSoftmax",
                           "MVN",
                           "ReduceMean",
                           "ReduceSum",
                           "ReduceMax",
                           "ReduceMin",
                           "ReduceProd",
                           "FakeQuantize"})
    EXPECT_NE(r.find(type), nullptr) << type;
}

}  // namespace
}  // namespace sparrow::graph::test
