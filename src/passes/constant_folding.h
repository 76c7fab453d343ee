#pragma once

#include "graph/graph.h"

namespace sparrow::passes {

// Evaluates every node whose inputs are all constants, and every ShapeOf whose input shape is static, and
// replaces it with Const nodes. Runs after reshape and shape inference, so shape subgraphs
// (ShapeOf -> Gather -> Concat -> Reshape) collapse into constant reshape targets. Returns nodes folded.
int fold_constants(graph::Graph& graph);

}  // namespace sparrow::passes
