// Finding and measuring the weights of linear layers, independent of how the IR encodes them.
#pragma once

#include "graph/graph.h"

namespace sparrow::graph {

// The Const holding the weight matrix of a MatMul, looking through the chains that converters and NNCF put
// between the stored weights and the MatMul (Convert, Subtract, Multiply, FakeQuantize, Transpose, Reshape).
// nullptr when the MatMul's second operand is not a constant of rank >= 2 (attention's QK^T, for example).
const Node* weight_constant(const Node& matmul);

// Fraction of elements equal to zero (either sign for floats). 0 for an empty tensor.
double zero_fraction(const Tensor& t);

}  // namespace sparrow::graph
