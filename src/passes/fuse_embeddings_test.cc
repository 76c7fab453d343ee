#include "passes/fuse_embeddings.h"

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

constexpr int64_t kB = 2, kS = 5, kH = 6, kVocab = 11;

Tensor table(int64_t rows, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, 1.0f);
  Tensor t(ElementType::f32, {rows, kH});
  for (size_t i = 0; i < t.size(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

Tensor i64(Shape shape, std::vector<int64_t> v) {
  Tensor t(ElementType::i64, std::move(shape));
  std::copy(v.begin(), v.end(), t.data<int64_t>());
  return t;
}

Node* gather(Graph& g, Tensor t, Edge ids, int version = 8) {
  Node* n = g.add_node("Gather", version, "gather", {{g.add_constant("table", t), 0}, ids,
                                                     {g.add_constant("axis", i64({}, {0})), 0}}, 1);
  return n;
}

// word[ids] + type[types], then + position[positions [1, S]] (broadcast over the batch), as BERT embeds.
std::unique_ptr<Graph> embeddings_model(int pos_version = 8) {
  auto g = std::make_unique<Graph>();
  Node* ids = g->add_parameter("ids", ElementType::i64, PartialShape{kB, kS});
  Node* types = g->add_parameter("types", ElementType::i64, PartialShape{kB, kS});
  Node* pos = g->add_constant("positions", i64({1, kS}, {0, 1, 2, 3, 4}));
  Node* sum = g->add_node("Add", 1, "add", {{gather(*g, table(kVocab, 1), {ids, 0}), 0},
                                            {gather(*g, table(2, 2), {types, 0}), 0}}, 1);
  Node* all = g->add_node("Add", 1, "add_pos", {{sum, 0}, {gather(*g, table(kS, 3), {pos, 0}, pos_version), 0}}, 1);
  g->add_result("emb", {all, 0});
  graph::infer_shapes(*g, graph::DeclaredShapes::kReplace);
  return g;
}

std::vector<Tensor> run(Graph& g, int64_t bad_id = 3) {
  runtime::Executor exec(g);
  std::vector<Tensor> in = {i64({kB, kS}, {1, 2, 3, 4, 5, 6, 7, 8, 9, bad_id}),
                            i64({kB, kS}, {0, 0, 1, 1, 0, 1, 0, 1, 0, 0})};
  return exec.run(in);
}

int count(const Graph& g, const std::string& type) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node->type == type;
  return n;
}

TEST(FuseEmbeddings, GathersAndTheirSumBecomeOneNodeWithTheSameFloats) {
  auto g = embeddings_model();
  std::vector<Tensor> want = run(*g);
  ASSERT_EQ(fuse_embeddings(*g), 1);
  EXPECT_EQ(count(*g, "EmbeddingSum"), 1);
  EXPECT_EQ(count(*g, "Gather"), 0);
  EXPECT_EQ(count(*g, "Add"), 0);
  std::vector<Tensor> got = run(*g);
  ASSERT_EQ(got[0].shape(), want[0].shape());
  EXPECT_EQ(std::memcmp(got[0].data(), want[0].data(), got[0].byte_size()), 0);
  // Negative ids count from the end, as Gather-8 says.
  EXPECT_EQ(std::memcmp(run(*g, -2)[0].data(), run(*embeddings_model(), -2)[0].data(), got[0].byte_size()), 0);
}

TEST(FuseEmbeddings, AnIdOutsideTheVocabularyIsAnError) {
  auto g = embeddings_model();
  ASSERT_EQ(fuse_embeddings(*g), 1);
  try {
    run(*g, kVocab);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("index 11"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("out of range"), std::string::npos) << e.what();
  }
}

// Gather-7 rejects negative ids where Gather-8 accepts them: such a lookup stays a Gather of its own and
// only the inner sum of two Gather-8s is fused.
TEST(FuseEmbeddings, AGatherOfAnotherVersionStaysApart) {
  auto g = embeddings_model(/*pos_version=*/7);
  std::vector<Tensor> want = run(*g);
  EXPECT_EQ(fuse_embeddings(*g), 1);
  EXPECT_EQ(count(*g, "Gather"), 1);
  EXPECT_EQ(count(*g, "Add"), 1);
  EXPECT_EQ(std::memcmp(run(*g)[0].data(), want[0].data(), want[0].byte_size()), 0);
}

}  // namespace
}  // namespace sparrow::passes
