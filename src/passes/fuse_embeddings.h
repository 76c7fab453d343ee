// The embedding lookups and their sum become one EmbeddingSum node (src/graph/ops/fused_ops.cc).
//
// Before:  Add(...Add(Gather(T0, i0, axis 0), Gather(T1, i1, axis 0))..., Gather(Tn, in, axis 0))
// After:   EmbeddingSum(T0, i0, T1, i1, ..., Tn, in)
//
// Tables are f32 constants [V, H] of one width; each Gather has batch_dims 0 and is read only by its Add,
// and each inner Add only by the next. The sum keeps the chain's order and f32 roundings, and index checks
// stay those of Gather (an id outside the vocabulary is an error). Runs after constant folding, which turns
// f16 tables with a Convert into f32 constants.
#pragma once

#include "graph/graph.h"

namespace sparrow::passes {

// Returns the number of sums fused.
int fuse_embeddings(graph::Graph& graph);

}  // namespace sparrow::passes
