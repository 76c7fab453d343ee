#include "passes/fuse_layernorm.h"

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

constexpr int64_t kN = 8;

Tensor random_tensor(Shape shape, uint32_t seed, float mean = 0.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(mean, 2.0f);
  Tensor t(ElementType::f32, std::move(shape));
  for (size_t i = 0; i < t.size(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

Tensor i64(std::vector<int64_t> v) {
  Tensor t(ElementType::i64, {static_cast<int64_t>(v.size())});
  std::copy(v.begin(), v.end(), t.data<int64_t>());
  return t;
}

struct Variant {
  bool residual = true;
  bool residual_read_elsewhere = false;
  std::vector<int64_t> axes = {-1};
  std::string eps_mode = "inside_sqrt";
};

// x, r [2, 3, N] -> [Add] -> MVN -> Multiply(gamma [N]) -> Add(beta [1, N]) -> result.
std::unique_ptr<Graph> layernorm_model(const Variant& v) {
  auto g = std::make_unique<Graph>();
  Node* x = g->add_parameter("x", ElementType::f32, PartialShape{2, 3, kN});
  Node* r = g->add_parameter("r", ElementType::f32, PartialShape{2, 3, kN});
  Edge in{x, 0};
  if (v.residual) in = {g->add_node("Add", 1, "residual", {{x, 0}, {r, 0}}, 1), 0};
  if (v.residual_read_elsewhere) g->add_result("sum", in);
  if (!v.residual) g->add_result("r_out", {r, 0});  // keeps the parameter list the same
  Node* mvn = g->add_node("MVN", 6, "mvn", {in, {g->add_constant("axes", i64(v.axes)), 0}}, 1);
  mvn->attrs.set("normalize_variance", "true");
  mvn->attrs.set("eps", "1e-5");
  mvn->attrs.set("eps_mode", v.eps_mode);
  Node* mul = g->add_node("Multiply", 1, "gamma", {{g->add_constant("g", random_tensor({kN}, 7, 1.0f)), 0}, {mvn, 0}}, 1);
  Node* add = g->add_node("Add", 1, "beta", {{mul, 0}, {g->add_constant("b", random_tensor({1, kN}, 8)), 0}}, 1);
  g->add_result("y", {add, 0});
  graph::infer_shapes(*g, graph::DeclaredShapes::kReplace);
  return g;
}

std::vector<Tensor> run(Graph& g) {
  runtime::Executor exec(g);
  std::vector<Tensor> in = {random_tensor({2, 3, kN}, 1, 5.0f), random_tensor({2, 3, kN}, 2)};
  return exec.run(in);
}

int count(const Graph& g, const std::string& type) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node->type == type;
  return n;
}

void check_fuses(const Variant& v, int adds_left) {
  auto g = layernorm_model(v);
  std::vector<Tensor> want = run(*g);
  ASSERT_EQ(fuse_layernorm(*g), 1);
  EXPECT_EQ(count(*g, "LayerNorm"), 1);
  EXPECT_EQ(count(*g, "MVN"), 0);
  EXPECT_EQ(count(*g, "Multiply"), 0);
  EXPECT_EQ(count(*g, "Add"), adds_left);
  std::vector<Tensor> got = run(*g);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].shape(), want[i].shape());
    EXPECT_EQ(std::memcmp(got[i].data<float>(), want[i].data<float>(), got[i].size() * sizeof(float)), 0) << i;
  }
}

TEST(FuseLayerNorm, ResidualAddMvnAndAffineGiveTheSameFloats) { check_fuses({}, 0); }

TEST(FuseLayerNorm, WithoutResidual) { check_fuses({.residual = false}, 0); }

TEST(FuseLayerNorm, EpsOutsideSqrt) { check_fuses({.eps_mode = "outside_sqrt"}, 0); }

TEST(FuseLayerNorm, AResidualSumThatOthersReadStays) { check_fuses({.residual_read_elsewhere = true}, 1); }

TEST(FuseLayerNorm, LeavesOtherNormalisationsAlone) {
  auto g = layernorm_model({.axes = {1, 2}});
  EXPECT_EQ(fuse_layernorm(*g), 0);
  EXPECT_EQ(count(*g, "MVN"), 1);
}

}  // namespace
}  // namespace sparrow::passes

namespace sparrow::passes {
namespace {

// Two layer norms in a row, as in consecutive BERT layers: the second one's residual is the first one's
// output, which the pass has just made.
TEST(FuseLayerNorm, ChainedLayerNormsBothTakeTheirResidual) {
  Graph g;
  Node* x = g.add_parameter("x", ElementType::f32, PartialShape{2, 3, kN});
  Node* r = g.add_parameter("r", ElementType::f32, PartialShape{2, 3, kN});
  Edge cur{r, 0};
  for (int i = 0; i < 2; ++i) {
    Node* add = g.add_node("Add", 1, "residual", {{x, 0}, cur}, 1);
    Node* mvn = g.add_node("MVN", 6, "mvn", {{add, 0}, {g.add_constant("axes", i64({-1})), 0}}, 1);
    mvn->attrs.set("normalize_variance", "true");
    mvn->attrs.set("eps", "1e-5");
    mvn->attrs.set("eps_mode", "inside_sqrt");
    Node* mul = g.add_node("Multiply", 1, "gamma", {{mvn, 0}, {g.add_constant("g", random_tensor({kN}, 7)), 0}}, 1);
    cur = {g.add_node("Add", 1, "beta", {{mul, 0}, {g.add_constant("b", random_tensor({kN}, 8)), 0}}, 1), 0};
  }
  g.add_result("y", cur);
  graph::infer_shapes(g, graph::DeclaredShapes::kReplace);
  std::vector<Tensor> want = run(g);
  ASSERT_EQ(fuse_layernorm(g), 2);
  EXPECT_EQ(count(g, "Add"), 0);
  std::vector<Tensor> got = run(g);
  EXPECT_EQ(std::memcmp(got[0].data<float>(), want[0].data<float>(), got[0].size() * sizeof(float)), 0);
}

}  // namespace
}  // namespace sparrow::passes
