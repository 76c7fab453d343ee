#include "passes/quantize_linear.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "graph/shape_inference.h"
#include "runtime/executor.h"

namespace sparrow::passes {
namespace {

using graph::Edge;
using graph::Graph;
using graph::Node;

Tensor f32(Shape shape, std::vector<float> v) {
  Tensor t(ElementType::f32, std::move(shape));
  std::copy(v.begin(), v.end(), t.data<float>());
  return t;
}

Edge scalar(Graph& g, const std::string& name, float v) { return {g.add_constant(name, f32({}, {v})), 0}; }

// x -> FakeQuantize(il, ih, ol, oh; 256) with scalar ranges.
Node* activation_fq(Graph& g, Edge x, float il, float ih, float ol, float oh) {
  Node* fq = g.add_node("FakeQuantize", 1, "act/fq",
                        {x, scalar(g, "il", il), scalar(g, "ih", ih), scalar(g, "ol", ol), scalar(g, "oh", oh)}, 1);
  fq->attrs.set("levels", "256");
  return fq;
}

constexpr size_t kN = 5, kK = 7;

std::vector<int8_t> weight_values() {
  std::vector<int8_t> w(kN * kK);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>((i * 37) % 255 - 127);
  w[0] = -128;
  return w;
}
std::vector<float> scales() { return {0.01f, 0.02f, 0.005f, 0.03f, 0.015f}; }
std::vector<float> biases() { return {0.5f, -0.25f, 0.0f, 1.0f, -1.5f}; }

// Const(i8 [N, K]) -> Convert -> [Subtract(zp)] -> Multiply(scale [N, 1]).
Edge compressed_weights(Graph& g, std::optional<float> zero_point = std::nullopt) {
  Tensor w(ElementType::i8, {static_cast<int64_t>(kN), static_cast<int64_t>(kK)});
  std::vector<int8_t> v = weight_values();
  std::copy(v.begin(), v.end(), w.data<int8_t>());
  Node* c = g.add_constant("w", w);
  Node* cv = g.add_node("Convert", 1, "w/convert", {{c, 0}}, 1);
  cv->attrs.set("destination_type", "f32");
  Edge e{cv, 0};
  if (zero_point) e = {g.add_node("Subtract", 1, "w/zp", {e, scalar(g, "zp", *zero_point)}, 1), 0};
  Node* s = g.add_constant("scale", f32({static_cast<int64_t>(kN), 1}, scales()));
  return {g.add_node("Multiply", 1, "w/scale", {e, {s, 0}}, 1), 0};
}

struct Built {
  std::unique_ptr<Graph> g = std::make_unique<Graph>();
  Node* x = nullptr;
};

// x [2, 3, K] -> FQ -> MatMul(., W, transpose_b) -> Add(bias) -> result.
Built linear_model(std::optional<float> zero_point = std::nullopt, bool transpose_a = false) {
  Built b;
  Graph& g = *b.g;
  const int64_t K = static_cast<int64_t>(kK);
  b.x = g.add_parameter("x", ElementType::f32, transpose_a ? PartialShape{2, K, 3} : PartialShape{2, 3, K});
  Node* fq = activation_fq(g, {b.x, 0}, -1.0f, 3.0f, -1.0f, 3.0f);
  Node* mm = g.add_node("MatMul", 1, "mm", {{fq, 0}, compressed_weights(g, zero_point)}, 1);
  mm->attrs.set("transpose_b", "true");
  if (transpose_a) mm->attrs.set("transpose_a", "true");
  Node* add = g.add_node("Add", 1, "bias", {{mm, 0}, {g.add_constant("b", f32({static_cast<int64_t>(kN)}, biases())), 0}}, 1);
  g.add_result("y", {add, 0});
  graph::infer_shapes(g, graph::DeclaredShapes::kReplace);
  return b;
}

Tensor random_input(uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.5f, 3.5f);  // beyond both ends of the range
  Tensor t(ElementType::f32, {2, 3, static_cast<int64_t>(kK)});
  for (size_t i = 0; i < t.size(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

Tensor run(Graph& g, const Tensor& x) {
  graph::infer_shapes(g, graph::DeclaredShapes::kReplace);
  runtime::Executor exec(g);
  std::vector<Tensor> in{x};
  return exec.run(in).at(0);
}

int count(const Graph& g, const std::string& type) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node->type == type;
  return n;
}

TEST(QuantizeLinear, CompressedWeightsAndBiasBecomeOneIntegerProduct) {
  Built b = linear_model();
  Tensor x = random_input(1);
  Tensor want_float = run(*b.g, x);
  ASSERT_EQ(quantize_linear(*b.g), 1);
  EXPECT_EQ(count(*b.g, "MatMul"), 0);
  EXPECT_EQ(count(*b.g, "Add"), 0);
  EXPECT_EQ(count(*b.g, "FakeQuantize"), 0);
  EXPECT_EQ(count(*b.g, "Quantize"), 1);
  ASSERT_EQ(count(*b.g, "QuantizedMatMul"), 1);
  Tensor got = run(*b.g, x);
  ASSERT_EQ(got.shape(), (Shape{2, 3, static_cast<int64_t>(kN)}));

  // Independent arithmetic: levels of the activation, exact integer sums, dequantize in double.
  std::vector<int8_t> w = weight_values();
  const double step = 4.0 / 255;
  for (size_t m = 0; m < 6; ++m)
    for (size_t n = 0; n < kN; ++n) {
      int64_t acc = 0, col = 0;
      for (size_t k = 0; k < kK; ++k) {
        float v = x.data<float>()[m * kK + k];
        int64_t q = v <= -1.0f ? 0 : v > 3.0f ? 255 : std::lrint((v + 1.0f) / 4.0f * 255.0f);
        acc += q * w[n * kK + k];
        col += w[n * kK + k];
      }
      double want = scales()[n] * (step * static_cast<double>(acc) - 1.0 * static_cast<double>(col)) + biases()[n];
      // float32 alpha/beta and the epilogue's rounding: a few ulps of the terms' magnitude.
      EXPECT_NEAR(got.data<float>()[m * kN + n], want, 1e-5) << m << "," << n;
      EXPECT_NEAR(got.data<float>()[m * kN + n], want_float.data<float>()[m * kN + n], 1e-5);
    }
}

TEST(QuantizeLinear, SharesOneQuantizeBetweenConsumersOfTheSameFakeQuantize) {
  Graph g;
  Node* x = g.add_parameter("x", ElementType::f32, PartialShape{1, static_cast<int64_t>(kK)});
  Node* fq = activation_fq(g, {x, 0}, 0.0f, 2.0f, 0.0f, 2.0f);
  for (const char* name : {"q", "k", "v"}) {
    Node* mm = g.add_node("MatMul", 1, name, {{fq, 0}, compressed_weights(g)}, 1);
    mm->attrs.set("transpose_b", "true");
    g.add_result(std::string(name) + "/out", {mm, 0});
  }
  graph::infer_shapes(g, graph::DeclaredShapes::kReplace);
  EXPECT_EQ(quantize_linear(g), 3);
  EXPECT_EQ(count(g, "Quantize"), 1);
  EXPECT_EQ(count(g, "QuantizedMatMul"), 3);
}

TEST(QuantizeLinear, FakeQuantizedWeightsWithIntegerZeroPoint) {
  Graph g;
  Node* x = g.add_parameter("x", ElementType::f32, PartialShape{2, static_cast<int64_t>(kK)});
  Node* fq = activation_fq(g, {x, 0}, -1.0f, 3.0f, -1.0f, 3.0f);
  // Weights stored [K, N] (no transpose); per-channel symmetric ranges [1, N], 255 levels (zero point 127).
  std::vector<float> w(kK * kN);
  for (size_t i = 0; i < w.size(); ++i) w[i] = std::sin(static_cast<float>(i)) * 0.3f;
  std::vector<float> lim = {0.3f, 0.25f, 0.2f, 0.31f, 0.1f};
  std::vector<float> neg(lim.size());
  for (size_t i = 0; i < lim.size(); ++i) neg[i] = -lim[i];
  auto range = [&](const char* name, const std::vector<float>& v) -> Edge {
    return {g.add_constant(name, f32({1, static_cast<int64_t>(kN)}, v)), 0};
  };
  Node* wfq = g.add_node("FakeQuantize", 1, "w/fq",
                         {{g.add_constant("w", f32({static_cast<int64_t>(kK), static_cast<int64_t>(kN)}, w)), 0},
                          range("wil", neg), range("wih", lim), range("wol", neg), range("woh", lim)},
                         1);
  wfq->attrs.set("levels", "255");
  Node* mm = g.add_node("MatMul", 1, "mm", {{fq, 0}, {wfq, 0}}, 1);
  g.add_result("y", {mm, 0});
  Tensor in(ElementType::f32, {2, static_cast<int64_t>(kK)});
  for (size_t i = 0; i < in.size(); ++i) in.data<float>()[i] = static_cast<float>(i % 5) * 0.7f - 0.9f;
  Tensor want = run(g, in);
  ASSERT_EQ(quantize_linear(g), 1);
  Tensor got = run(g, in);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got.data<float>()[i], want.data<float>()[i], 1e-5) << i;
}

TEST(QuantizeLinear, LeavesWhatItDoesNotRecogniseAlone) {
  Built zp = linear_model(3.0f);  // a non-zero weight zero point
  EXPECT_EQ(quantize_linear(*zp.g), 0);
  Built zero_zp = linear_model(0.0f);  // a zero point of zero is fine
  EXPECT_EQ(quantize_linear(*zero_zp.g), 1);
  Built transposed = linear_model(std::nullopt, /*transpose_a=*/true);
  EXPECT_EQ(quantize_linear(*transposed.g), 0);

  // Per-channel activation ranges are not a single scale.
  Graph g;
  Node* x = g.add_parameter("x", ElementType::f32, PartialShape{2, static_cast<int64_t>(kK)});
  std::vector<float> lo(kK, -1.0f), hi(kK, 1.0f);
  hi[0] = 2.0f;
  Edge il{g.add_constant("il", f32({1, static_cast<int64_t>(kK)}, lo)), 0};
  Edge ih{g.add_constant("ih", f32({1, static_cast<int64_t>(kK)}, hi)), 0};
  Node* fq = g.add_node("FakeQuantize", 1, "fq", {{x, 0}, il, ih, il, ih}, 1);
  fq->attrs.set("levels", "256");
  Node* mm = g.add_node("MatMul", 1, "mm", {{fq, 0}, compressed_weights(g)}, 1);
  mm->attrs.set("transpose_b", "true");
  g.add_result("y", {mm, 0});
  graph::infer_shapes(g, graph::DeclaredShapes::kReplace);
  EXPECT_EQ(quantize_linear(g), 0);
}

}  // namespace
}  // namespace sparrow::passes
