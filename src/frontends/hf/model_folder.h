// Hugging Face model folders: openvino_model.xml/.bin, config.json, tokenizer files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sparrow::hf {

struct ModelConfig {
  std::string model_type;                // "bert", "distilbert", "roberta", ...
  std::vector<std::string> id2label;     // index = class id; LABEL_<i> when config.json has none
  int64_t max_position_embeddings = 0;   // 0 when absent
  int64_t pad_token_id = 0;
};

struct ModelFolder {
  std::filesystem::path dir;
  std::filesystem::path xml;  // openvino_model.xml (or the folder's only .xml)
  ModelConfig config;
};

// Reads config.json (malformed JSON, wrong field types or inconsistent id2label/label2id give errors naming
// the file and field). A folder without config.json gets defaults.
ModelConfig read_model_config(const std::filesystem::path& config_json);

// `dir` must contain an IR; throws naming what is missing.
ModelFolder open_model_folder(const std::filesystem::path& dir);

}  // namespace sparrow::hf
