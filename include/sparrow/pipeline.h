// Text classification as Hugging Face's pipeline("text-classification") does it: tokenize, infer, softmax,
// labels from config.json id2label. docs/pipeline.md describes the steps and the choices made.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sparrow/core.h"
#include "sparrow/tokenizer.h"

namespace sparrow {

struct Classification {
  std::string label;
  double score = 0;
};

// What turns a row of logits into scores; HF's `function_to_apply`.
enum class ScoreFunction {
  kDefault,  // kSigmoid when the model has one label or config.json says multi_label_classification, else
             // kSoftmax
  kSoftmax,
  kSigmoid,
  kNone,  // the raw logits
};

struct ClassifyOptions {
  size_t top_k = 1;       // labels per text, best first (0: all)
  size_t batch_size = 8;  // texts per inference
  size_t max_length = 0;  // 0: the model's limit (config.json max_position_embeddings / tokenizer)
  ScoreFunction function = ScoreFunction::kDefault;
  // Called after each batch with the number of texts done so far and the total.
  std::function<void(size_t done, size_t total)> progress;
};

class TextClassificationPipeline {
 public:
  // `model` is a model folder (openvino_model.xml, config.json, tokenizer files), or an .xml file inside one.
  // Throws sparrow::Error naming what is missing or unsupported (no `logits` output, logits not of rank 2,
  // an input other than input_ids / attention_mask / token_type_ids, ids neither i64 nor i32).
  TextClassificationPipeline(const std::filesystem::path& model, const AnyMap& properties = {});

  // One result per text, in the order of `texts`; each holds min(top_k, labels) entries, best first (ties in
  // label order). An empty list gives an empty result.
  std::vector<std::vector<Classification>> operator()(const std::vector<std::string>& texts,
                                                      const ClassifyOptions& options = {});

  const Tokenizer& tokenizer() const;
  const std::vector<std::string>& labels() const;  // id2label in id order
  // Tokens per text after truncation: min(options_max_length (0: no limit), tokenizer model_max_length,
  // config.json max_position_embeddings, the model's static sequence length).
  size_t max_length(size_t options_max_length = 0) const;
  // What `texts` become for the model: the encodings operator() feeds, before padding.
  EncodeOptions encode_options(size_t options_max_length = 0) const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace sparrow
