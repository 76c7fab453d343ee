// TextClassificationPipeline end to end: the small real SST-2 model against its
// golden.json (PyTorch fake-quant) and dev accuracy, batching against one text
// at a time, and a synth model against the PyTorch oracle
// (scripts/oracle_from_ir.py) fed with the ids sparrow's tokenizer produced.
#include "sparrow/pipeline.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/golden.h"
#include "support/paths.h"

namespace sparrow::testing {
namespace {

namespace fs = std::filesystem;

fs::path sst2_dir() {
  return shared_dir() / "data/models/sst2-tiny-sparse-int8";
}

fs::path work_dir() {
  return build_dir() / "pipeline_test" / std::to_string(getpid());
}

std::string quote(const fs::path& p) {
  return "'" + p.string() + "'";
}

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

int run(const std::string& command, const fs::path& log) {
  int rc = std::system((command + " >" + quote(log) + " 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

nlohmann::json golden() {
  return nlohmann::json::parse(read_text(sst2_dir() / "golden.json"));
}

// SST-2 dev.tsv: `sentence\tlabel` rows after a header.
struct Labelled {
  std::vector<std::string> texts;
  std::vector<int> labels;
};

Labelled read_dev() {
  Labelled d;
  std::ifstream f(shared_dir() / "data/sst2/dev.tsv");
  std::string line;
  std::getline(f, line);
  while (std::getline(f, line)) {
    size_t tab = line.rfind('\t');
    d.texts.push_back(line.substr(0, tab));
    d.labels.push_back(std::stoi(line.substr(tab + 1)));
  }
  return d;
}

// One row per text: the raw logits in label order, from results with every
// label (top_k 0, ScoreFunction::kNone).
std::vector<std::vector<double>> logits_in_label_order(
    const TextClassificationPipeline& p, const std::vector<std::vector<Classification>>& results) {
  std::vector<std::vector<double>> rows;
  for (const auto& r : results) {
    std::vector<double> row(p.labels().size());
    for (const Classification& c : r) {
      size_t i =
          static_cast<size_t>(std::find(p.labels().begin(), p.labels().end(), c.label) - p.labels().begin());
      row.at(i) = c.score;
    }
    rows.push_back(row);
  }
  return rows;
}

class Pipeline : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pipeline_ = new TextClassificationPipeline(sst2_dir()); }
  static void TearDownTestSuite() {
    delete pipeline_;
    pipeline_ = nullptr;
  }
  static TextClassificationPipeline* pipeline_;
};
TextClassificationPipeline* Pipeline::pipeline_ = nullptr;

TEST_F(Pipeline, LabelsAndLimitsFromTheFolder) {
  EXPECT_EQ(pipeline_->labels(), (std::vector<std::string>{"negative", "positive"}));
  // tokenizer_config.json model_max_length 128, config.json
  // max_position_embeddings 128.
  EXPECT_EQ(pipeline_->max_length(), 128u);
  EXPECT_EQ(pipeline_->max_length(64), 64u);
  EXPECT_EQ(pipeline_->max_length(1000), 128u);
}

// The README's table: golden.json examples, PyTorch fake-quant at batch 1. A
// clean row's logits are within 1e-4 of the oracle's (support/golden.cc) and
// softmax moves by at most half the largest logit change.
TEST_F(Pipeline, GoldenExamplesLabelAndScore) {
  nlohmann::json g = golden();
  std::vector<std::string> texts;
  for (const auto& e : g["examples"]) texts.push_back(e["text"]);
  auto results = (*pipeline_)(texts);
  ASSERT_EQ(results.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_EQ(results[i].size(), 1u);
    EXPECT_EQ(results[i][0].label, g["examples"][i]["label"]) << texts[i];
    EXPECT_NEAR(results[i][0].score, g["examples"][i]["score"].get<double>(), 1e-4) << texts[i];
  }
  auto one = (*pipeline_)({"He's a dreadful magician."});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0][0].label, "negative");
  EXPECT_NEAR(one[0][0].score, g["examples"][0]["score"].get<double>(), 1e-4);
  std::printf("He's a dreadful magician. -> %s %.7f (golden %.7f)\n", one[0][0].label.c_str(),
              one[0][0].score, g["examples"][0]["score"].get<double>());
}

TEST_F(Pipeline, TopKAllIsADistributionBestFirst) {
  ClassifyOptions o;
  o.top_k = 0;
  auto r = (*pipeline_)({"A gorgeous, witty, seductive movie."}, o);
  ASSERT_EQ(r.size(), 1u);
  ASSERT_EQ(r[0].size(), 2u);
  EXPECT_EQ(r[0][0].label, "positive");
  EXPECT_GE(r[0][0].score, r[0][1].score);
  EXPECT_NEAR(r[0][0].score + r[0][1].score, 1.0, 1e-15);
  o.top_k = 5;  // more than there are labels: all of them
  EXPECT_EQ((*pipeline_)({"x"}, o)[0].size(), 2u);
}

TEST_F(Pipeline, EmptyListGivesEmptyResult) {
  EXPECT_TRUE((*pipeline_)({}).empty());
}

TEST_F(Pipeline, ZeroBatchSizeIsAnError) {
  ClassifyOptions o;
  o.batch_size = 0;
  EXPECT_THROW((*pipeline_)({"x"}, o), Error);
}

// What the pipeline feeds: golden.json's input_ids ([CLS] ... [SEP], no
// padding) for the first 100 dev sentences.
TEST_F(Pipeline, TokenIdsEqualGolden) {
  nlohmann::json g = golden();
  const EncodeOptions options = pipeline_->encode_options();
  int checked = 0;
  for (const auto& item : g["dev_first100"]) {
    Encoding e = pipeline_->tokenizer().encode(item["text"].get<std::string>(), std::nullopt, options);
    EXPECT_EQ(e.input_ids, item["input_ids"].get<std::vector<int64_t>>()) << item["text"];
    EXPECT_EQ(e.attention_mask, std::vector<int64_t>(e.input_ids.size(), 1));
    EXPECT_EQ(e.token_type_ids, std::vector<int64_t>(e.input_ids.size(), 0));
    ++checked;
  }
  EXPECT_EQ(checked, 100);
}

// Batches pad rows to a bucketed common length; padding changes only masked
// softmax terms (exp(-huge) = 0), so batched logits equal one-at-a-time logits
// up to float rounding, under support/golden.cc's int8 policy.
TEST_F(Pipeline, BatchedEqualsOneByOne) {
  Labelled dev = read_dev();
  std::vector<std::string> texts(dev.texts.begin(), dev.texts.begin() + 48);
  ClassifyOptions o;
  o.top_k = 0;
  o.function = ScoreFunction::kNone;
  o.batch_size = 16;
  auto batched = logits_in_label_order(*pipeline_, (*pipeline_)(texts, o));
  o.batch_size = 1;
  auto single = logits_in_label_order(*pipeline_, (*pipeline_)(texts, o));
  LogitChecker checker(/*int8=*/true);
  for (size_t i = 0; i < texts.size(); ++i) {
    std::vector<float> got(batched[i].begin(), batched[i].end());
    checker.add_row(got.data(), single[i], texts[i]);
  }
  checker.finish("batched vs single");
}

// The README: 81.31% (709/872), as PyTorch fake-quant gives.
TEST_F(Pipeline, DevAccuracy) {
  Labelled dev = read_dev();
  ASSERT_EQ(dev.texts.size(), 872u);
  ClassifyOptions o;
  size_t calls = 0;
  o.progress = [&](size_t done, size_t total) {
    ++calls;
    EXPECT_LE(done, total);
  };
  auto t0 = std::chrono::steady_clock::now();
  auto results = (*pipeline_)(dev.texts, o);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(calls, (872u + 7) / 8);
  int correct = 0;
  for (size_t i = 0; i < results.size(); ++i)
    correct += results[i][0].label == pipeline_->labels()[dev.labels[i]];
  EXPECT_EQ(correct, 709);
  std::printf("sst2 dev: %d/872 = %.2f%% in %.2f s (%.1f texts/s, batch 8)\n", correct, 100.0 * correct / 872,
              s, 872 / s);
}

// The real 80%-sparse model on each sparse weight format: the same 709/872, and every score of every label
// equal to the dense path's bit for bit (scores are a function of the logits alone).
TEST_F(Pipeline, DevAccuracyAndScoresIdenticalOnSparseFormats) {
  Labelled dev = read_dev();
  ClassifyOptions o;
  o.top_k = 0;  // every label
  const auto dense = (*pipeline_)(dev.texts, o);
  for (const char* format : {"bitmask", "groups"}) {
    setenv("SPARROW_SPARSE_FORMAT", format, 1);
    TextClassificationPipeline sparse(sst2_dir(), {{"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE", "0.75"}});
    unsetenv("SPARROW_SPARSE_FORMAT");
    const auto got = sparse(dev.texts, o);
    ASSERT_EQ(got.size(), dense.size());
    int correct = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      correct += got[i][0].label == sparse.labels()[dev.labels[i]];
      ASSERT_EQ(got[i].size(), dense[i].size());
      for (size_t k = 0; k < got[i].size(); ++k) {
        EXPECT_EQ(got[i][k].label, dense[i][k].label) << format << " " << dev.texts[i];
        EXPECT_EQ(got[i][k].score, dense[i][k].score) << format << " " << dev.texts[i];
      }
    }
    EXPECT_EQ(correct, 709) << format;
  }
}

