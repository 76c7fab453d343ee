// The small real SST-2 model (../shared/data/models/sst2-tiny-sparse-int8): IR with FakeQuantize activations,
// compressed i8 weights, f16 embeddings and dynamic [?,?] inputs, against its golden.json (PyTorch
// fake-quant, batch 1).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/golden.h"
#include "support/paths.h"

namespace sparrow::testing {
namespace {

// The model's README measured the FakeQuantize reference against PyTorch at batch 1: max 4.8e-7 on 20
// sentences, while over all 872 dev sentences 5 exceed 1e-4 (up to 6.8e-4), each from one activation within
// float rounding of a .5 tie landing on the other level. sparrow sums in a different order again, so the same
// can happen here: rows must be within kClean, or within kTie (the largest tie effect documented, 6.8e-4,
// doubled for margin) with the argmax unchanged. At most kMaxTieRows of the 100 may need the second bound.
constexpr double kClean = 1e-4;
constexpr double kTie = 1.5e-3;
constexpr int kMaxTieRows = 5;

std::filesystem::path model_dir() {
  return shared_dir() / "data/models/sst2-tiny-sparse-int8";
}

nlohmann::json load_golden() {
  std::ifstream f(model_dir() / "golden.json");
  return nlohmann::json::parse(f);
}

TokenBatch one_sentence(const nlohmann::json& ids) {
  TokenBatch b;
  b.batch = 1;
  b.seq = static_cast<int64_t>(ids.size());
  for (const auto& v : ids) b.input_ids.push_back(v.get<int64_t>());
  b.attention_mask.assign(ids.size(), 1);
  b.token_type_ids.assign(ids.size(), 0);
  return b;
}

TEST(Sst2RealModel, ReadsWithDynamicInputs) {
  Core core;
  auto model = core.read_model(model_dir() / "openvino_model.xml");
  ASSERT_EQ(model->inputs().size(), 3u);
  EXPECT_EQ(model->inputs()[0].name, "input_ids");
  EXPECT_EQ(model->inputs()[0].element_type, ElementType::i64);
  EXPECT_EQ(model->inputs()[0].shape.to_string(), "[?,?]");
  ASSERT_EQ(model->outputs().size(), 1u);
  EXPECT_EQ(model->outputs()[0].name, "logits");
  EXPECT_EQ(model->outputs()[0].shape.to_string(), "[?,2]");
}

TEST(Sst2RealModel, ReproducesGoldenLogits) {
  nlohmann::json golden = load_golden();
  Core core;
  CompiledModel compiled = core.compile_model(model_dir() / "openvino_model.xml");
  int tie_rows = 0, rows = 0;
  double max_diff = 0;
  auto check = [&](const nlohmann::json& item) {
    std::vector<float> got = run_tokens(compiled, one_sentence(item["input_ids"]));
    ASSERT_EQ(got.size(), 2u);
    double d0 = std::abs(got[0] - item["logits"][0].get<double>());
    double d1 = std::abs(got[1] - item["logits"][1].get<double>());
    double diff = std::max(d0, d1);
    max_diff = std::max(max_diff, diff);
    ++rows;
    bool want_positive = item["logits"][1].get<double>() > item["logits"][0].get<double>();
    EXPECT_EQ(got[1] > got[0], want_positive) << item["text"];
    if (diff > kClean) {
      ++tie_rows;
      EXPECT_LE(diff, kTie) << item["text"];
    }
  };
  for (const auto& item : golden["dev_first100"]) check(item);
  for (const auto& item : golden["examples"]) check(item);
  EXPECT_LE(tie_rows, kMaxTieRows);
  std::printf("sst2: %d sentences, max |diff| %.3g, %d beyond %.0e\n", rows, max_diff, tie_rows, kClean);
}

TEST(Sst2RealModel, PaddedBatchEqualsSingleSentences) {
  nlohmann::json golden = load_golden();
  Core core;
  CompiledModel compiled = core.compile_model(model_dir() / "openvino_model.xml");
  const auto& items = golden["dev_first100"];
  TokenBatch b;
  b.batch = 8;
  for (int i = 0; i < 8; ++i)
    b.seq = std::max<int64_t>(b.seq, static_cast<int64_t>(items[i]["input_ids"].size()));
  for (int i = 0; i < 8; ++i) {
    const auto& ids = items[i]["input_ids"];
    for (int64_t s = 0; s < b.seq; ++s) {
      bool real = s < static_cast<int64_t>(ids.size());
      b.input_ids.push_back(real ? ids[s].get<int64_t>() : 0);
      b.attention_mask.push_back(real);
      b.token_type_ids.push_back(0);
    }
  }
  std::vector<float> batched = run_tokens(compiled, b);
  for (int i = 0; i < 8; ++i) {
    std::vector<float> single = run_tokens(compiled, one_sentence(items[i]["input_ids"]));
    // Padding changes only which masked terms enter the softmax sums (exp(-huge) = 0 exactly), so the
    // rows agree to float rounding unless a quantizer tie flips (see kTie above).
    EXPECT_NEAR(batched[2 * i], single[0], kTie) << i;
    EXPECT_NEAR(batched[2 * i + 1], single[1], kTie) << i;
  }
}

// Reshaping the dynamic IR to a static shape lets constant folding collapse every ShapeOf -> Gather -> Concat
// subgraph into constant reshape targets; the logits stay those of the dynamic model.
TEST(Sst2RealModel, StaticReshapeFoldsShapeSubgraphs) {
  nlohmann::json golden = load_golden();
  const auto& item = golden["examples"][0];
  TokenBatch b = one_sentence(item["input_ids"]);
  Core core;
  auto model = core.read_model(model_dir() / "openvino_model.xml");
  CompiledModel dynamic = core.compile_model(model);
  int dynamic_shapeofs = 0;
  for (const LayerInfo& l : dynamic.layers()) dynamic_shapeofs += l.type == "ShapeOf";
  EXPECT_GT(dynamic_shapeofs, 0);

  model->reshape(PartialShape{1, b.seq});
  EXPECT_EQ(model->outputs()[0].shape.to_string(), "[1,2]");
  CompiledModel fixed = core.compile_model(model);
  for (const LayerInfo& l : fixed.layers()) {
    EXPECT_NE(l.type, "ShapeOf") << l.name;
    EXPECT_NE(l.type, "Concat") << l.name;
  }
  std::vector<float> a = run_tokens(dynamic, b), c = run_tokens(fixed, b);
  EXPECT_EQ(a, c);
  EXPECT_NEAR(c[0], item["logits"][0].get<double>(), kClean);
  EXPECT_NEAR(c[1], item["logits"][1].get<double>(), kClean);

  TokenBatch longer = one_sentence(nlohmann::json::parse("[101, 2002, 102, 0]"));
  EXPECT_THROW(run_tokens(fixed, longer), Error);  // the static model takes [1, seq] only
}

TEST(Sst2RealModel, TokenIdOutsideVocabularyIsAnError) {
  Core core;
  CompiledModel compiled = core.compile_model(model_dir() / "openvino_model.xml");
  TokenBatch b = one_sentence(nlohmann::json::parse("[101, 30522, 102]"));
  try {
    run_tokens(compiled, b);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("30522"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sparrow::testing
