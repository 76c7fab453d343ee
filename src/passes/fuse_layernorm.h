// LayerNorm with its residual add becomes one LayerNorm node (src/graph/ops/fused_ops.cc).
//
// Before:  [Add(x, residual)] -> MVN(axes = last, normalize_variance) -> Multiply(gamma) -> Add(beta)
// After:   LayerNorm(x, gamma, beta[, residual]; eps, eps_mode)
//
// gamma and beta are f32 constants with one value per element of the last axis (shape [n], [1, n], ...).
// The residual Add joins when the MVN is its only reader. The arithmetic is that of the replaced ops,
// rounding where they round, so results do not change. Anything else is left alone. Runs after constant
// folding, so that the MVN axes and the affine parameters are constants.
#pragma once

#include "graph/graph.h"

namespace sparrow::passes {

// Returns the number of layer norms fused.
int fuse_layernorm(graph::Graph& graph);

}  // namespace sparrow::passes