TEST(PipelineErrors, ModelWithoutLogitsOutput) {
  fs::path dir = work_dir() / "no-logits";
  fs::create_directories(dir);
  for (const char* f : {"config.json", "openvino_model.bin", "tokenizer.json", "tokenizer_config.json",
                        "vocab.txt", "special_tokens_map.json"})
    fs::copy_file(sst2_dir() / f, dir / f, fs::copy_options::overwrite_existing);
  std::string xml = read_text(sst2_dir() / "openvino_model.xml");
  size_t at = xml.find("names=\"logits\"");
  ASSERT_NE(at, std::string::npos);
  xml.replace(at, 14, "names=\"scores\"");
  std::ofstream(dir / "openvino_model.xml") << xml;
  try {
    TextClassificationPipeline p(dir);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no 'logits' output"), std::string::npos) << e.what();
  }
}

TEST(PipelineErrors, MissingFolder) {
  EXPECT_THROW(TextClassificationPipeline(work_dir() / "does-not-exist"), Error);
}

// A generated model (`sparrow synth --preset tiny`, int8) against the PyTorch
// oracle, fed with the very ids sparrow's tokenizer produced, one text per
// batch. Logits follow support/golden.cc's int8 policy; the probabilities are
// softmax of those, which moves by at most half the largest logit change of the
// row.
TEST(PipelineSynth, MatchesPyTorchOracle) {
  fs::create_directories(work_dir());
  fs::path dir = work_dir() / "synth-tiny";
  fs::path log = work_dir() / "synth.log";
  ASSERT_EQ(run(quote(cli_path()) + " synth --preset tiny -o " + quote(dir), log), 0) << read_text(log);

  const std::vector<std::string> texts = {
      "He's a dreadful magician.",
      "A gorgeous, witty, seductive movie.",
      "The plot is predictable and the acting is wooden.",
      "I didn't expect much, but it turned out to be a real delight.",
      "Not the worst film of the year, but close.",
      "an utterly charming and hilarious film that reminded me why i love "
      "movies .",
      "Crème brûlée, naïve café — 東京 and emoji 🎬!",
      "x",
  };
  TextClassificationPipeline p(dir);
  ClassifyOptions o;
  o.top_k = 0;
  o.batch_size = 3;
  auto probs = logits_in_label_order(p, p(texts, o));
  o.function = ScoreFunction::kNone;
  auto logits = logits_in_label_order(p, p(texts, o));

  nlohmann::json cases = nlohmann::json::array();
  for (size_t i = 0; i < texts.size(); ++i) {
    Encoding e = p.tokenizer().encode(texts[i], std::nullopt, p.encode_options());
    cases.push_back({{"name", "text" + std::to_string(i)},
                     {"input_ids", {e.input_ids}},
                     {"attention_mask", {e.attention_mask}},
                     {"token_type_ids", {e.token_type_ids}}});
  }
  fs::path cases_file = work_dir() / "synth.cases.json", out_file = work_dir() / "synth.oracle.json";
  std::ofstream(cases_file) << cases.dump();
  int rc = run("/usr/bin/python3 " + quote(source_dir() / "scripts/oracle_from_ir.py") + " " + quote(dir) +
                   " --cases " + quote(cases_file) + " --out " + quote(out_file),
               work_dir() / "oracle.log");
  ASSERT_EQ(rc, 0) << read_text(work_dir() / "oracle.log");
  nlohmann::json oracle = nlohmann::json::parse(read_text(out_file));
  ASSERT_EQ(oracle["precision"], "int8");
  ASSERT_EQ(oracle["cases"].size(), texts.size());

  LogitChecker checker(/*int8=*/true);
  for (size_t i = 0; i < texts.size(); ++i) {
    std::vector<double> want = oracle["cases"][i]["logits"][0].get<std::vector<double>>();
    ASSERT_EQ(want.size(), logits[i].size());
    std::vector<float> got(logits[i].begin(), logits[i].end());
    checker.add_row(got.data(), want, texts[i]);
    double m = *std::max_element(want.begin(), want.end()), sum = 0, max_logit_diff = 0;
    for (size_t l = 0; l < want.size(); ++l) {
      sum += std::exp(want[l] - m);
      max_logit_diff = std::max(max_logit_diff, std::abs(logits[i][l] - want[l]));
    }
    for (size_t l = 0; l < want.size(); ++l) {
      double want_p = std::exp(want[l] - m) / sum;
      // |d softmax_l| <= 2 p (1 - p) max|dz| <= max|dz| / 2; 1e-12 covers the
      // double arithmetic.
      EXPECT_NEAR(probs[i][l], want_p, 0.5 * max_logit_diff + 1e-12) << texts[i] << " label " << l;
    }
  }
  checker.finish("pipeline on synth tiny");
}

}  // namespace
}  // namespace sparrow::testing
