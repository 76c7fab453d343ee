// Scaled dot-product attention becomes one Attention node (src/graph/ops/attention.h).
//
// Before:  Q, K, V (f32, rank 4: [B, H, S, D]) each often Transpose([B, S, H, D], order 0 2 1 3)
//          MatMul(Q, K; transpose_b) or MatMul(Q, K^T)  -> [Multiply(c) or Divide(c), c a scalar constant]
//          -> [Add(mask)] -> SoftMax(last axis) -> MatMul(., V) [-> Transpose]
// After:   Attention(q, k, v[, mask]; layout_q/k/v/out, scale_mode, scale)
//          reading Q, K and V from the Transposes' inputs (the layouts say where each axis lies) and
//          writing the layout of the final Transpose, which it replaces.
//
// The arithmetic is that of the replaced ops, rounding where they round, so results do not change. Fires
// only when every intermediate (scores, scaled scores, masked scores, probabilities) has no other reader,
// all values are f32 of rank 4, neither MatMul transposes its first input and the second MatMul does not
// transpose V. Anything else is left alone. Runs after constant folding, so that a computed scale or a
// Transpose order is a constant by then.
#pragma once

#include "graph/graph.h"

namespace sparrow::passes {

// Returns the number of attention blocks fused.
int fuse_attention(graph::Graph& graph);

}  // namespace sparrow::passes
