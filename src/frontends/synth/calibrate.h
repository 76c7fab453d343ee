// Activation ranges for the FakeQuantize nodes: the float model runs on sparrow's runtime over a few seeded
// random token batches and each quantizer gets the min/max of what it would see, adjusted (NNCF's TuneRange)
// so that float 0 is exactly one of the 256 levels.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "frontends/synth/bert_graph.h"

namespace sparrow::synth {

struct CalibrationPlan {
  int batches = 2;
  int64_t batch = 2;
  int64_t seq = 16;
};

// Runs the float graph of `weights` (the weights the quantized model computes with) and returns a tuned
// range per quantizer name. Token ids are drawn from the ordinary-word part of the vocabulary between [CLS]
// and [SEP]; every other batch is a sentence pair (token type 1 after the middle [SEP]); no padding.
std::map<std::string, ActivationRange> calibrate(const BertConfig& config, const BertWeights& weights,
                                                 uint64_t seed, const CalibrationPlan& plan);

// NNCF's TuneRange for an asymmetric 256-level quantizer: widens [low, high] (never narrows it) so that
// -low / (high - low) * 255 is an integer, i.e. 0 is a level. The range is first extended to include 0.
ActivationRange tune_range(double low, double high);

}  // namespace sparrow::synth
