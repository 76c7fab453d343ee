// Whole-graph type and shape inference: runs every op's infer in topological order.
#pragma once

#include "graph/graph.h"

namespace sparrow::graph {

enum class DeclaredShapes {
  kCheck,    // output ports already carry declared types/shapes (read from a file): the inferred ones must be
             // compatible with them; the result keeps the more precise of the two
  kReplace,  // overwrite (after a reshape)
};

// Parameters keep their port's type and shape. Small integer shape subgraphs (ShapeOf of a static shape and
// what is computed from it) are evaluated on the way, as OpenVINO's value propagation does, so a dynamic IR
// reshaped to static inputs gets static shapes everywhere. Throws sparrow::Error naming the node on any
// inconsistency.
void infer_shapes(Graph& graph, DeclaredShapes mode);

}  // namespace sparrow::graph
