// The parameters of a synthetic BertForSequenceClassification: shapes, seeded initialisation, magnitude
// sparsity and per-output-channel symmetric int8 quantization. Names are Hugging Face's parameter names.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sparrow/shape.h"

namespace sparrow::synth {

struct BertConfig {
  std::string preset;
  int64_t layers = 0, hidden = 0, heads = 0, ffn = 0, vocab = 0, max_positions = 0;
  int64_t type_vocab = 2, labels = 2;
};

// "tiny" or "bert-base"; throws sparrow::Error naming the accepted presets otherwise.
BertConfig preset_config(const std::string& preset);

struct FloatTensor {
  Shape shape;
  std::vector<float> data;
};

// Every parameter by its Hugging Face name ("bert.encoder.layer.0.attention.self.query.weight", ...).
using BertWeights = std::map<std::string, FloatTensor>;

// Seeded initialisation. Each tensor draws from its own stream (seed, name), so the values of a tensor do
// not depend on the number of layers or on generation order. Scales (std of the normal draws):
// - word embeddings 1, position and token-type embeddings 0.5: distinct tokens give distinct hidden states;
//   LayerNorm removes the overall scale anyway;
// - Linear weights gain/sqrt(in_features): gain 1 (FFN, pooler, classifier) keeps GELU inputs and logits O(1)
//   where BERT's std 0.02 would make the logits a near-constant; gain 2 on Q, K, V and the attention output
//   makes attention input-dependent (see generate_weights);
// - biases 0.02 and LayerNorm gamma 1 + 0.05 n, beta 0.02 n: small, but not the identity, so that a kernel
//   that drops a bias or misreads a gamma is visible in the logits.
BertWeights generate_weights(const BertConfig& config, uint64_t seed);

// The weight names of the 6 encoder Linear layers of every layer (Q, K, V, attention output, FFN in, out).
std::vector<std::string> encoder_linear_weights(const BertConfig& config);

// The number of zeros magnitude sparsity at `rate` gives a tensor of n elements: round(rate * n).
size_t sparse_zero_count(size_t n, double rate);

// Sets exactly sparse_zero_count(w.size(), rate) elements to zero: the smallest |w| first, ties broken by
// the lower index. Elements already zero count among them.
void sparsify_by_magnitude(std::vector<float>& w, double rate);

// Sets whole blocks of `block` consecutive columns (input channels) of a [rows][cols] weight to zero: exactly
// sparse_zero_count(blocks, rate) of the rows * ceil(cols / block) blocks, the smallest L2 norm first, ties
// broken by the lower block index (row-major). A row's last, narrower block counts as a block.
void sparsify_blocks_by_magnitude(std::vector<float>& w, size_t rows, size_t cols, size_t block, double rate);

// Symmetric per-output-channel int8: scale[r] = max_c |w[r][c]| / 127, q = round_half_even(w / scale) in
// [-127, 127]. A non-zero weight never becomes 0 (it gets +-1), so the int8 zeros are exactly the float
// zeros. A row of zeros gets scale 1.
struct QuantizedWeight {
  Shape shape;               // [out, in]
  std::vector<int8_t> q;     // row-major [out, in]
  std::vector<float> scale;  // [out]
};
QuantizedWeight quantize_per_row(const FloatTensor& w);
// q * scale as floats: the weights the int8 model computes with.
FloatTensor dequantize(const QuantizedWeight& w);

}  // namespace sparrow::synth
