// Activation ranges for the FakeQuantize nodes: the float model runs on sparrow's runtime over a few seeded
// random token batches and each quantizer gets the min/max of what it would see, adjusted (NNCF's TuneRange)
// so that float 0 is exactly one of the 256 levels.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "frontends/synth/bert_graph.h"

namespace sparrow::synth {

struct CalibrationPlan {
  int batches = 2;
  int64_t batch = 2;
  int64_t seq = 16;
};

struct Calibration {
  std::map<std::string, ActivationRange> ranges;  // tuned range per quantizer name
  std::vector<double> mean_logits;                // per label, over all calibration rows
};

// Runs the float graph of `weights` (the weights the quantized model computes with) on the runtime. Token
// ids are drawn from the ordinary-word part of the vocabulary between [CLS] and [SEP]; every other batch is
// a sentence pair (token type 1 after the middle [SEP]); no padding.
Calibration calibrate(const BertConfig& config, const BertWeights& weights, uint64_t seed,
                      const CalibrationPlan& plan);

// NNCF's TuneRange for an asymmetric 256-level quantizer: widens [low, high] (never narrows it) so that
// -low / (high - low) * 255 is an integer, i.e. 0 is a level. The range is first extended to include 0.
ActivationRange tune_range(double low, double high);

}  // namespace sparrow::synth
