// Hugging Face model folders: openvino_model.xml/.bin, config.json, tokenizer files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sparrow::hf {

struct ModelConfig {
  std::string model_type;  // "bert", "distilbert", "roberta", ...
  // index = class id. From id2label, else LABEL_<i> for num_labels; empty when config.json gives neither
  // (or is absent): the caller then names them with default_labels(the model's output width).
  std::vector<std::string> id2label;
  int64_t max_position_embeddings = 0;  // 0 when absent
  int64_t pad_token_id = 0;
};

struct ModelFolder {
  std::filesystem::path dir;
  std::filesystem::path xml;  // openvino_model.xml (or the folder's only .xml)
  ModelConfig config;
};

// Reads config.json (malformed JSON, wrong field types or inconsistent id2label/label2id give errors naming
// the file and field). An absent file gives defaults. id2label keys must be exactly "0".."n-1"; label2id,
// when present, must be its inverse; num_labels, when present, must equal its size.
ModelConfig read_model_config(const std::filesystem::path& config_json);

// "LABEL_0".."LABEL_<count-1>", transformers' names for classes that config.json does not name.
std::vector<std::string> default_labels(size_t count);

// `dir` must contain an IR (openvino_model.xml, or the only .xml) with its .bin; throws naming what is
// missing.
ModelFolder open_model_folder(const std::filesystem::path& dir);

}  // namespace sparrow::hf
