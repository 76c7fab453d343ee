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

// For an i8 weight matrix stored [N][K] (output channels x input channels): the fraction of groups of
// `group` consecutive input channels of one output channel that are all zero; a row's last group may be
// shorter. VNNI multiplies 4 input channels at once, so with group = 4 this is the share of work a sparse
// kernel that skips all-zero groups can drop. 0 for an empty tensor; throws for other types or ranks.
double zero_group_fraction(const Tensor& nk, size_t group);

}  // namespace sparrow::graph
