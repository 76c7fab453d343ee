// The epilogue of a QuantizedMatMul (src/graph/ops/quantized_ops.cc), read from its attributes: what happens
// to the dequantized value fma(float(acc), alpha, beta) before it is stored. Made by
// passes/quantized_epilogue, which folds the Gelu and Quantize that follow a linear layer into it.
#pragma once

#include <cstdint>

#include "graph/graph.h"

namespace sparrow::graph {

struct QuantizedEpilogue {
  // activation: "none", "gelu_erf" or "gelu_tanh" (Gelu-7 in double, rounded once to f32).
  enum class Activation { kNone, kGeluErf, kGeluTanh } activation = Activation::kNone;
  // quantize_low / quantize_high / quantize_levels: the output is u8, the Quantize op's step of the value.
  bool quantize = false;
  float low = 0, high = 0;
  int64_t levels = 0;
};

// Reads and checks the epilogue attributes (absent ones: no activation, f32 output).
QuantizedEpilogue quantized_epilogue(const Node& node);

}  // namespace sparrow::graph
