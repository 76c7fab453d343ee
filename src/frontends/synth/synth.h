// Built-in BERT-family model generator: the default model of `sparrow synth` and the README's main job.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace sparrow::synth {

struct SynthOptions {
  std::string preset = "bert-base";  // "tiny" or "bert-base"
  int layers = -1;                   // -1: the preset's
  double sparsity = 0.8;             // unstructured zero fraction of every encoder Linear weight
  uint64_t seed = 42;
  bool fp32 = false;                 // default int8 (FakeQuantize activations, compressed i8 weights)
};

// Writes DIR/openvino_model.xml+.bin, config.json and the bert-base-uncased tokenizer files.
void write_model_folder(const SynthOptions& options, const std::filesystem::path& dir);

}  // namespace sparrow::synth
