// The Gelu and Quantize after an integer linear layer join its epilogue (src/graph/ops/quantized.h).
//
// Before:  QuantizedMatMul -> [Gelu] -> [Quantize(il, ih, levels)]
// After:   QuantizedMatMul(activation = gelu_erf | gelu_tanh; quantize_low/high/levels) with a u8 output
//          when the Quantize joined
//
// So BERT's intermediate layer writes the u8 input of the output layer directly, and no f32 [tokens, 3072]
// tensor is stored and read back twice. Each step joins only when the previous one has no other reader and
// the value is f32. The arithmetic is that of the separate ops. Runs after quantize_linear.
#pragma once

#include "graph/graph.h"

namespace sparrow::passes {

// Returns the number of Gelu and Quantize nodes folded.
int quantized_epilogue(graph::Graph& graph);

}  // namespace sparrow::passes
