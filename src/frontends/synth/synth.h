// Built-in BERT-family model generator: the default model of `sparrow synth` and the README's main job.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace sparrow::synth {

struct SynthOptions {
  std::string preset = "bert-base";  // "tiny" or "bert-base"
  int layers = -1;                   // -1: the preset's
  double sparsity = 0.8;             // zero fraction of every encoder Linear weight
  // "unstructured": single weights by magnitude; "block4": blocks of 4 consecutive input channels by L2 norm
  // (the VNNI-friendly pattern DeepSparse and Intel prune to).
  std::string sparsity_pattern = "unstructured";
  uint64_t seed = 42;
  bool fp32 = false;  // default int8 (FakeQuantize activations, compressed i8 weights)
  // Called with one line per stage ("generating weights", "calibrating", ...); may be empty.
  std::function<void(const std::string&)> progress;
};

struct SynthSummary {
  std::filesystem::path dir;
  std::string preset, precision;  // precision: "int8" or "fp32"
  int64_t layers = 0;
  uint64_t bytes = 0;           // all files of the folder
  double encoder_sparsity = 0;  // zeros / elements over all encoder Linear weights
  double seconds = 0;
};

// Writes DIR/openvino_model.xml+.bin, config.json and the bert-base-uncased tokenizer files
// (vocab.txt, tokenizer.json, tokenizer_config.json, special_tokens_map.json). The folder is written as
// DIR.tmp and renamed into place; an existing DIR is replaced only if it is empty or was written by synth.
// Throws sparrow::Error for a bad preset, layer count or sparsity, a missing data folder and unwritable
// paths. The same options give byte-identical files on every platform.
SynthSummary write_model_folder(const SynthOptions& options, const std::filesystem::path& dir);

// The folder holding vocab/bert-base-uncased/: $SPARROW_DATA_DIR, else <executable dir>/../share/sparrow,
// else the source tree's data/ (compile time). Throws sparrow::Error listing the places tried.
std::filesystem::path find_data_dir();

}  // namespace sparrow::synth
