// Quantized linear layers: FakeQuantize'd activations times int8 weights become integer matrix products.
//
// Before:  x -> FakeQuantize(il, ih, ol, oh; levels <= 256) -> MatMul(., W) [-> Add(., bias)]
//          W = Const(i8) -> Convert(f32) [-> Subtract(zeros)] -> Multiply(scale)            (compressed weights)
//           or Const(f32) -> FakeQuantize(per-channel ranges)                                 (quantized weights)
// After:   x -> Quantize(il, ih, levels) -> QuantizedMatMul(q, wei i8 [N, K], alpha [N], beta [N])
//          with dst = fma(float(sum_k q[k] * wei[n][k]), alpha[n], beta[n]) (src/graph/ops/quantized_ops.cc):
//          alpha[n] = s_x * s_w[n], beta[n] = ol * s_w[n] * sum_k wei[n][k] + bias[n],
//          where the activation's dequantized value is q * s_x + ol, s_x = (oh - ol) / (levels - 1).
//
// Fires when the activation's four ranges are scalar constants with il < ih, the MatMul does not transpose
// its first input, and the weights resolve to int8 values with one scale per output channel (a zero point
// of zero; FakeQuantize weights whose zero point is an integer). The bias joins when the MatMul feeds only
// an Add of a constant of N values. One Quantize serves every MatMul that reads the same FakeQuantize.
// Anything else is left alone and runs on the reference ops. Runs before constant folding, which would
// otherwise turn the weight chains into f32 constants.
#pragma once

#include "graph/graph.h"

namespace sparrow::passes {

// Returns the number of MatMuls rewritten.
int quantize_linear(graph::Graph& graph);

}  // namespace sparrow::passes
