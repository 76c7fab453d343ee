// Text classification as Hugging Face's pipeline("text-classification") does it: tokenize, infer, softmax,
// labels from config.json id2label.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sparrow/core.h"
#include "sparrow/tokenizer.h"

namespace sparrow {

struct Classification {
  std::string label;
  double score = 0;
};

struct ClassifyOptions {
  size_t top_k = 1;      // labels per text, best first (0: all)
  size_t batch_size = 8; // texts per inference
  size_t max_length = 0; // 0: the model's limit (config.json max_position_embeddings / tokenizer)
};

class TextClassificationPipeline {
 public:
  // `model` is a model folder (openvino_model.xml, config.json, tokenizer files).
  TextClassificationPipeline(const std::filesystem::path& model, const AnyMap& properties = {});

  std::vector<std::vector<Classification>> operator()(const std::vector<std::string>& texts,
                                                      const ClassifyOptions& options = {});

  const Tokenizer& tokenizer() const;
  const std::vector<std::string>& labels() const;  // id2label in id order

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace sparrow
