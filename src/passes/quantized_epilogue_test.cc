#include "passes/quantized_epilogue.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "graph/shape_inference.h"
#include "runtime/executor.h"

namespace sparrow::passes {
namespace {

using graph::Edge;
using graph::Graph;
using graph::Node;

constexpr int64_t kM = 5, kK = 9, kN = 7;

template <typename T>
Tensor random_tensor(ElementType type, Shape shape, uint32_t seed, double lo, double hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> d(lo, hi);
  Tensor t(type, std::move(shape));
  for (size_t i = 0; i < t.size(); ++i) t.data<T>()[i] = static_cast<T>(d(rng));
  return t;
}

struct Variant {
  bool gelu = true;
  std::string gelu_mode = "ERF";
  bool quantize = true;
  bool linear_read_elsewhere = false;
};

// u8 x [M, K] -> QuantizedMatMul -> [Gelu] -> [Quantize] -> result
std::unique_ptr<Graph> model(const Variant& v) {
  auto g = std::make_unique<Graph>();
  Node* x = g->add_parameter("x", ElementType::u8, PartialShape{kM, kK});
  Node* w = g->add_constant("w", random_tensor<int8_t>(ElementType::i8, {kN, kK}, 1, -128, 127));
  Node* a = g->add_constant("alpha", random_tensor<float>(ElementType::f32, {kN}, 2, 1e-4, 1e-3));
  Node* b = g->add_constant("beta", random_tensor<float>(ElementType::f32, {kN}, 3, -1.0, 1.0));
  Node* mm = g->add_node("QuantizedMatMul", 1, "mm", {{x, 0}, {w, 0}, {a, 0}, {b, 0}}, 1);
  Edge cur{mm, 0};
  if (v.linear_read_elsewhere) g->add_result("linear", cur);
  if (v.gelu) {
    Node* gelu = g->add_node("Gelu", 7, "gelu", {cur}, 1);
    gelu->attrs.set("approximation_mode", v.gelu_mode);
    cur = {gelu, 0};
  }
  if (v.quantize) {
    Node* q = g->add_node("Quantize", 1, "q", {cur}, 1);
    q->attrs.set("input_low", "-0.2");
    q->attrs.set("input_high", "1.3");
    q->attrs.set("levels", "256");
    cur = {q, 0};
  }
  g->add_result("y", cur);
  graph::infer_shapes(*g, graph::DeclaredShapes::kReplace);
  return g;
}

std::vector<Tensor> run(Graph& g) {
  runtime::Executor exec(g);
  std::vector<Tensor> in = {random_tensor<uint8_t>(ElementType::u8, {kM, kK}, 4, 0, 255)};
  return exec.run(in);
}

int count(const Graph& g, const std::string& type) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node->type == type;
  return n;
}

void check(const Variant& v, int want_folded) {
  auto g = model(v);
  std::vector<Tensor> want = run(*g);
  ASSERT_EQ(quantized_epilogue(*g), want_folded);
  std::vector<Tensor> got = run(*g);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].element_type(), want[i].element_type());
    ASSERT_EQ(got[i].shape(), want[i].shape());
    EXPECT_EQ(std::memcmp(got[i].data(), want[i].data(), got[i].byte_size()), 0) << i;
  }
}

TEST(QuantizedEpilogue, GeluAndQuantizeJoinTheLinearLayer) {
  check({}, 2);
  auto g = model({});
  quantized_epilogue(*g);
  EXPECT_EQ(count(*g, "Gelu"), 0);
  EXPECT_EQ(count(*g, "Quantize"), 0);
  EXPECT_EQ(g->results()[0]->input_type(0), ElementType::u8);
}

TEST(QuantizedEpilogue, TanhGelu) { check({.gelu_mode = "tanh"}, 2); }

TEST(QuantizedEpilogue, QuantizeAlone) { check({.gelu = false}, 1); }

TEST(QuantizedEpilogue, GeluAlone) { check({.quantize = false}, 1); }

TEST(QuantizedEpilogue, ALinearOutputThatOthersReadStaysF32) { check({.linear_read_elsewhere = true}, 0); }

}  // namespace
}  // namespace sparrow::passes
