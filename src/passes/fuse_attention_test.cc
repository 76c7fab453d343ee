#include "passes/fuse_attention.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "graph/shape_inference.h"
#include "runtime/executor.h"
#include "sparrow/error.h"

namespace sparrow::passes {
namespace {

using graph::Edge;
using graph::Graph;
using graph::Node;

constexpr int64_t kB = 2, kS = 5, kH = 3, kD = 4;

Tensor random_tensor(Shape shape, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, scale);
  Tensor t(ElementType::f32, std::move(shape));
  for (size_t i = 0; i < t.size(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

Tensor i64(std::vector<int64_t> v) {
  Tensor t(ElementType::i64, {static_cast<int64_t>(v.size())});
  std::copy(v.begin(), v.end(), t.data<int64_t>());
  return t;
}

Node* transpose(Graph& g, Edge x, std::vector<int64_t> order) {
  return g.add_node("Transpose", 1, "t", {x, {g.add_constant("order", i64(std::move(order))), 0}}, 1);
}

enum class Scale { kNone, kMultiply, kDivide };

struct Variant {
  Scale scale = Scale::kMultiply;
  bool mask = true;
  bool k_pretransposed = false;  // K^T by a Transpose (0 2 3 1) and a plain MatMul, as PyTorch exports
  bool output_transpose = true;
  bool scores_read_elsewhere = false;
};

// q, k, v [B, S, H, D] and mask [B, 1, 1, S] -> BERT-style self-attention -> [B, S, H, D] (or [B, H, S, D]).
std::unique_ptr<Graph> attention_model(const Variant& v) {
  auto g = std::make_unique<Graph>();
  Node* q = g->add_parameter("q", ElementType::f32, PartialShape{kB, kS, kH, kD});
  Node* k = g->add_parameter("k", ElementType::f32, PartialShape{kB, kS, kH, kD});
  Node* val = g->add_parameter("v", ElementType::f32, PartialShape{kB, kS, kH, kD});
  Node* mask = g->add_parameter("mask", ElementType::f32, PartialShape{kB, 1, 1, kS});
  Node* qt = transpose(*g, {q, 0}, {0, 2, 1, 3});
  Node* kt = transpose(*g, {k, 0}, v.k_pretransposed ? std::vector<int64_t>{0, 2, 3, 1} : std::vector<int64_t>{0, 2, 1, 3});
  Node* vt = transpose(*g, {val, 0}, {0, 2, 1, 3});
  Node* scores = g->add_node("MatMul", 1, "scores", {{qt, 0}, {kt, 0}}, 1);
  if (!v.k_pretransposed) scores->attrs.set("transpose_b", "true");
  Node* x = scores;
  Tensor c(ElementType::f32, {});
  if (v.scale == Scale::kMultiply) {
    c.data<float>()[0] = 0.5f;
    x = g->add_node("Multiply", 1, "scale", {{g->add_constant("c", c), 0}, {x, 0}}, 1);
  } else if (v.scale == Scale::kDivide) {
    c.data<float>()[0] = 3.0f;  // not a power of two: a division rounds differently from a multiplication
    x = g->add_node("Divide", 1, "scale", {{x, 0}, {g->add_constant("c", c), 0}}, 1);
  }
  if (v.mask) x = g->add_node("Add", 1, "mask", {{x, 0}, {mask, 0}}, 1);
  Node* sm = g->add_node("SoftMax", 8, "softmax", {{x, 0}}, 1);
  sm->attrs.set("axis", "-1");
  Node* ctx = g->add_node("MatMul", 1, "context", {{sm, 0}, {vt, 0}}, 1);
  Node* out = v.output_transpose ? transpose(*g, {ctx, 0}, {0, 2, 1, 3}) : ctx;
  g->add_result("out", {out, 0});
  if (v.scores_read_elsewhere) g->add_result("scores", {scores, 0});
  if (!v.mask) g->add_result("mask_out", {mask, 0});  // keeps the parameter list the same
  graph::infer_shapes(*g, graph::DeclaredShapes::kReplace);
  return g;
}

std::vector<Tensor> inputs() {
  Tensor mask(ElementType::f32, {kB, 1, 1, kS});
  for (size_t i = 0; i < mask.size(); ++i) mask.data<float>()[i] = static_cast<int64_t>(i) % kS == kS - 1 ? -10000.0f : 0.0f;
  return {random_tensor({kB, kS, kH, kD}, 1), random_tensor({kB, kS, kH, kD}, 2, 3.0f),
          random_tensor({kB, kS, kH, kD}, 3), mask};
}

std::vector<Tensor> run(Graph& g) {
  runtime::Executor exec(g);
  std::vector<Tensor> in = inputs();
  return exec.run(in);
}

int count(const Graph& g, const std::string& type) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node->type == type;
  return n;
}

void expect_bit_identical(const Tensor& got, const Tensor& want) {
  ASSERT_EQ(got.shape(), want.shape());
  EXPECT_EQ(std::memcmp(got.data<float>(), want.data<float>(), got.size() * sizeof(float)), 0);
}

void check_fuses(const Variant& v) {
  auto g = attention_model(v);
  std::vector<Tensor> want = run(*g);
  ASSERT_EQ(fuse_attention(*g), 1);
  EXPECT_EQ(count(*g, "Attention"), 1);
  EXPECT_EQ(count(*g, "SoftMax"), 0);
  EXPECT_EQ(count(*g, "MatMul"), 0);
  EXPECT_EQ(count(*g, "Transpose"), 0);  // inputs read in place, output written in the final layout
  std::vector<Tensor> got = run(*g);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) expect_bit_identical(got[i], want[i]);
}

TEST(FuseAttention, BertSelfAttentionGivesTheSameFloats) { check_fuses({}); }

TEST(FuseAttention, DivideByScale) { check_fuses({.scale = Scale::kDivide}); }

TEST(FuseAttention, NoScaleNoMask) { check_fuses({.scale = Scale::kNone, .mask = false}); }

TEST(FuseAttention, KeysTransposedByATransposeNode) { check_fuses({.k_pretransposed = true}); }

TEST(FuseAttention, WithoutTheOutputTranspose) {
  auto g = attention_model({.output_transpose = false});
  std::vector<Tensor> want = run(*g);
  ASSERT_EQ(fuse_attention(*g), 1);
  EXPECT_EQ(count(*g, "Transpose"), 0);
  expect_bit_identical(run(*g)[0], want[0]);
}

TEST(FuseAttention, LeavesScoresThatOthersReadAlone) {
  auto g = attention_model({.scores_read_elsewhere = true});
  EXPECT_EQ(fuse_attention(*g), 0);
  EXPECT_EQ(count(*g, "SoftMax"), 1);
}

TEST(FuseAttention, AttentionRejectsInconsistentInputs) {
  auto g = attention_model({});
  ASSERT_EQ(fuse_attention(*g), 1);
  runtime::Executor exec(*g);
  std::vector<Tensor> in = inputs();
  in[1] = random_tensor({kB, kS, kH, kD + 1}, 4);  // head size differs from q's
  try {
    exec.run(in);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("head size"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sparrow::passes
