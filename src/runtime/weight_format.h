// Which weight format each quantized linear layer runs on: dense, or a sparse format (bitmask, groups;
// docs/weight_formats.md), from CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE and the layer's zero pattern.
//
//   rate r in [0, 1)  OpenVINO's meaning: a layer whose weight zero fraction is at least r takes a sparse
//                     path (here the sparse format the cost model prefers for its pattern); the others stay
//                     dense. 1.0 turns the sparse path off (the default, as in OpenVINO).
//   AUTO              sparrow picks dense or a sparse format per layer, whichever the cost model predicts
//                     is fastest; a dense layer stays dense.
// Every format gives bit-identical results (the same int32 sums), so the choice is about speed only.
#pragma once

#include <cstddef>
#include <string>

#include "kernels/qgemm/qgemm.h"

namespace sparrow::runtime {

struct SparseWeightsPolicy {
  bool automatic = false;  // AUTO
  double rate = 1.0;       // used when !automatic; 1.0: off
  // The sparse format for every layer that goes sparse, instead of the cost model's pick (tests and
  // measurements; SPARROW_SPARSE_FORMAT=bitmask|groups, docs/knobs.md). dense: no override.
  kernels::WeightFormat forced = kernels::WeightFormat::dense;
};

// SPARROW_SPARSE_FORMAT: unset or "" gives dense (no override); bitmask or groups; anything else throws
// sparrow::Error naming the variable and the accepted values.
kernels::WeightFormat sparse_format_override();

// What the choice looks at, measured on the int8 weights [N][K], and the rows of activations per call when
// the model's shapes are static (batch x sequence; 0: unknown, taken as kTypicalRows).
struct WeightPattern {
  size_t N = 0, K = 0;
  double zero_fraction = 0;        // zero weights
  double zero_group_fraction = 0;  // all-zero groups of 4 consecutive input channels
  size_t rows = 0;
};
inline constexpr size_t kTypicalRows = 64;

struct FormatChoice {
  kernels::WeightFormat format = kernels::WeightFormat::dense;
  std::string reason;  // one line for SPARROW_VERBOSE=sparse and the docs' examples
};

// Predicted time of a linear layer in `format`, relative to the dense kernel on the same weights (1.0), in a
// model whose weights do not stay in cache between inferences (docs/weight_formats.md, "Choosing a format",
// gives the measurements behind the constants).
double relative_cost(kernels::WeightFormat format, const WeightPattern& pattern);

FormatChoice choose_weight_format(const WeightPattern& pattern, const SparseWeightsPolicy& policy);

}  // namespace sparrow::runtime
